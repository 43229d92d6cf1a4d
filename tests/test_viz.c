/* stencilbench viz: every picture from a small synthetic ocean in memory, and through the CLI
 * from the default dataset (generated into a scratch cache). Each file must be a valid,
 * non-trivial PNG or GIF (magic, dimensions, size; the GIF has one frame per time), gnuplot
 * must not warn (plot_gnuplot_run fails on any output), the HTML pages must be self-contained
 * (frames as data: URIs, play/pause, slider, the frame time) and reference nothing missing.
 *
 * usage: test_viz PATH/TO/stencilbench */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synthetic.h"
#include "plot.h"
#include "check.h"
#include "plot_check.h"

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static void check_player(check_ctx *ctx, const char *path, int frames, int speed)
{
    char why[512], want[64];
    int refs;
    CHECK(ctx, pc_html_refs(path, &refs, why, sizeof why), "%s", why);
    CHECK(ctx, refs == 0, "%s references %d files; it must be self-contained", path, refs);
    size_t n = 0;
    char *s = pc_slurp(path, &n);
    CHECK(ctx, s != NULL, "cannot read %s", path);
    if (!s)
        return;
    CHECK(ctx, count(s, "data:image/png;base64,iVBORw0KGgo") == frames, "%s: %d PNG frames, want %d", path,
          count(s, "data:image/png;base64,iVBORw0KGgo"), frames);
    CHECK(ctx, strstr(s, "type=\"range\"") && strstr(s, "id=\"play\"") && strstr(s, "Pause"),
          "%s: no slider or play/pause button", path);
    snprintf(want, sizeof want, "const speed = %d;", speed);
    CHECK(ctx, strstr(s, want) != NULL, "%s: no '%s'", path, want);
    CHECK(ctx, strstr(s, "</html>") != NULL, "%s: truncated", path);
    free(s);
}

static int run(const char *cmd, char *out, size_t len)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    return pclose(p);
}

int main(int argc, char **argv)
{
    check_ctx ctx = {0};
    stencil_error err = {{0}};
    if (plot_gnuplot_check(&err) != STENCIL_OK) {
        printf("skipped: %s\n", err.msg);
        return 77;
    }
    const double depths[3] = {0.5, 10.0, 100.0};
    CHECK(&ctx, plot_nearest_level(depths, 3, 0) == 0, "nearest to 0 m");
    CHECK(&ctx, plot_nearest_level(depths, 3, 6) == 1, "nearest to 6 m");
    CHECK(&ctx, plot_nearest_level(depths, 3, 5000) == 2, "nearest to 5000 m");
    CHECK(&ctx, plot_nearest_level(NULL, 3, 50) == 0, "no depths");

    /* A small ocean in memory: 4 times, 6 levels, 40 x 50, half land. */
    enum { NT = 4, NZ = 6, NY = 40, NX = 50 };
    float *data = malloc(sizeof(float) * NT * NZ * NY * NX);
    double lat[NY], lon[NX], dep[NZ];
    const char *times[NT] = {"2024-01-01 00:00:00", "2024-01-01 06:00:00", "2024-01-01 12:00:00",
                             "2024-01-01 18:00:00"};
    CHECK(&ctx, data != NULL, "out of memory");
    if (!data)
        return check_finish(&ctx, "test_viz");
    for (int t = 0; t < NT; t++) {
        io_ocean_spec spec = io_ocean_default(NZ, NY, NX);
        spec.hours = 6.0 * t;
        CHECK(&ctx, io_synthetic_ocean(&spec, data + (size_t)t * NZ * NY * NX, 1, &err) == STENCIL_OK, "%s",
              err.msg);
    }
    for (int y = 0; y < NY; y++)
        lat[y] = 50.0 + 0.25 * y;
    for (int x = 0; x < NX; x++)
        lon[x] = -10.0 + 0.25 * x;
    for (int z = 0; z < NZ; z++)
        dep[z] = io_synthetic_depth((size_t)z, NZ);
    plot_ocean o = {NT, NZ, NY, NX, 0, data, dep, lat, lon, times, "thetao", "degrees_C", "small_ocean.nc"};
    plot_viz_options opt = {
        .out_dir = "viz_out", .depth_m = 30.0, .time = 2, .speed_ms = 150, .depths = 4, .times = 3};
    char written[PLOT_PATH_MAX], why[512], path[PLOT_PATH_MAX + 16];

    stencil_status st = plot_viz_slice(&o, &opt, written, sizeof written, &err);
    CHECK(&ctx, st == STENCIL_OK, "slice: %s", err.msg);
    if (st == STENCIL_OK) {
        CHECK(&ctx, pc_png(written, 600, 600, 20000, why, sizeof why), "%s", why);
        CHECK(&ctx, strstr(written, "_t2.png") != NULL, "slice file %s does not name time 2", written);
    }
    st = plot_viz_animate(&o, &opt, written, sizeof written, &err);
    CHECK(&ctx, st == STENCIL_OK, "animate: %s", err.msg);
    if (st == STENCIL_OK) {
        check_player(&ctx, written, NT, 150);
        snprintf(path, sizeof path, "%.*s.gif", (int)(strlen(written) - 5), written);
        CHECK(&ctx, pc_gif(path, 600, 600, NT, why, sizeof why), "%s", why);
    }
    st = plot_viz_cube(&o, &opt, written, sizeof written, &err);
    CHECK(&ctx, st == STENCIL_OK, "cube: %s", err.msg);
    if (st == STENCIL_OK) {
        check_player(&ctx, written, 3, 1000);
        for (int t = 0; t < 3; t++) {
            snprintf(path, sizeof path, "%.*s_t%d.png", (int)(strlen(written) - 5), written, t);
            CHECK(&ctx, pc_png(path, 800, 600, 30000, why, sizeof why), "%s", why);
        }
    }
    /* Bad requests say what is wrong. */
    opt.time = NT;
    st = plot_viz_slice(&o, &opt, written, sizeof written, &err);
    CHECK(&ctx, st == STENCIL_ERR_ARG && strstr(err.msg, "out of range"), "time out of range: %s", err.msg);
    opt.time = 0;
    opt.speed_ms = 0;
    st = plot_viz_animate(&o, &opt, written, sizeof written, &err);
    CHECK(&ctx, st == STENCIL_ERR_ARG, "speed 0 accepted");
    /* Land everywhere: still a picture (all grey), no gnuplot warning. */
    for (size_t i = 0; i < (size_t)NZ * NY * NX; i++)
        data[i] = NAN;
    o.nt = 1;
    opt.out_dir = "viz_out_land";
    st = plot_viz_slice(&o, &opt, written, sizeof written, &err);
    CHECK(&ctx, st == STENCIL_OK, "all-land slice: %s", err.msg);
    free(data);

    /* The CLI on the default dataset, generated into a scratch cache. */
    if (argc >= 2) {
        char cmd[8192], out[8192];
        static const char *const modes[] = {"slice --depth 100 --time 4", "animate --speed 120",
                                            "cube --depths 3 --times 2"};
        for (int m = 0; m < 3; m++) {
            snprintf(cmd, sizeof cmd, "STENCILBENCH_CACHE=viz_cache '%s' viz %s --out viz_cli 2>viz_cli.err",
                     argv[1], modes[m]);
            int rc = run(cmd, out, sizeof out);
            CHECK(&ctx, rc == 0, "'%s' exited %d", cmd, rc);
            /* Every printed path is a good picture. */
            int files = 0;
            for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), files++) {
                size_t n = strlen(line);
                if (n > 4 && strcmp(line + n - 4, ".png") == 0)
                    CHECK(&ctx, pc_png(line, 600, 600, 20000, why, sizeof why), "%s", why);
                else if (n > 4 && strcmp(line + n - 4, ".gif") == 0)
                    CHECK(&ctx, pc_gif(line, 600, 600, 5, why, sizeof why), "%s", why);
                else if (n > 5 && strcmp(line + n - 5, ".html") == 0)
                    check_player(&ctx, line, m == 1 ? 5 : 2, m == 1 ? 120 : 1000);
                else
                    CHECK(&ctx, 0, "'%s' printed '%s', not a picture's path", cmd, line);
            }
            CHECK(&ctx, files >= 1, "'%s' printed no path", cmd);
        }
        /* A model prediction's snapshots as the time axis, labelled by the steps completed,
         * the input first (step 0); --depth 0: the surface, not the level that changed most. */
        snprintf(
            cmd, sizeof cmd,
            "STENCILBENCH_CACHE=viz_cache '%s' model --variant openmp --steps 4 --save-every 2 "
            "--output viz_pred.nc >/dev/null 2>&1 && '%s' viz animate --input viz_pred.nc --depth 0 --out viz_cli 2>&1",
            argv[1], argv[1]);
        int rc = run(cmd, out, sizeof out);
        CHECK(&ctx, rc == 0 && strstr(out, "viz_cli/viz_pred_animate_0.494m.html"),
              "prediction: exit %d, '%s'", rc, out);
        if (rc == 0) {
            check_player(&ctx, "viz_cli/viz_pred_animate_0.494m.html", 3, 100);
            size_t n = 0;
            char *page = pc_slurp("viz_cli/viz_pred_animate_0.494m.html", &n);
            CHECK(&ctx, page && strstr(page, "model timesteps completed: 4"),
                  "prediction frames not labelled by steps");
            CHECK(&ctx, page && strstr(page, "model timesteps completed: 0"), "no step 0 (the input)");
            free(page);
        }
        snprintf(cmd, sizeof cmd, "'%s' viz slice --input no_such.nc --out viz_cli 2>&1", argv[1]);
        rc = run(cmd, out, sizeof out);
        CHECK(&ctx, rc != 0 && strstr(out, "no_such.nc"), "missing input: exit %d, '%s'", rc, out);
        snprintf(cmd, sizeof cmd, "STENCILBENCH_GNUPLOT=/nonexistent '%s' viz slice 2>&1", argv[1]);
        rc = run(cmd, out, sizeof out);
        CHECK(&ctx, rc != 0 && strstr(out, "gnuplot-nox"), "gnuplot missing: exit %d, '%s'", rc, out);
    }
    return check_finish(&ctx, "test_viz");
}
