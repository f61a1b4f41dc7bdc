#!/usr/bin/env bash
# Runs each cluster recipe end to end on this machine and checks that its
# merged report equals the single run's (the JSON minus its `run` timing
# key): GNU parallel always; Slurm when `sbatch` reaches a cluster (a
# single-node one does); the Kubernetes manifests are only validated
# (kubernetes-validate, when installed), not run.
#
#   docs/cluster/run-all-locally.sh            # from the repository root
#   PATHS=10M SHARDS=16 docs/cluster/run-all-locally.sh
#
# Variables: BIN (target/release/runway, built if missing), MODEL, PATHS
# (2M), SEED (11), SHARDS (8), THREADS (1), WORK (a temporary folder, removed
# unless KEEP=1). Exit status 1 if any recipe's result differs.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=docs/cluster
if [[ -z ${BIN:-} ]]; then
  cargo build --release --locked --bin runway
  BIN=$PWD/target/release/runway
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
export BIN
export MODEL=${MODEL:-configs/openai_2024.toml}
export PATHS=${PATHS:-2M}
export SEED=${SEED:-11}
export SHARDS=${SHARDS:-8}
export THREADS=${THREADS:-1}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$WORK"' EXIT

without_run() {
  python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r.pop("run"); print(json.dumps(r, sort_keys=True))' "$1"
}
# --fan: a merge with --out reports the per-month percentiles, as run --fan.
"$BIN" run "$MODEL" --paths "$PATHS" --seed "$SEED" --quiet --fan --format json >"$WORK/single.json"
single=$(without_run "$WORK/single.json")
failed=0 ran=()
compare() { # NAME REPORT
  if [[ $(without_run "$2") == "$single" ]]; then
    echo "PASS $1: merged report equals the single run ($PATHS paths, seed $SEED, $SHARDS shards)"
  else
    echo "FAIL $1: merged report differs from the single run ($2)"
    failed=1
  fi
  ran+=("$1")
}

# GNU parallel.
if command -v parallel >/dev/null; then
  OUT=$WORK/parallel "$HERE/gnu-parallel.sh" >/dev/null
  compare "GNU parallel" "$WORK/parallel/merged/report.json"
  # A second run into the same OUT is refused, and replaces it with --clean.
  if OUT=$WORK/parallel "$HERE/gnu-parallel.sh" >/dev/null 2>&1; then
    echo "FAIL GNU parallel: a second run into a non-empty OUT was not refused"
    failed=1
  fi
  OUT=$WORK/parallel "$HERE/gnu-parallel.sh" --clean >/dev/null
  compare "GNU parallel --clean" "$WORK/parallel/merged/report.json"
else
  echo "SKIP GNU parallel: not installed (apt-get install parallel)"
fi

# Slurm: submit, wait for the merge job, compare.
if command -v sbatch >/dev/null && sinfo -h >/dev/null 2>&1; then
  OUT=$WORK/slurm "$HERE/slurm-submit.sh"
  merge=$(awk '$1 == "merge" { id = $2 } END { print id }' "$WORK/slurm/jobs")
  for ((i = 0; i < ${SLURM_WAIT:-600}; i++)); do
    [[ -z $(squeue -h -j "$merge" 2>/dev/null) ]] && break
    sleep 1
  done
  if [[ -f $WORK/slurm/merged/report.json ]]; then
    compare "Slurm" "$WORK/slurm/merged/report.json"
  else
    echo "FAIL Slurm: no merged report (logs in $WORK/slurm/logs; KEEP=1 keeps them)"
    failed=1
    ran+=(Slurm)
  fi
else
  echo "SKIP Slurm: no sbatch, or no cluster answers"
fi

# Kubernetes: the manifests against the API schema, offline.
if command -v kubernetes-validate >/dev/null; then
  if kubernetes-validate --strict --quiet "$HERE"/k8s/*.yaml; then
    echo "PASS Kubernetes: manifests valid (kubernetes-validate --strict; not run)"
  else
    echo "FAIL Kubernetes: manifests invalid"
    failed=1
  fi
else
  echo "SKIP Kubernetes: kubernetes-validate not installed (pip install kubernetes-validate)"
fi
echo "ran: ${ran[*]:-nothing}"
exit $failed
