#!/usr/bin/env bash
# viz's colours and the prediction's pictures (issue 16): maps use viridis by default (its end
# colours in the picture, not the old blue-to-red map's); --range LO:HI fixes the colours and a
# bad one exits 2 saying what to give; viz diff draws a prediction minus its input in a
# diverging map (blue and red ends, white at zero); a prediction's animation starts with the
# input (step 0). Colours are counted with tests/browser/png_stats.py (python3; skipped without).
# usage: test_viz_cli.sh PATH/TO/stencilbench
set -u
sb=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "test_viz_cli: skipped: no python3"; exit 77; }
command -v gnuplot >/dev/null || [ -n "${STENCILBENCH_GNUPLOT:-}" ] || { echo "test_viz_cli: skipped: no gnuplot"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
fail() {
    fails=$((fails + 1))
    echo "FAIL: $*"
}
# pixels near colour $2 in PNG $1
pixels() { python3 "$here/browser/png_stats.py" "$1" "$2" | awk -v c="$2" '$1 == c { print $2 }'; }
"$sb" generate in.nc >/dev/null || exit 1
"$sb" model --variant naive --input in.nc --output pred.nc --steps 20 --save-every 10 >/dev/null || exit 1

slice=$("$sb" viz slice --input in.nc --out pics 2>err.txt) || fail "viz slice: $(cat err.txt)"
if [ -s "$slice" ]; then
    for c in 440154 fde725; do
        [ "$(pixels "$slice" $c)" -gt 20 ] || fail "slice lacks viridis's #$c"
    done
    for c in a50026 313695; do
        [ "$(pixels "$slice" $c)" -eq 0 ] || fail "slice still has the diverging map's #$c"
    done
fi
fixed=$("$sb" viz slice --input in.nc --out fixed --range -30:60 2>err.txt) || fail "viz slice --range -30:60: $(cat err.txt)"
[ -s "$fixed" ] && cmp -s "$slice" "$fixed" && fail "--range -30:60 drew the same picture as the data's range"
for bad in 5:1 3:3 abc 1: :4 1:2:3 nan:4; do
    "$sb" viz slice --input in.nc --out bad --range "$bad" >/dev/null 2>err.txt
    rc=$?
    [ "$rc" -eq 2 ] || fail "--range $bad exited $rc, want 2"
    grep -q -- "--range $bad: .*e.g. --range 0:15" err.txt || fail "--range $bad: no message: $(cat err.txt)"
done

diff=$("$sb" viz diff --input pred.nc --out pics 2>err.txt) || fail "viz diff: $(cat err.txt)"
case $diff in *pred_diff_*_t2_minus_t0.png) ;; *) fail "viz diff wrote '$diff'" ;; esac
if [ -s "$diff" ]; then
    for c in 2166ac b2182b f7f7f7; do
        [ "$(pixels "$diff" $c)" -gt 20 ] || fail "diff lacks the diverging map's #$c"
    done
fi
"$sb" viz diff --input pred.nc --out pics --time 0 >/dev/null 2>err.txt
[ $? -eq 2 ] && grep -q "give a later time than the first" err.txt || fail "viz diff --time 0: $(cat err.txt)"

page=$("$sb" viz animate --input pred.nc --out pics --range 0:15 2>err.txt | tail -1) || fail "viz animate: $(cat err.txt)"
frames=$(grep -o 'data:image/png;base64' "$page" | wc -l)
[ "$frames" -eq 3 ] || fail "the prediction's animation has $frames frames, want 3 (steps 0, 10, 20)"
grep -q 'model timesteps completed: 0' "$page" || fail "the animation does not start with the input (step 0)"
echo "test_viz_cli: $fails failed"
[ "$fails" -eq 0 ]
