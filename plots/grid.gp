# Median per grid size with min..max error bars over the repetitions, one series per block of
# `dat`; dashed horizontal reference lines (rooflines); dotted verticals at cache capacities.
# Set by plot.c: dat, chart_title, ns, stitle[], ycol (2 rate, 5 ms per step, 8 roofline
# fraction), ylabel, ylog, nr, roofv[], rooft[], roofl[] (colour index, 0 black), nc, cx[],
# clab[], xmin, xmax.
set title chart_title
set xlabel "grid size (cells, nz x ny x nx, log scale)"
set ylabel ylabel
set logscale x
set format x "%.0s%c"
set xrange [xmin:xmax]
if (ylog) {
    set logscale y
    set format y "%.0s%c"
} else {
    unset logscale y
    set format y "%g"
    set yrange [0:*]
}
set grid xtics ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 2 samplen 3
set samples 2
do for [i=1:nc] {
    set arrow i from cx[i], graph 0 to cx[i], graph 1 nohead dt 3 lw 1.5 lc rgb "#808080"
    set label i clab[i] at cx[i], graph 0.98 right rotate by 90 offset character -0.7, 0 font ",9" tc rgb "#505050"
}
plot for [i=1:ns] dat index i-1 using 1:ycol:ycol+1:ycol+2 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i], \
     for [j=1:nr] roofv[j] with lines dt 2 lw 2 lc rgb (roofl[j] > 0 ? col[roofl[j]] : "#000000") title rooft[j]
