#!/usr/bin/env bash
# Builds runway as a static binary and checks it: linked statically, and
# printing the same report as the dynamic build (the JSON of `runway run`
# minus its `run` timing key, for two models and seeds).
#
#   docs/cluster/check-static.sh          # from the repository root
#
# The static build goes into target/static, apart from the normal build's
# cache. It compiles every crate a second time: minutes on a small machine,
# so it is not part of CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/../.."
TRIPLE=x86_64-unknown-linux-gnu
RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --release --locked --bin runway --target "$TRIPLE" --target-dir target/static
cargo build --release --locked --bin runway
static=target/static/$TRIPLE/release/runway
dynamic=target/release/runway

linkage=$(ldd "$static" 2>&1 || true)
if ! grep -Eq 'not a dynamic executable|statically linked' <<<"$linkage"; then
  echo "check-static: $static is not static: ldd says $linkage" >&2
  exit 1
fi
echo "ldd $static: $linkage"

without_run() {
  python3 -c 'import json, sys; r = json.load(sys.stdin); r.pop("run"); print(json.dumps(r, sort_keys=True))'
}
status=0
for args in "configs/openai_2024.toml --seed 7" "configs/startup_seed.toml --seed 2023 --fan"; do
  # shellcheck disable=SC2086 # the words of $args are separate arguments
  a=$("$static" run $args --paths 200000 --quiet --format json | without_run)
  # shellcheck disable=SC2086
  b=$("$dynamic" run $args --paths 200000 --quiet --format json | without_run)
  if [[ $a == "$b" ]]; then
    echo "same report: runway run $args --paths 200000"
  else
    echo "check-static: the static and dynamic builds differ for: runway run $args" >&2
    status=1
  fi
done
exit $status
