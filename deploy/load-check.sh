#!/usr/bin/env bash
# Trains under the load that once made about one worker process in six fail with TorchSharp's "Unknown scalar type"
# or a failed check in Scalar::toDouble (a Scalar finalized during a native call, see OwnedScalars): several worker
# processes at once, each training parallel runs, far more compute threads than cores. Every process must exit 0 and
# no log may show the error.
#   deploy/load-check.sh [PROCESSES] [OUTPUT]      (defaults: 6, out/load-check)
set -euo pipefail
cd "$(dirname "$0")/.."
processes=${1:-6}
output=${2:-out/load-check}
dll=src/RnnPipeline.Worker/bin/Release/net10.0/RnnPipeline.Worker.dll
dotnet build src/RnnPipeline.Worker/RnnPipeline.Worker.csproj -c Release -v quiet -nologo
rm -rf "$output" && mkdir -p "$output"
echo "load check: $processes processes x 3 parallel runs x 2 threads, default suite at 60 steps, a quarter of it each (load average $(cut -d' ' -f1-3 /proc/loadavg))"
pids=()
for p in $(seq 1 "$processes"); do
  dotnet "$dll" --suite configs/compare-activations.json --output "$output/p$p" --parallel 3 --threads 6 \
    --Suite:Defaults:Training:Steps=60 --Suite:Grid:SeedOffset=$((p * 1000)) --shard $(( (p - 1) % 4 ))/4 \
    > "$output/p$p.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then echo "process $((i + 1)) failed: see $output/p$((i + 1)).log"; failed=1; fi
done
if grep -l -E "Unknown scalar type|toDouble|Expected false to be true" "$output"/p*.log; then failed=1; fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$failed" -ne 0 ]; then echo "load check FAILED"; exit 1; fi
echo "load check passed: $processes processes, every run finished"
