#!/usr/bin/env bash
# One machine, GNU parallel: 8 shards, 2 threads each, then the merge.
# (Also a template for any scheduler that can run "the same command with an
# index": the shards are independent and can run anywhere, in any order.)
set -euo pipefail
MODEL=${MODEL:-configs/openai_2024.toml}
PATHS=${PATHS:-100000000}
SEED=${SEED:-2023}
SHARDS=${SHARDS:-8}
OUT=${OUT:-results}
mkdir -p "$OUT"

seq 0 $((SHARDS - 1)) | parallel --halt now,fail=1 \
  runway run "$MODEL" --paths "$PATHS" --seed "$SEED" --threads 2 --quiet \
    --shard {}/"$SHARDS" --partial "$OUT"/part-{}.json

runway merge "$OUT"/part-*.json --out "$OUT"/merged
