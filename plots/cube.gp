# The first depth levels as stacked surfaces (depth axis pointing down), coloured by
# temperature, land and sea floor in grey; one PNG per time (sprintf(frame_fmt, t)).
# Set by viz.c: dat (block t*nl + l: level l at time t; columns lon lat T land), nt, nl, dep[],
# landlist (levels with land, as words), ftitle[], frame_fmt, xlab, ylab, cblab, xmin, xmax,
# ymin, ymax, zmax, cbmin, cbmax, and the terminal.
set xlabel xlab offset 0, -1
set ylabel ylab offset 2, 0
set zlabel "depth (m)" rotate parallel
set cblabel cblab
set xrange [xmin:xmax]
set yrange [ymin:ymax]
set zrange [zmax:0]
set cbrange [cbmin:cbmax]
set view 58, 32, 1, 1.1
set xyplane relative 0
set ticslevel 0
set pm3d depthorder
set pm3d corners2color c1
set palette defined (0 "#313695", 1 "#4575b4", 2 "#74add1", 3 "#abd9e9", 4 "#e0f3f8", 5 "#ffffbf", \
                     6 "#fee090", 7 "#fdae61", 8 "#f46d43", 9 "#d73027", 10 "#a50026")
unset key
do for [t=0:nt-1] {
    set output sprintf(frame_fmt, t)
    set title ftitle[t + 1]
    if (strlen(landlist) > 0) {
        splot for [l=0:nl-1] dat index t*nl + l using 1:2:(dep[l + 1]):3 with pm3d, \
              for [w in landlist] dat index t*nl + int(w) using 1:2:($4 > 0 ? dep[int(w) + 1] : NaN) \
                  with pm3d fillcolor rgb "#bdbdbd"
    } else {
        splot for [l=0:nl-1] dat index t*nl + l using 1:2:(dep[l + 1]):3 with pm3d
    }
}
