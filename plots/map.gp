# Maps of one depth level: temperature as an image over longitude and latitude. Land and sea
# floor (column 4 = 1) are drawn as the value cbland, below the data, which the palette's
# bottom band shows grey (one code path for cairo and for gif, whose NaN pixels are not
# transparent). One frame per block of `dat`.
# Set by viz.c: dat, ftitle[] (one per frame), first, last (frames to draw), frame_files
# (1: each frame to sprintf(frame_fmt, f)), frame_fmt, xlab, ylab, cblab, xmin, xmax, ymin,
# ymax, cbland, cbmin, cbmax, cbfirst, cbstep, ratio, and the terminal.
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
set palette defined (0 "#bdbdbd", lf "#bdbdbd", lf "#313695", s(1) "#4575b4", s(2) "#74add1", \
                     s(3) "#abd9e9", s(4) "#e0f3f8", s(5) "#ffffbf", s(6) "#fee090", s(7) "#fdae61", \
                     s(8) "#f46d43", s(9) "#d73027", 1 "#a50026")
do for [f=first:last] {
    if (frame_files) {
        set output sprintf(frame_fmt, f)
    }
    set title ftitle[f + 1]
    plot dat index f using 1:2:($4 > 0 ? cbland : $3) with image notitle
}
