# The comparison chart of `stencilbench compare RUN REFERENCE` (plots/plot_compare.c).
# Set by plot_compare.c: dat, chart_title, nmach, mname[] (machine names), tlab[] (tic labels),
# ylo, yhi, nyt, ytv[], ytl[] (the log axis: plot_buf_log_axis), col (colours), boxw (bar width),
# values (1: each bar's rate above it). Data blocks: 0 measured, 1 projected, 2 published bars (x, cell
# updates/s, machine index); 3 the tics (x, index into tlab). Measured: solid; projected: hatched; published: open, dashed.
set title chart_title
set ylabel "cell updates per second (log scale)"
set logscale y
set grid ytics lc rgb "#e0e0e0" lt 1
set key outside right top vertical
set xtics scale 0 rotate by -25 font ",9" nomirror
set boxwidth boxw absolute
set style fill solid 0.85 border -1
set yrange [ylo:yhi]
set ytics ()
do for [i=1:nyt] { set ytics add (ytl[i] ytv[i]) }
do for [i=1:10] { set linetype i lc rgb col[i] }
set xrange [0.4:*]
plot dat index 0 using 1:2:3 with boxes fs solid 0.85 lc variable notitle, \
     dat index 1 using 1:2:3 with boxes fs pattern 4 lc variable lw 1.5 notitle, \
     dat index 2 using 1:2:3 with boxes fs empty lc variable dt 2 lw 2 notitle, \
     dat index 3 using 1:(NaN):xtic(tlab[int($2)]) with points notitle, \
     for [b=0:2] dat index b using 1:2:(values ? sprintf("%.2g", $2) : "") with labels offset 0,0.7 font ",9" notitle, \
     for [i=1:nmach] keyentry with boxes fs solid 0.85 lc rgb col[i] title mname[i], \
     keyentry with boxes fs solid 0.85 lc rgb "#606060" title "measured", \
     keyentry with boxes fs pattern 4 lc rgb "#606060" title "projected", \
     keyentry with boxes fs empty lc rgb "#606060" dt 2 lw 2 title "published"
