# RnnPipeline: every target builds what it needs; a fresh machine needs only the .NET 10 SDK.
DOTNET    ?= dotnet
CONFIG    ?= Release
SUITE     ?= configs/compare-activations.json
OUT       ?= out
# make run trains two runs at once, one compute thread each (the worker splits its threads between parallel runs)
RUN_FLAGS ?= --parallel 2
# make bench options, e.g. BENCH_FLAGS="--threads 1 --sizes 64,256" (see src/RnnPipeline.Bench/Program.cs)
BENCH_FLAGS ?=
WORKER    := src/RnnPipeline.Worker/RnnPipeline.Worker.csproj
WORKER_DLL = src/RnnPipeline.Worker/bin/$(CONFIG)/net10.0/RnnPipeline.Worker.dll
SUITE_NAME = $(basename $(notdir $(SUITE)))
REPORT     = $(OUT)/$(SUITE_NAME)/report.html
SHELL     := /bin/bash
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1
export RNNPIPELINE_PACKAGE_FEED := $(abspath $(OUT))/packages

.PHONY: all build pack api run test bench report screenshot clean

all: build

build:
	$(DOTNET) build RnnPipeline.sln -c $(CONFIG) -v quiet -nologo

## run: train the default suite (tanh, sigmoid, ReLU, IRNN: each lag 2-128 trained alone, 12 seeds each, and one run each on sample text) and write out/<suite>/report.html and summary.md; RUN_FLAGS="--parallel 2 --Suite:Grid:SeedOffset=1000" reruns it on fresh seeds
run:
	$(DOTNET) build $(WORKER) -c $(CONFIG) -v quiet -nologo
	$(DOTNET) $(WORKER_DLL) --suite $(SUITE) --output $(OUT) $(RUN_FLAGS)

## pack: NuGet packages of Core, Training, DataViews, Reporting, MLNet and MLNet.Reporting into $(OUT)/packages (a local folder feed); REPOSITORY_URL=https://… records the project page and repository in each .nuspec
pack: build
	$(DOTNET) pack RnnPipeline.sln -c $(CONFIG) --no-build -v quiet -nologo -o $(OUT)/packages $(if $(REPOSITORY_URL),-p:RnnPipelineRepositoryUrl=$(REPOSITORY_URL))

## api: after a deliberate change to a packed library's public surface, records it in src/*/PublicAPI.Unshipped.txt (the build fails until then); review the diff
api:
	@for pass in 1 2 3 4 5 6; do \
	  for p in Core Training DataViews MLNet MLNet.Reporting Reporting; do $(DOTNET) format analyzers src/RnnPipeline.$$p/RnnPipeline.$$p.csproj --diagnostics RS0016 --severity info -v quiet || exit 1; done; \
	  removed=$$($(DOTNET) build RnnPipeline.sln -c $(CONFIG) -v quiet -nologo 2>&1 | sed -n 's/^\(.*PublicAPI\.[A-Za-z]*\.txt\)(\([0-9]*\),[0-9]*): error RS0017.*/\1 \2/p' | sort -u | sort -k1,1 -k2,2nr); \
	  [ -z "$$removed" ] && break; \
	  echo "$$removed" | while read -r file line; do sed -i "$${line}d" "$$file"; done; \
	done; git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt'

## test: unit, integration and end-to-end tests on tiny models (the packaging test consumes $(OUT)/packages); prints "N passed, N failed"
test: pack
	@mkdir -p $(OUT)
	@$(DOTNET) test RnnPipeline.sln -c $(CONFIG) --no-build -nologo 2>&1 | tee $(OUT)/.test.log
	@awk '/(Passed|Failed)! *- *Failed:/ { gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($$i == "Failed:") f += $$(i+1); if ($$i == "Passed:") p += $$(i+1); if ($$i == "Skipped:") s += $$(i+1) } } \
	     END { printf "%d passed, %d failed, %d skipped\n", p, f, s; if (f > 0 || p == 0) exit 1 }' $(OUT)/.test.log

## bench: per hidden size (64-1024), our trainer vs TorchSharp's fused nn.RNN, GFLOP/s vs sgemm, step profile, diagnostics overhead, our LSTM and GRU vs fused nn.LSTM and nn.GRU (64-512), memory drift → $(OUT)/bench/
bench:
	$(DOTNET) build src/RnnPipeline.Bench/RnnPipeline.Bench.csproj -c $(CONFIG) -v quiet -nologo
	$(DOTNET) src/RnnPipeline.Bench/bin/$(CONFIG)/net10.0/RnnPipeline.Bench.dll --output $(OUT)/bench $(BENCH_FLAGS)

## report: re-render the report of an existing output folder from its saved data views (no training)
report:
	$(DOTNET) build $(WORKER) -c $(CONFIG) -v quiet -nologo
	$(DOTNET) $(WORKER_DLL) --suite $(SUITE) --output $(OUT) --report

## publish: the worker for linux-x64 with suites and sample texts, as in the container image → $(OUT)/publish/; checks it trains as 2 shards + merge
publish:
	deploy/publish.sh --check $(OUT)/publish

## screenshot: render the HTML report in headless Chromium to $(OUT)/<suite>/report.png
screenshot:
	@if ! command -v chromium >/dev/null 2>&1; then echo "screenshot skipped: chromium is not installed (Debian: apt-get install chromium)"; exit 0; fi; \
	if [ ! -f "$(REPORT)" ]; then echo "no report at $(REPORT): run 'make run' (or make report) first"; exit 1; fi; \
	profile=$$(mktemp -d); \
	chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update \
	  --disable-sync --hide-scrollbars --user-data-dir=$$profile --window-size=1280,6000 \
	  --screenshot=$(OUT)/$(SUITE_NAME)/report.png file://$(abspath $(REPORT)) 2>/dev/null; \
	status=$$?; rm -rf $$profile; \
	if [ $$status -ne 0 ] || [ ! -s $(OUT)/$(SUITE_NAME)/report.png ]; then echo "chromium failed to render $(REPORT)"; exit 1; fi; \
	echo "screenshot: $(OUT)/$(SUITE_NAME)/report.png"

clean:
	$(DOTNET) clean RnnPipeline.sln -v quiet -nologo
	rm -rf $(OUT)
