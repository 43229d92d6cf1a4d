# Time per timestep against timesteps per repetition: the total (h2d + compute + d2h) per step
# falls onto the compute per step as fixed costs are amortised over more steps.
# Set by chart_scaling.c: dat (columns steps, total ms/step med/lo/hi, compute ms/step
# med/lo/hi), chart_title, ns, stitle[], and the axes' ranges and labelled ticks around the
# data (plot_buf_log_axis): xlo, xhi, nxt, xtv[], xtl[], ylo, yhi, nyt, ytv[], ytl[]; htitle[]
# for the values shown when the mouse is on a point (SVG hypertext).
hover(i, c, what) = sprintf("%s, %d steps: %s %.3g ms per step (min %.3g, max %.3g)", htitle[i], \
                            int(column(1)), what, column(c), column(c + 1), column(c + 2))
set title chart_title
set xlabel "timesteps per repetition (log scale)"
set ylabel "time per timestep (ms, log scale)"
set logscale xy
set xrange [xlo:xhi]
set yrange [ylo:yhi]
set xtics ()
do for [i=1:nxt] { set xtics add (xtl[i] xtv[i]) }
set ytics ()
do for [i=1:nyt] { set ytics add (ytl[i] ytv[i]) }
set grid xtics ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 2 samplen 3 height 1
plot for [i=1:ns] dat index i-1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i]." total / steps", \
     for [i=1:ns] dat index i-1 using 1:5:6:7 with yerrorlines dt 2 lw 2 pt 6 ps 0.8 lc rgb col[i] title stitle[i]." compute / steps", \
     for [i=1:ns] dat index i-1 using 1:2:(hover(i, 2, "total")) with labels hypertext point pt 7 ps 0.8 lc rgb col[i] notitle, \
     for [i=1:ns] dat index i-1 using 1:5:(hover(i, 5, "compute")) with labels hypertext point pt 6 ps 0.8 lc rgb col[i] notitle
