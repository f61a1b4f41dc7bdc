#!/usr/bin/env bash
# One machine (or several, with GNU parallel's --sshlogin), GNU parallel:
# SHARDS shards of THREADS threads each, JOBS at a time, then the merge.
#
#   PATHS=2M SHARDS=8 docs/cluster/gnu-parallel.sh            # into results/
#   OUT=run-7 SEED=7 docs/cluster/gnu-parallel.sh --clean     # replace run-7/
#
# Variables (environment):
#   BIN      runway binary                  (runway, from PATH)
#   MODEL    model file                     (configs/openai_2024.toml)
#   PATHS    paths of the whole run         (100M; 2M, 1e9 and 10^10 work)
#   SEED     seed                           (2023)
#   SHARDS   number of shards M             (8)
#   THREADS  threads of each shard          (2)
#   JOBS     shards running at once         (cores / THREADS, at least 1:
#            JOBS × THREADS = cores, no oversubscription)
#   OUT      results folder                 (results): partials in
#            OUT/partials, logs in OUT/logs, the merge in OUT/merged
#   CLEAN=1  (or --clean) remove a non-empty OUT first; without it a
#            non-empty OUT is refused, so two runs never mix
#
# The shards are independent: any scheduler that can run "the same command
# with an index" can run them, in any order, anywhere.
set -euo pipefail
CLEAN=${CLEAN:-0}
for arg in "$@"; do
  case $arg in
    --clean) CLEAN=1 ;;
    *) echo "gnu-parallel: unknown argument $arg (only --clean)" >&2; exit 2 ;;
  esac
done
BIN=${BIN:-runway}
MODEL=${MODEL:-configs/openai_2024.toml}
PATHS=${PATHS:-100M}
SEED=${SEED:-2023}
SHARDS=${SHARDS:-8}
THREADS=${THREADS:-2}
CORES=$(nproc)
JOBS=${JOBS:-$((CORES / THREADS > 0 ? CORES / THREADS : 1))}
OUT=${OUT:-results}
command -v parallel >/dev/null || { echo "gnu-parallel: GNU parallel is not installed (apt-get install parallel)" >&2; exit 1; }

if [[ -d $OUT && -n $(ls -A "$OUT") ]]; then
  if [[ $CLEAN == 1 ]]; then
    rm -rf "$OUT"
  else
    echo "gnu-parallel: $OUT is not empty (an earlier run?); use --clean (or CLEAN=1) to replace it, or another OUT" >&2
    exit 2
  fi
fi
mkdir -p "$OUT/partials" "$OUT/logs"
echo "gnu-parallel: $SHARDS shards of $PATHS paths, $JOBS at a time × $THREADS threads on $CORES cores → $OUT" >&2

start=$(date +%s%N)
# -q: the command's words reach runway as they are (spaces in paths survive).
seq 0 $((SHARDS - 1)) | parallel -q --jobs "$JOBS" --halt now,fail=1 \
  --joblog "$OUT/logs/joblog" \
  "$BIN" run "$MODEL" --paths "$PATHS" --seed "$SEED" --threads "$THREADS" --quiet \
  --shard "{}/$SHARDS" --partial "$OUT/partials/part-{}.json" >/dev/null
end=$(date +%s%N)
echo "gnu-parallel: shards took $(((end - start) / 1000000)) ms wall" >&2

BIN=$BIN OUT=$OUT "$(dirname "$0")/merge-fresh.sh"
