# Median per grid size with min..max error bars over the repetitions, one series per block of
# `dat`; dashed reference lines (rooflines: a rate, or each series' time per step at the copy
# bandwidth, column 12); dotted verticals at cache capacities.
# Set by chart_grid.c: dat, chart_title, ns, stitle[], ycol (2 rate, 5 ms per step, 8
# roofline fraction), ylabel, ylog, nr, roofv[], rooft[], roofl[] (colour index, 0 black),
# roofo[] (label offset, characters), nc, cx[],
# clab[], cy[] (label heights, staggered where marks are close), roofdirect (1: label the
# rooflines on the chart too); the log axes' ranges and labelled ticks (plot_buf_log_axis):
# xlo, xhi, nxt, xtv[], xtl[], and when ylog ylo, yhi, nyt, ytv[], ytl[]; htitle[], hfmt
# (gprintf) and hunit for the values shown when the mouse is on a point (SVG hypertext).
hover(i) = sprintf("%s, %s: %s%s (min %s, max %s)", htitle[i], strcol(11), gprintf(hfmt, column(ycol)), hunit, \
                   gprintf(hfmt, column(ycol + 1)), gprintf(hfmt, column(ycol + 2)))
set title chart_title
set xlabel "grid size (cells, nz x ny x nx, log scale)"
set ylabel ylabel
set logscale x
set xrange [xlo:xhi]
set xtics ()
do for [i=1:nxt] { set xtics add (xtl[i] xtv[i]) }
if (ylog) {
    set logscale y
    set yrange [ylo:yhi]
    set ytics ()
    do for [i=1:nyt] { set ytics add (ytl[i] ytv[i]) }
} else {
    unset logscale y
    set format y "%g"
    set yrange [0:*]
    set offsets 0, 0, graph 0.05, 0
}
set grid xtics ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 2 samplen 3 height 1
set samples 2
set style textbox opaque noborder margins 1, 1
do for [i=1:nc] {
    set arrow i from cx[i], graph 0 to cx[i], graph 1 nohead dt 3 lw 1.5 lc rgb "#808080"
    if (cy[i] > 0.5) {
        set label i clab[i] at cx[i], graph cy[i] right rotate by 90 offset character 0.9, 0 font ",9" tc rgb "#505050"
    } else {
        set label i clab[i] at cx[i], graph cy[i] left rotate by 90 offset character 0.9, 0 font ",9" tc rgb "#505050"
    }
}
if (roofdirect) {
    do for [j=1:nr] {
        set label 100 + j rooft[j] at graph 0.99, first roofv[j] right offset 0, character roofo[j] font ",9" boxed back
    }
}
if (ycol == 5) {
    # time per step: each series' time at the copy bandwidth (column 12), dashed
    plot for [i=1:ns] dat index i-1 using 1:ycol:ycol+1:ycol+2 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i], \
         for [i=1:ns] dat index i-1 using 1:ycol:(hover(i)) with labels hypertext point pt 7 ps 0.8 lc rgb col[i] notitle, \
         for [i=1:ns] dat index i-1 using 1:12 with lines lw 1.5 dt 2 lc rgb col[i] notitle, \
         keyentry with lines lw 1.5 dt 2 lc rgb "#000000" title "dashed: time at the copy bandwidth (8 B per interior cell)"
} else {
    plot for [i=1:ns] dat index i-1 using 1:ycol:ycol+1:ycol+2 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i], \
         for [i=1:ns] dat index i-1 using 1:ycol:(hover(i)) with labels hypertext point pt 7 ps 0.8 lc rgb col[i] notitle, \
         for [j=1:nr] roofv[j] with lines lw 2 dt j + 1 lc rgb (roofl[j] > 0 ? col[roofl[j]] : "#000000") title rooft[j]
}
