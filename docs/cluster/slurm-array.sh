#!/usr/bin/env bash
# Slurm job array: 64 shards of one runway run, then one merge job.
#
#   sbatch docs/cluster/slurm-array.sh                 # the 64 shards
#   sbatch --dependency=afterok:<jobid> --wrap \
#     'runway merge results/part-*.json --out results/merged'   # the merge
#
# Every shard uses the same model, seed and --paths: only --shard differs.
#SBATCH --job-name=runway-shards
#SBATCH --array=0-63
#SBATCH --cpus-per-task=8
#SBATCH --mem=1G
#SBATCH --time=01:00:00
#SBATCH --output=logs/runway-%A-%a.log
set -euo pipefail

MODEL=${MODEL:-configs/openai_2024.toml}
PATHS=${PATHS:-10000000000}     # 10^10 paths in all
SEED=${SEED:-2023}
SHARDS=64
mkdir -p results logs

runway run "$MODEL" --paths "$PATHS" --seed "$SEED" \
  --threads "${SLURM_CPUS_PER_TASK:-1}" --quiet \
  --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" \
  --partial "results/part-${SLURM_ARRAY_TASK_ID}.json"
