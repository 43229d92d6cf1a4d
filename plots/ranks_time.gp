# Time per timestep over MPI ranks: the compute (the run with the halo exchange overlapped,
# solid) and the halo exchange timed alone (dashed), median with min..max error bars; every
# rank count labelled on a log2 axis.
# Set by chart_ranks.c: dat (columns ranks, ..., compute ms per step med/lo/hi in 9-11, halo ms
# per step med/lo/hi in 12-14), chart_title, ns, stitle[], htitle[] (hover texts of the SVG),
# nh and hs[] (the series with a halo time), the rank axis xlo, xhi, nxt, xtv[], xtl[] and the
# log time axis's range and labelled ticks (plot_buf_log_axis): ylo, yhi, nyt, ytv[], ytl[].
hover(i, c, what) = sprintf("%s, %d rank%s: %s %.3g ms per step (min %.3g, max %.3g)", htitle[i], \
                            int(column(1)), int(column(1)) == 1 ? "" : "s", what, column(c), column(c + 1), column(c + 2))
set title chart_title
set xlabel "MPI ranks (log scale)"
set ylabel "time per timestep (ms, log scale)"
set logscale x 2
set logscale y
set xrange [xlo:xhi]
set yrange [ylo:yhi]
set xtics ()
do for [i=1:nxt] { set xtics add (xtl[i] xtv[i]) }
set ytics ()
do for [i=1:nyt] { set ytics add (ytl[i] ytv[i]) }
set grid xtics ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 2 samplen 3 height 1
plot for [i=1:ns] dat index i-1 using 1:9:10:11 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i]." compute", \
     for [j=1:nh] dat index hs[j]-1 using 1:12:13:14 with yerrorlines dt 2 lw 2 pt 6 ps 0.8 lc rgb col[hs[j]] title stitle[hs[j]]." halo exchange", \
     for [i=1:ns] dat index i-1 using 1:9:(hover(i, 9, "compute")) with labels hypertext point pt 7 ps 0.8 lc rgb col[i] notitle, \
     for [j=1:nh] dat index hs[j]-1 using 1:12:(hover(hs[j], 12, "halo exchange")) with labels hypertext point pt 6 ps 0.8 lc rgb col[hs[j]] notitle
