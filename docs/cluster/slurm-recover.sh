#!/usr/bin/env bash
# Finishes a Slurm run of slurm-submit.sh after shards failed, timed out or
# were cancelled (their merge was cancelled with them, or, for a merge
# submitted without --kill-on-invalid-dep, is pending forever with reason
# DependencyNeverSatisfied and is cancelled here):
#
#   OUT=results docs/cluster/slurm-recover.sh            # resubmit what is missing
#   OUT=results DRY_RUN=1 docs/cluster/slurm-recover.sh  # only say what
#
# It reads the run's variables from OUT/run.env (written by slurm-submit.sh:
# the same model, seed, paths and SHARDS, so the new shards belong to the
# same run), refuses while a job of the run is still queued or running,
# lists the shards whose partial file is missing, resubmits exactly those
# indices as a new array and a new merge that waits for it. With no shard
# missing, it resubmits the merge alone. Any variable set in the
# environment (THREADS, TIME, MEM, SBATCH_EXTRA) overrides the saved one,
# e.g. TIME=04:00:00 for shards that ran out of time.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-results}
[[ -f $OUT/run.env ]] || { echo "slurm-recover: no $OUT/run.env: not a folder of slurm-submit.sh" >&2; exit 2; }
overrides=$(declare -p THREADS TIME MEM SBATCH_EXTRA 2>/dev/null || true)
# shellcheck source=/dev/null
source "$OUT/run.env"
eval "$overrides"

# Jobs of this run still in the queue: shards still running are waited for;
# a merge that can never start is cancelled.
if [[ -f $OUT/jobs ]]; then
  while read -r kind id; do
    state=$(squeue -h -j "$id" -o '%T %r' 2>/dev/null | head -1 || true)
    [[ -z $state ]] && continue
    if [[ $kind == merge && $state == *DependencyNeverSatisfied* ]]; then
      echo "cancelling merge job $id ($state)"
      [[ ${DRY_RUN:-0} == 1 ]] || scancel "$id"
    else
      echo "slurm-recover: $kind job $id is still $state; wait for it (or scancel it) first" >&2
      exit 1
    fi
  done <"$OUT/jobs"
fi

missing=()
for ((k = 0; k < SHARDS; k++)); do
  [[ -f $OUT/partials/part-$k.json ]] || missing+=("$k")
done
# As ranges: 3,17,40-42 (the --array syntax; a long list stays short).
ranges="" i=0
while ((i < ${#missing[@]})); do
  j=$i
  while ((j + 1 < ${#missing[@]} && missing[j + 1] == missing[j] + 1)); do ((j += 1)); done
  part=${missing[i]}
  ((j > i)) && part+="-${missing[j]}"
  ranges+=${ranges:+,}$part
  i=$((j + 1))
done
if [[ -z $ranges ]]; then
  echo "every one of the $SHARDS partial files is in $OUT/partials: resubmitting the merge alone"
  ranges=none
else
  echo "${#missing[@]} of $SHARDS shards missing: $ranges"
fi
[[ ${DRY_RUN:-0} == 1 ]] && exit 0
export BIN MODEL PATHS SEED SHARDS THREADS MEM TIME SBATCH_EXTRA
ARRAY=$ranges OUT=$OUT "$HERE/slurm-submit.sh"
