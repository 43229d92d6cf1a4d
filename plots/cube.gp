# The first depth levels as an exploded stack: each level a flat surface at its own height,
# evenly spaced (labelled with its depth, the shallowest on top) and far enough apart that
# every level shows whole; coloured by temperature (viridis), land and sea floor in grey; one
# PNG per time (sprintf(frame_fmt, t)).
# Set by viz.c: dat (block t*nl + l: level l at time t; columns lon lat T land), nt, nl, dep[],
# landlist (levels with land, as words), ftitle[], frame_fmt, xlab, ylab, cblab, xmin, xmax,
# ymin, ymax, cbmin, cbmax, and the terminal.
set xlabel xlab offset 0, -1
set ylabel ylab offset 6, -1
set zlabel "depth (levels spread apart)" rotate parallel offset -5, 0
set cblabel cblab
set xrange [xmin:xmax]
set yrange [ymin:ymax]
# about four round steps per horizontal axis: the tilted axes are short
roundstep(span) = (n = span / 4 / 10**floor(log10(span / 4)), \
                   (n < 1.5 ? 1 : n < 3.5 ? 2 : n < 7.5 ? 5 : 10) * 10**floor(log10(span / 4)))
set xtics roundstep(xmax - xmin)
set ytics roundstep(ymax - ymin)
# level l at height -l: the shallowest on top
set zrange [-(nl - 1) - 0.15:0.15]
set ztics ()
do for [l=1:nl] { set ztics add (sprintf("%.4g m", dep[l]) -(l - 1)) }
set cbrange [cbmin:cbmax]
# seen from 75 degrees off vertical, a level covers about a third of its size in height; the
# box's height (zscale) gives each level that much room
set view 75, 30, 0.8, (nl > 1 ? 0.45 * (nl - 1) : 0.5)
set view equal xy
set xyplane relative 0
set ticslevel 0
set border 895
set grid ztics lc rgb "#d0d0d0"
set pm3d depthorder
set pm3d corners2color c1
set palette defined (0 "#440154", 1 "#482878", 2 "#3e4989", 3 "#31688e", 4 "#26828e", 5 "#1f9e89", \
                     6 "#35b779", 7 "#6ece58", 8 "#b5de2b", 9 "#fde725")
set colorbox vertical user origin 0.9, 0.2 size 0.025, 0.6
unset key
do for [t=0:nt-1] {
    set output sprintf(frame_fmt, t)
    set title ftitle[t + 1]
    if (strlen(landlist) > 0) {
        splot for [l=0:nl-1] dat index t*nl + l using 1:2:(-l):3 with pm3d, \
              for [w in landlist] dat index t*nl + int(w) using 1:2:($4 > 0 ? -int(w) : NaN) \
                  with pm3d fillcolor rgb "#bdbdbd"
    } else {
        splot for [l=0:nl-1] dat index t*nl + l using 1:2:(-l):3 with pm3d
    }
}
