# Time per timestep against timesteps per repetition: the total (h2d + compute + d2h) per step
# falls onto the compute per step as fixed costs are amortised over more steps.
# Set by plot.c: dat (columns steps, total ms/step med/lo/hi, compute ms/step med/lo/hi),
# chart_title, ns, stitle[].
set title chart_title
set xlabel "timesteps per repetition (log scale)"
set ylabel "time per timestep (ms, log scale)"
set logscale xy
set format y "%g"
set grid xtics ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 2 samplen 3
plot for [i=1:ns] dat index i-1 using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb col[i] title stitle[i]." total / steps", \
     for [i=1:ns] dat index i-1 using 1:5:6:7 with yerrorlines dt 2 lw 2 pt 6 ps 0.8 lc rgb col[i] title stitle[i]." compute / steps"
