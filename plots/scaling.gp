# Strong scaling: speedup (left) and parallel efficiency (right) against threads, median with
# error bars from the spread of the repetitions, and the ideal lines.
# Set by plot.c: dat (columns threads, speedup med/lo/hi, efficiency med/lo/hi), chart_title,
# ns, stitle[], t0 (the baseline thread count), tmax.
# htitle[]: the series titles for the values shown when the mouse is on a point (SVG hypertext).
hover(i, what) = sprintf("%s, %d thread%s: %s %.3g (min %.3g, max %.3g)", htitle[i], int(column(1)), \
                         int(column(1)) == 1 ? "" : "s", what, \
                         column(what eq "speedup" ? 2 : 5), column(what eq "speedup" ? 3 : 6), column(what eq "speedup" ? 4 : 7))
set multiplot layout 1,2 title chart_title
set xlabel "threads"
set xrange [0.5:tmax + 0.5]
if (tmax <= 16) { set xtics 1 }
set grid xtics ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 1 samplen 3 height 1
set samples 100
set ylabel sprintf("speedup over %d thread%s (x)", t0, t0 > 1 ? "s" : "")
set yrange [0:*]
plot for [i=1:ns] dat index i-1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i], \
     for [i=1:ns] dat index i-1 using 1:2:(hover(i, "speedup")) with labels hypertext point pt 7 ps 0.8 lc rgb col[i] notitle, \
     x / t0 with lines dt 2 lw 1.5 lc rgb "#000000" title "ideal (linear)"
set ylabel "parallel efficiency (speedup / ideal)"
set yrange [0:1.2 < effmax ? effmax : 1.2]
plot for [i=1:ns] dat index i-1 using 1:5:6:7 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i], \
     for [i=1:ns] dat index i-1 using 1:5:(hover(i, "efficiency")) with labels hypertext point pt 7 ps 0.8 lc rgb col[i] notitle, \
     1 with lines dt 2 lw 1.5 lc rgb "#000000" title "ideal (1)"
unset multiplot
