# Scaling over MPI ranks: speedup (left) and parallel efficiency (right), median with error bars
# from the spread of the repetitions, and the ideal lines; every rank count labelled on a log2 axis.
# Set by chart_ranks.c: dat (columns ranks, speedup med/lo/hi, efficiency med/lo/hi, ideal
# speedup, ...), chart_title, ns, stitle[], htitle[] (the series titles for the values shown when
# the mouse is on a point: SVG hypertext), the rank axis xlo, xhi, nxt, xtv[], xtl[], the speedup
# axis (log2, labelled powers of two) sylo, syhi, nst, stv[], stl[], speedup_label, ideal_title,
# eff_label and effmax (the efficiency axis' top).
hover(i, what, c) = sprintf("%s, %d rank%s: %s %.3g (min %.3g, max %.3g)", htitle[i], int(column(1)), \
                            int(column(1)) == 1 ? "" : "s", what, column(c), column(c + 1), column(c + 2))
set multiplot layout 1,2 title chart_title
set xlabel "MPI ranks (log scale)"
set logscale x 2
set xrange [xlo:xhi]
set xtics ()
do for [i=1:nxt] { set xtics add (xtl[i] xtv[i]) }
set grid xtics ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 1 samplen 3 height 1
set ylabel speedup_label
set logscale y 2
set yrange [sylo:syhi]
set ytics ()
do for [i=1:nst] { set ytics add (stl[i] stv[i]) }
plot for [i=1:ns] dat index i-1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i], \
     for [i=1:ns] dat index i-1 using 1:2:(hover(i, "speedup", 2)) with labels hypertext point pt 7 ps 0.8 lc rgb col[i] notitle, \
     for [i=1:ns] dat index i-1 using 1:8 with lines dt 2 lw 1.5 lc rgb "#000000" notitle, \
     keyentry with lines dt 2 lw 1.5 lc rgb "#000000" title ideal_title
unset logscale y
set ytics autofreq
set ylabel eff_label
set yrange [0:effmax]
plot for [i=1:ns] dat index i-1 using 1:5:6:7 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i], \
     for [i=1:ns] dat index i-1 using 1:5:(hover(i, "efficiency", 5)) with labels hypertext point pt 7 ps 0.8 lc rgb col[i] notitle, \
     1 with lines dt 2 lw 1.5 lc rgb "#000000" title "ideal (1)"
unset multiplot
