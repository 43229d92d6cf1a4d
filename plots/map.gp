# Maps of one depth level: temperature (or a difference) as an image over longitude and
# latitude. Land and sea floor (column 4 = 1) are drawn as the value cbland, below the data,
# which the palette's bottom band shows grey (one code path for cairo and for gif, whose NaN
# pixels are not transparent); values outside cbmin..cbmax (a fixed --range) take the end
# colours. One frame per block of `dat`.
# Set by viz.c: dat, ftitle[] (one per frame), first, last (frames to draw), frame_files
# (1: each frame to sprintf(frame_fmt, f)), frame_fmt, xlab, ylab, cblab, xmin, xmax, ymin,
# ymax, cbland, cbmin, cbmax, cbfirst, cbstep, ratio, diverging (1: a difference, blue below
# zero, red above, white at zero; 0: viridis, a perceptually uniform sequential map), and the
# terminal.
set xlabel xlab
set ylabel ylab
set cblabel cblab
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set cbrange [cbland:cbmax]
set cbtics cbfirst, cbstep
set size ratio ratio
set tics out nomirror
set cbtics out
lf = (cbmin - cbland) / (cbmax - cbland)
s(i) = lf + (1 - lf) * i / 10.0
if (diverging) {
    set palette defined (0 "#bdbdbd", lf "#bdbdbd", lf "#2166ac", s(2) "#4393c3", s(3.5) "#92c5de", \
                         s(4.5) "#d1e5f0", s(5) "#f7f7f7", s(5.5) "#fddbc7", s(6.5) "#f4a582", \
                         s(8) "#d6604d", 1 "#b2182b")
} else {
    set palette defined (0 "#bdbdbd", lf "#bdbdbd", lf "#440154", s(1) "#482878", s(2) "#3e4989", \
                         s(3) "#31688e", s(4) "#26828e", s(5) "#1f9e89", s(6) "#35b779", \
                         s(7) "#6ece58", s(8) "#b5de2b", 1 "#fde725")
}
clamp(v) = v < cbmin ? cbmin : v > cbmax ? cbmax : v
do for [f=first:last] {
    if (frame_files) {
        set output sprintf(frame_fmt, f)
    }
    set title ftitle[f + 1]
    plot dat index f using 1:2:($4 > 0 ? cbland : clamp($3)) with image notitle
}
