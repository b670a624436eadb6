#!/bin/bash
# Submits the shard array and the report step, which starts once every array task has succeeded (afterok).
# Arguments are passed to both, e.g. deploy/slurm/submit.sh --Suite:Defaults:Training:Steps=3000
# For a report even when some task failed (it lists the missing runs), use afterany instead of afterok.
set -euo pipefail
here=$(dirname "$0")
shards=$(sbatch --parsable "$here/shards.sbatch" "$@")
shards=${shards%%;*}
report=$(sbatch --parsable --dependency="afterok:$shards" "$here/report.sbatch" "$@")
echo "shards: job $shards; report: job $report (runs after every shard succeeded)"
