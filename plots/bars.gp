# Stacked bars, one panel per grid (each its own time scale): host->device, compute and
# device->host time of one repetition (medians), one bar per point; error bar: min..max of
# the repetitions' total. Set by plot.c: dat (one block per panel; columns x, bar label,
# host->device, +compute, +device->host in ms, total lo, hi, label line 2, label index),
# chart_title, np, ptitle[], nb[], blab[] (the bar labels by label index: text is passed as
# gnuplot strings, never read from the data file).
set multiplot title chart_title
set style fill solid 0.85 border rgb "#404040"
set boxwidth 0.75
set grid ytics lc rgb "#e0e0e0" lt 1
set xtics nomirror scale 0 font ",8"
set ytics font ",9"
set format y "%g"
unset key
left = 0.075
w = (0.99 - left) / np
do for [p=1:np] {
    x0 = left + (p - 1) * w
    set lmargin at screen x0 + (p > 1 ? 0.03 : 0)
    set rmargin at screen x0 + w - 0.005
    set tmargin at screen 0.86
    set bmargin at screen 0.17
    set title ptitle[p] font ",10"
    set xrange [0.45:nb[p] + 0.55]
    set yrange [0:*]
    if (p == 1) {
        set ylabel "time per repetition (ms)"
    } else {
        unset ylabel
    }
    plot dat index p-1 using 1:5 with boxes lc rgb "#d62728", \
         "" index p-1 using 1:4:xtic(blab[int($9)]) with boxes lc rgb "#1f77b4", \
         "" index p-1 using 1:3 with boxes lc rgb "#ff7f0e", \
         "" index p-1 using 1:5:6:7 with yerrorbars lc rgb "#000000" pt 7 ps 0.3
}
# The legend, once, in a strip along the bottom.
set lmargin at screen 0.05
set rmargin at screen 0.95
set tmargin at screen 0.08
set bmargin at screen 0.01
unset title
unset ylabel
unset border
unset tics
unset grid
set xrange [0:1]
set yrange [0:1]
set key center center horizontal samplen 2
set samples 2
plot "+" using (5):(0.5) with boxes lc rgb "#ff7f0e" title "host->device", \
     "+" using (5):(0.5) with boxes lc rgb "#1f77b4" title "compute", \
     "+" using (5):(0.5) with boxes lc rgb "#d62728" title "device->host", \
     "+" using (5):(0.5):(0.4):(0.6) with yerrorbars lc rgb "#000000" pt 0 title "total: min..max of the repetitions"
unset multiplot
