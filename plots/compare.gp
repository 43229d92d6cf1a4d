# The comparison chart of `stencilbench compare RUN REFERENCE` (plots/plot_compare.c).
# Variables (gnuplot -e): datafile, outfile (.png or .svg), chart_title, machines (words).
# Data blocks: 0 measured, 1 projected, 2 published bars (x, cell updates/s, machine index);
# 3 the variant labels (x, "label"). Measured: solid; projected: hatched; published: open.
if (outfile =~ "[.]svg$") {
    set terminal svg size 1100,560 dynamic enhanced font "sans,11"
} else {
    set terminal pngcairo size 1100,560 enhanced font "sans,10"
}
set output outfile
set title chart_title noenhanced
set ylabel "cell updates per second (log scale)"
set logscale y
set format y "10^{%T}"
set grid ytics
set key outside right top vertical noenhanced
set xtics scale 0 rotate by -25 noenhanced
set boxwidth 0.11 absolute
set style fill solid 0.85 border -1
set yrange [*:*]
stats datafile index 0 using 2 nooutput
m0 = STATS_records > 0 ? STATS_min : 1e30
stats datafile index 1 using 2 nooutput
m1 = STATS_records > 0 ? STATS_min : 1e30
stats datafile index 2 using 2 nooutput
m2 = STATS_records > 0 ? STATS_min : 1e30
ymin = m0 < m1 ? m0 : m1
ymin = ymin < m2 ? ymin : m2
set yrange [10**floor(log10(ymin) - 0.3):*]
set xrange [0.4:*]
plot datafile index 0 using 1:2:3 with boxes fs solid 0.85 lc variable notitle, \
     datafile index 1 using 1:2:3 with boxes fs pattern 4 lc variable lw 1.5 notitle, \
     datafile index 2 using 1:2:3 with boxes fs empty lc variable dt 2 lw 2 notitle, \
     datafile index 3 using 1:(NaN):xtic(2) with points notitle, \
     for [i=1:words(machines)] keyentry with boxes fs solid 0.85 lc i title word(machines, i), \
     keyentry with boxes fs solid 0.85 lc "gray40" title "measured", \
     keyentry with boxes fs pattern 4 lc "gray40" title "projected", \
     keyentry with boxes fs empty lc "gray40" dt 2 lw 2 title "published"
