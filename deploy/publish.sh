#!/usr/bin/env bash
# Publishes the worker for linux-x64 into one folder, with the suite files and sample texts beside it, so that
# `dotnet <folder>/RnnPipeline.Worker.dll --suite <folder>/configs/<suite>.json` runs wherever the .NET 10 runtime is.
# The container image (deploy/Dockerfile) and `make publish` both call this script; the build itself applies the
# Debian 12 loader fix to the published libLibTorchSharp.so (Directory.Build.targets, after Publish).
# With --check, the published worker then trains a tiny suite as two shards and merges them, as a cluster would.
# Usage: deploy/publish.sh [--check] <output folder>
set -euo pipefail
check=false
if [ "${1:-}" = "--check" ]; then check=true; shift; fi
out=$(realpath -m "${1:?usage: deploy/publish.sh [--check] <output folder>}")
cd "$(dirname "$0")/.."
# linux-x64 only: a portable publish would also copy the macOS and Windows libtorch natives (about 1 GB more).
dotnet publish src/RnnPipeline.Worker/RnnPipeline.Worker.csproj -c Release -r linux-x64 --self-contained false \
  -p:UseAppHost=false -nologo -v quiet -o "$out"
mkdir -p "$out/configs" "$out/samples"
cp configs/*.json "$out/configs/"
cp samples/*.txt "$out/samples/"
echo "published: $out"
$check || exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/smoke.json" <<JSON
{
  "Name": "smoke",
  "Defaults": { "Model": { "HiddenSize": 8 }, "Training": { "Steps": 16, "BatchSize": 4, "WindowLength": 12, "EvalEvery": 8, "EvalWindows": 2 },
                "Diagnostics": { "Every": 8, "ProbeSequences": 2 }, "Probe": { "SamplesPerLag": 10 } },
  "Runs": [ { "Name": "text", "Corpus": { "Kind": "TextFile", "Path": "$out/samples/tiny.txt", "ValidationFraction": 0.2 } } ],
  "Grid": { "Activations": ["Tanh", "Sigmoid", "Relu"] }
}
JSON
for shard in 0 1; do
  dotnet "$out/RnnPipeline.Worker.dll" --suite "$work/smoke.json" --output "$work/out" --threads 1 --shard "$shard/2" > "$work/shard$shard.log" \
    || { cat "$work/shard$shard.log"; echo "publish check: shard $shard/2 of the published worker failed"; exit 1; }
done
dotnet "$out/RnnPipeline.Worker.dll" --suite "$work/smoke.json" --output "$work/out" --report > "$work/report.log" \
  || { cat "$work/report.log"; echo "publish check: the merge (--report) failed"; exit 1; }
test -s "$work/out/smoke/report.html"
echo "publish check: the published worker trained 3 runs as 2 shards and merged them into one report"
