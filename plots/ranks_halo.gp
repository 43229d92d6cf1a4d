# The halo exchange's share of a timestep over MPI ranks: halo_s (timed alone) over compute_s
# (the run with the exchange overlapped), in %, median with the halo's min..max as error bars;
# every rank count labelled on a log2 axis.
# Set by chart_ranks.c: dat (columns ranks, ..., halo % med/lo/hi in 15-17), chart_title, ns,
# stitle[], htitle[] (hover texts of the SVG), nh and hs[] (the series with a halo time), hmax
# (the y axis' top), the rank axis xlo, xhi, nxt, xtv[], xtl[].
hover(i) = sprintf("%s, %d rank%s: halo exchange %.3g %% of the step (min %.3g, max %.3g)", htitle[i], \
                   int(column(1)), int(column(1)) == 1 ? "" : "s", column(15), column(16), column(17))
set title chart_title
set xlabel "MPI ranks (log scale)"
set ylabel "halo exchange / compute time per step (%)"
set logscale x 2
set xrange [xlo:xhi]
set xtics ()
do for [i=1:nxt] { set xtics add (xtl[i] xtv[i]) }
set yrange [0:hmax]
set grid xtics ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 2 samplen 3 height 1
plot for [j=1:nh] dat index hs[j]-1 using 1:15:16:17 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[hs[j]] title stitle[hs[j]], \
     for [j=1:nh] dat index hs[j]-1 using 1:15:(hover(hs[j])) with labels hypertext point pt 7 ps 0.8 lc rgb col[hs[j]] notitle
