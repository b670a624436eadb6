# RnnPipeline: every target builds what it needs; a fresh machine needs only the .NET 10 SDK.
DOTNET    ?= dotnet
CONFIG    ?= Release
SUITE     ?= configs/compare-activations.json
OUT       ?= out
WORKER    := src/RnnPipeline.Worker/RnnPipeline.Worker.csproj
WORKER_DLL = src/RnnPipeline.Worker/bin/$(CONFIG)/net10.0/RnnPipeline.Worker.dll
SHELL     := /bin/bash
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: all build run test bench report screenshot clean

all: build

build:
	$(DOTNET) build RnnPipeline.sln -c $(CONFIG) -v quiet -nologo

## run: train the default suite (tanh, sigmoid, ReLU on sample text and a long-range probe) and write out/<suite>/report.html
run:
	$(DOTNET) build $(WORKER) -c $(CONFIG) -v quiet -nologo
	$(DOTNET) $(WORKER_DLL) --suite $(SUITE) --output $(OUT)

## test: unit, integration and end-to-end tests on tiny models; prints "N passed, N failed"
test:
	$(DOTNET) build RnnPipeline.sln -c $(CONFIG) -v quiet -nologo
	@mkdir -p $(OUT)
	@$(DOTNET) test RnnPipeline.sln -c $(CONFIG) --no-build -nologo 2>&1 | tee $(OUT)/.test.log
	@awk '/(Passed|Failed)! *- *Failed:/ { gsub(/,/, ""); for (i = 1; i <= NF; i++) { if ($$i == "Failed:") f += $$(i+1); if ($$i == "Passed:") p += $$(i+1); if ($$i == "Skipped:") s += $$(i+1) } } \
	     END { printf "%d passed, %d failed, %d skipped\n", p, f, s; if (f > 0 || p == 0) exit 1 }' $(OUT)/.test.log

clean:
	$(DOTNET) clean RnnPipeline.sln -v quiet -nologo
	rm -rf $(OUT)
