#!/bin/sh
# Optional layout check of `runway report` in a real browser (headless
# Chromium): the report must not scroll sideways at 1280 px nor at 400 px
# (document.documentElement.scrollWidth <= window.innerWidth), and no
# element may reach past the right edge of the report's column (<main>).
#
#   tests/browser/report_fits.sh [REPORT.html]
#
# Without an argument it writes the report of configs/startup_seed.toml
# (20 000 paths) with target/release/runway (build it first). Exits 0 and
# says "skipped" when no chromium is installed: CI never depends on it.
# Needs: chromium (apt-get install chromium), python3.
set -eu
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "report_fits: skipped (no chromium on PATH)"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report=${1:-}
if [ -z "$report" ]; then
    root=$(cd "$(dirname "$0")/../.." && pwd)
    report="$work/report.html"
    "$root/target/release/runway" report "$root/configs/startup_seed.toml" \
        --paths 20000 --quiet --out "$report"
fi
# Headless Chromium will not make a window narrower than 500 px, so the
# report is loaded in an iframe of the width under test (srcdoc: same
# origin), and a probe in it writes the widths into the outer page's title.
wrap() {
    python3 - "$report" "$work/probe-$1.html" "$1" <<'PY'
import html, sys
page = open(sys.argv[1], encoding="utf-8").read()
probe = ("<script>addEventListener('load', () => {"
         " const edge = document.querySelector('main').getBoundingClientRect().right + 0.5;"
         " const over = [...document.querySelectorAll('main *')]"
         ".filter(e => !e.closest('thead') && e.getBoundingClientRect().right > edge).length;"
         " parent.document.title = 'FIT ' + document.documentElement.scrollWidth + ' ' +"
         " window.innerWidth + ' ' + over; });</script>")
page = page.replace("</body>", probe + "</body>")
width = sys.argv[3]
outer = ("<!DOCTYPE html><html><head><title>none</title></head>"
         "<body style='margin:0'><iframe style='border:0' width='" + width + "' height='1800' srcdoc=\""
         + html.escape(page, quote=True) + "\"></iframe></body></html>")
open(sys.argv[2], "w", encoding="utf-8").write(outer)
PY
}
status=0
for width in 1280 400; do
    wrap "$width"
    dom=$(timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --user-data-dir="$work/profile-$width" --hide-scrollbars \
        --window-size="$((width + 40)),2000" --virtual-time-budget=2000 --dump-dom \
        "file://$work/probe-$width.html" 2>/dev/null || true)
    fit=$(printf '%s' "$dom" | sed -n 's/.*<title>FIT \([0-9]*\) \([0-9]*\) \([0-9]*\)<\/title>.*/\1 \2 \3/p' | head -n 1)
    if [ -z "$fit" ]; then
        echo "report_fits: skipped at $width px (the browser gave no measurement)"
        continue
    fi
    set -- $fit
    if [ "$1" -le "$2" ] && [ "$3" -eq 0 ]; then
        echo "report_fits: ok at $width px (scrollWidth $1 <= innerWidth $2; nothing past the column)"
    else
        echo "report_fits: FAILS at $width px (scrollWidth $1, innerWidth $2; $3 element(s) past the column's right edge)"
        status=1
    fi
done
exit $status
