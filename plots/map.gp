# Maps of one depth level: temperature as an image over longitude and latitude, land and sea
# floor (NaN, transparent) showing the grey behind. One frame per block of `dat`.
# Set by viz.c: dat, ftitle[] (one per frame), first, last (frames to draw), frame_files
# (1: each frame to sprintf(frame_fmt, f)), frame_fmt, xlab, ylab, cblab, xmin, xmax, ymin,
# ymax, cbmin, cbmax, ratio, and the terminal.
set xlabel xlab
set ylabel ylab
set cblabel cblab
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set cbrange [cbmin:cbmax]
set size ratio ratio
set tics out nomirror
set cbtics out
set palette defined (0 "#313695", 1 "#4575b4", 2 "#74add1", 3 "#abd9e9", 4 "#e0f3f8", 5 "#ffffbf", \
                     6 "#fee090", 7 "#fdae61", 8 "#f46d43", 9 "#d73027", 10 "#a50026")
set object 1 rectangle from graph 0, 0 to graph 1, 1 behind fillcolor rgb "#bdbdbd" fillstyle solid noborder
do for [f=first:last] {
    if (frame_files) {
        set output sprintf(frame_fmt, f)
    }
    set title ftitle[f + 1]
    plot dat index f using 1:2:3 with image notitle
}
