#!/usr/bin/env bash
# The merge job of slurm-submit.sh: every partial of OUT/partials into
# OUT/merged, through a fresh folder (merge-fresh.sh: no --force, a failed
# merge leaves nothing, an earlier merge is kept aside). sbatch runs a copy
# of this script, so merge-fresh.sh is found through RUNWAY_CLUSTER_DIR,
# which slurm-submit.sh exports.
set -euo pipefail
exec "${RUNWAY_CLUSTER_DIR:?submit with docs/cluster/slurm-submit.sh}/merge-fresh.sh"
