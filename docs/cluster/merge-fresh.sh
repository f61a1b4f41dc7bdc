#!/usr/bin/env bash
# Merges OUT/partials/part-*.json into OUT/merged through a fresh temporary
# folder: no --force is needed, a failed merge leaves nothing behind, and an
# earlier OUT/merged is kept as OUT/merged.prev-TIME. Writes the merged
# report as OUT/merged/report.json beside the `--out` files (the JSON of
# `runway merge --out`, with per-month percentiles: that of `runway run
# --fan --format json` of the whole run, but for `run`), and prints the
# table.
#
#   BIN=runway OUT=results docs/cluster/merge-fresh.sh
#
# Used by gnu-parallel.sh and slurm-merge.sh; runs anywhere the partial
# files are.
set -euo pipefail
BIN=${BIN:-runway}
OUT=${OUT:?set OUT to the folder holding partials/}
shopt -s nullglob
parts=("$OUT"/partials/part-*.json)
if ((${#parts[@]} == 0)); then
  echo "merge-fresh: no partial files in $OUT/partials" >&2
  exit 2
fi
tmp="$OUT/.merged.tmp-$$"
rm -rf "$tmp" "$tmp.json"
trap 'rm -rf "$tmp" "$tmp.json"' EXIT
"$BIN" merge "${parts[@]}" --out "$tmp" --format json >"$tmp.json"
mv "$tmp.json" "$tmp/report.json"
if [[ -e $OUT/merged ]]; then
  mv "$OUT/merged" "$OUT/merged.prev-$(date -u +%Y%m%dT%H%M%SZ)-$$"
fi
mv "$tmp" "$OUT/merged"
trap - EXIT
"$BIN" merge "${parts[@]}"
echo "merged ${#parts[@]} partial files into $OUT/merged" >&2
