# Stacked bars: host->device, compute and device->host time per cell of the field (medians),
# one bar per point; error bar: min..max of the repetitions' total; label: the total in ms.
# Set by plot.c: dat (columns x, grid, host->device, +compute, +device->host, total lo, hi,
# total ms, host memory), chart_title, nbar, xmax.
set title chart_title
set ylabel "time per cell of the field (ns)"
set xrange [0:xmax]
set yrange [0:*]
set boxwidth 0.8
set style fill solid 0.85 border rgb "#404040"
set grid ytics lc rgb "#e0e0e0" lt 1
set key below left maxcols 4 samplen 2
set xtics nomirror font ",9"
plot dat using 1:5 with boxes lc rgb "#d62728" title "device->host", \
     "" using 1:4:xtic(strcol(2)."\n".strcol(9)) with boxes lc rgb "#1f77b4" title "compute", \
     "" using 1:3 with boxes lc rgb "#ff7f0e" title "host->device", \
     "" using 1:5:6:7 with yerrorbars lc rgb "#000000" pt 0 title "total: min..max of the repetitions", \
     "" using 1:7:(sprintf("%.3g ms", $8)) with labels offset 0, 0.7 font ",8" notitle
