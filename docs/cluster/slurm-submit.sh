#!/usr/bin/env bash
# Slurm: submits SHARDS shards of one runway run as a job array, then one
# merge job that starts only when every shard has succeeded.
#
#   SHARDS=64 THREADS=8 PATHS=10^10 docs/cluster/slurm-submit.sh
#
# Variables (environment; all are passed to the jobs):
#   BIN      runway binary, as the compute nodes see it  (runway, from PATH)
#   MODEL    model file                                  (configs/openai_2024.toml)
#   PATHS    paths of the whole run                      (10^10)
#   SEED     seed                                        (2023)
#   SHARDS   number of shards M = array tasks            (64)
#   THREADS  threads of each shard = --cpus-per-task     (4; at most a node's cores)
#   OUT      results folder on a shared file system      (results): partials in
#            OUT/partials, logs in OUT/logs, the merge in OUT/merged
#   MEM      memory per shard                            (1G)
#   TIME     time limit per shard                        (01:00:00)
#   MAX_RUNNING  at most this many shards at once (the array's %N)  (unset: no limit)
#   SBATCH_EXTRA  more sbatch options for both jobs, e.g. "--partition=short --account=me"
#
# Prints the two job ids and writes them to OUT/jobs. If a shard fails or
# is cancelled, the merge is cancelled with it (--kill-on-invalid-dep=yes);
# docs/cluster/slurm-recover.sh reruns the missing shards and the merge.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export BIN=${BIN:-runway}
export MODEL=${MODEL:-configs/openai_2024.toml}
export PATHS=${PATHS:-10^10}
export SEED=${SEED:-2023}
export SHARDS=${SHARDS:-64}
export THREADS=${THREADS:-4}
OUT=${OUT:-results}
export MEM=${MEM:-1G}
export TIME=${TIME:-01:00:00}
export SBATCH_EXTRA=${SBATCH_EXTRA:-}
read -r -a extra <<<"${SBATCH_EXTRA:-}"
command -v sbatch >/dev/null || { echo "slurm-submit: sbatch is not on PATH" >&2; exit 1; }
[[ $SHARDS =~ ^[1-9][0-9]*$ ]] || { echo "slurm-submit: SHARDS=$SHARDS is not a whole number ≥ 1" >&2; exit 2; }
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || { echo "slurm-submit: THREADS=$THREADS is not a whole number ≥ 1" >&2; exit 2; }

# A shard asking for more CPUs than any node has would pend forever.
most=$(sinfo -h -o '%c' 2>/dev/null | tr -d '+' | sort -n | tail -1 || true)
if [[ $most =~ ^[0-9]+$ ]] && ((THREADS > most)); then
  echo "slurm-submit: THREADS=$THREADS, but no node has more than $most CPUs: the shards would never start" >&2
  exit 2
fi

# Slurm opens --output before the job's first line runs: the folders must
# exist now, on the shared file system. Absolute, so that jobs find them
# whatever their working folder.
mkdir -p "$OUT/partials" "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
export OUT
export RUNWAY_CLUSTER_DIR=$HERE # the merge job runs merge-fresh.sh from here
# ARRAY (set by slurm-recover.sh only): the shard indices to run, e.g.
# "3,17,40-42", or "none" to submit the merge alone.
ARRAY=${ARRAY:-}
if [[ -z $ARRAY ]]; then
  # A partial of another run in OUT would make the merge refuse: start
  # from an empty partials/ (slurm-recover.sh finishes an earlier run).
  if [[ -n $(ls -A "$OUT/partials") ]]; then
    echo "slurm-submit: $OUT/partials is not empty; use another OUT, remove it, or run docs/cluster/slurm-recover.sh to finish that run" >&2
    exit 2
  fi
  ARRAY=0-$((SHARDS - 1))
  # What slurm-recover.sh needs to resubmit shards of this same run.
  declare -p BIN MODEL PATHS SEED SHARDS THREADS OUT MEM TIME SBATCH_EXTRA 2>/dev/null \
    | sed 's/^declare -x /declare /' >"$OUT/run.env" || true
fi

dependency=()
if [[ $ARRAY != none ]]; then
  array=$(sbatch --parsable --export=ALL "${extra[@]}" \
    --job-name=runway-shards --array="$ARRAY${MAX_RUNNING:+%$MAX_RUNNING}" \
    --cpus-per-task="$THREADS" --mem="$MEM" --time="$TIME" \
    --output="$OUT/logs/shard-%A-%a.log" "$HERE/slurm-shard.sh")
  array=${array%%;*} # "ID;CLUSTER" on multi-cluster setups
  dependency=(--dependency="afterok:$array" --kill-on-invalid-dep=yes)
  echo "shards $array" >>"$OUT/jobs"
  echo "submitted shards $ARRAY of $SHARDS: job $array"
fi
merge=$(sbatch --parsable --export=ALL "${extra[@]}" \
  --job-name=runway-merge "${dependency[@]}" \
  --cpus-per-task=1 --mem=1G --time=00:30:00 \
  --output="$OUT/logs/merge-%j.log" "$HERE/slurm-merge.sh")
merge=${merge%%;*}
echo "merge $merge" >>"$OUT/jobs"
echo "submitted the merge: job $merge${dependency:+ (once every shard has succeeded)} → $OUT/merged"
