#!/usr/bin/env bash
# The index page's charts in a real browser (headless chromium, Debian package chromium):
# a screenshot of the page and of a chart is not blank and shows the series' colours; after
# the scripts ran, the page holds an interactive chart (an SVG object) per figure; in a chart,
# the mouse on a point shows its values (gnuplot's hover text) and the wheel zooms.
# Skipped (77) without chromium or gnuplot: chromium is not in run.sh's packages (too big).
# usage: test_plot_browser.sh PATH/TO/stencilbench PATH/TO/test_plot
set -u
sb=$1
tp=$2
here=$(cd "$(dirname "$0")" && pwd)
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "test_plot_browser: skipped: no chromium (apt-get install chromium)"; exit 77; }
command -v gnuplot >/dev/null || [ -n "${STENCILBENCH_GNUPLOT:-}" ] ||
    { echo "test_plot_browser: skipped: no gnuplot"; exit 77; }
command -v python3 >/dev/null || { echo "test_plot_browser: skipped: no python3"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
    fails=$((fails + 1))
    echo "FAIL: $*"
}
# --no-sandbox: the tests may run as root; a profile of its own, no GPU.
chrome() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$tmp/profile" --hide-scrollbars "$@" 2>>"$tmp/chromium.log"
}
"$tp" --fixture "$tmp/run" || { echo "cannot write the fixture run"; exit 1; }
"$sb" plot "$tmp/run" >/dev/null || { echo "stencilbench plot failed"; exit 1; }
plots=$tmp/run/plots
page="file://$plots/index.html"

# Screenshots: the page (its first charts) and one chart on its own.
chrome --screenshot="$tmp/page.png" --window-size=1100,2400 "$page" >/dev/null
chrome --screenshot="$tmp/chart.png" --window-size=960,620 "file://$plots/rate_all.svg" >/dev/null
for shot in page chart; do
    [ -s "$tmp/$shot.png" ] || { fail "no $shot screenshot ($(tail -3 "$tmp/chromium.log"))"; continue; }
    # W H non-white fraction, colours; then pixels of the first two series' colours
    read -r w h nonwhite colours < <(python3 "$here/browser/png_stats.py" "$tmp/$shot.png" | head -1)
    blue=$(python3 "$here/browser/png_stats.py" "$tmp/$shot.png" 1f77b4 d62728 | awk '$1 == "1f77b4" { print $2 }')
    red=$(python3 "$here/browser/png_stats.py" "$tmp/$shot.png" 1f77b4 d62728 | awk '$1 == "d62728" { print $2 }')
    echo "$shot screenshot: ${w}x$h, $nonwhite non-white, $colours colours, series pixels $blue blue $red red"
    awk -v f="$nonwhite" 'BEGIN { exit !(f > 0.02) }' || fail "$shot screenshot is blank ($nonwhite non-white)"
    [ "$colours" -gt 20 ] || fail "$shot screenshot has $colours colours"
    [ "${blue:-0}" -gt 20 ] && [ "${red:-0}" -gt 20 ] || fail "$shot screenshot lacks the series' colours"
done
[ -n "${KEEP_SCREENSHOTS:-}" ] && cp "$tmp/page.png" "$tmp/chart.png" "$KEEP_SCREENSHOTS/"

# The page's DOM after its scripts ran: each figure an interactive SVG chart.
chrome --dump-dom --virtual-time-budget=3000 "$page" >"$tmp/index.dom"
figures=$(grep -c '<figure id=' "$tmp/index.dom")
objects=$(grep -o '<object class="chart" type="image/svg+xml" data="[a-z0-9_.-]*\.svg"' "$tmp/index.dom" | wc -l)
echo "index: $figures figures, $objects SVG chart objects"
[ "$figures" -ge 20 ] || fail "index DOM has $figures figures"
[ "$objects" -eq "$figures" ] || fail "index DOM: $objects SVG objects for $figures figures"

# In a chart: hover values and zoom, done by gnuplot's mouse script.
for chart in rate_all steps_all scaling_openmp; do
    cp "$here/browser/probe.html" "$plots/probe.html"
    chrome --allow-file-access-from-files --virtual-time-budget=5000 --dump-dom \
        "file://$plots/probe.html?$chart" >"$tmp/$chart.dom"
    out=$(sed -n '/<pre id="out">/,/<\/pre>/p' "$tmp/$chart.dom")
    echo "$chart: $out" | sed 's/<[^>]*>//g'
    grep -q 'plugin=yes' <<<"$out" || fail "$chart: gnuplot's mouse script did not run"
    grep -Eq 'points=[1-9]' <<<"$out" || fail "$chart: no points with hover values"
    case $chart in
    rate_*) want='hover=[a-z_]+.*[0-9]+x[0-9]+x[0-9]+: [0-9.]+[kMG]? cell updates/s \(min [0-9.]+[kMG]?, max' ;;
    steps_*) want='hover=.*[0-9]+ steps: (total|compute) [0-9.e+-]+ ms per step \(min' ;;
    *) want='hover=.*[0-9]+ threads?: speedup [0-9.e+-]+ \(min' ;;
    esac
    grep -Eq "$want" <<<"$out" || fail "$chart: the hover text lacks the point's values"
    grep -Eq 'zoom=0 0 960 620 -&gt; [0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+' <<<"$out" &&
        ! grep -q 'zoom=0 0 960 620 -&gt; 0 0 960 620' <<<"$out" || fail "$chart: the wheel did not zoom"
done
echo "test_plot_browser: $fails failed"
[ "$fails" -eq 0 ]
