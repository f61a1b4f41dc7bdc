#!/usr/bin/env bash
# One shard of a Slurm job array: shard SLURM_ARRAY_TASK_ID of SHARDS.
# Submitted by slurm-submit.sh (and slurm-recover.sh), which set the sbatch
# options (array, --cpus-per-task from THREADS, logs) and export BIN, MODEL,
# PATHS, SEED, SHARDS and OUT; not meant to be submitted by hand.
set -euo pipefail
: "${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit with docs/cluster/slurm-submit.sh}"
: "${SHARDS:?SHARDS is not set: submit with docs/cluster/slurm-submit.sh}"
exec "$BIN" run "$MODEL" --paths "$PATHS" --seed "$SEED" \
  --threads "${SLURM_CPUS_PER_TASK:-1}" --quiet \
  --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" \
  --partial "$OUT/partials/part-$SLURM_ARRAY_TASK_ID.json"
