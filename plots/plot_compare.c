#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "plot_compare.h"

extern char **environ;

#ifndef PLOT_SCRIPT_DIR
#define PLOT_SCRIPT_DIR "plots"
#endif

static void quote_gp(char *dst, size_t cap, const char *s)
{
    size_t j = 0;
    for (; *s && j + 2 < cap; s++)
        if (*s != '\'' && *s != '"' && *s != '\\')
            dst[j++] = *s;
    dst[j] = '\0';
}

stencil_status plot_compare_chart(const char *out, const char *title, const plot_bar *bars,
                                  size_t nbars, const plot_tic *tics, size_t ntics,
                                  const char *const *machines, size_t nmachines,
                                  stencil_error *err)
{
    char data[1100], script[1100], expr[4096], names[1024] = "", t[256], o[1100];
    snprintf(data, sizeof data, "%s", out);
    char *dot = strrchr(data, '.'), *slash = strrchr(data, '/');
    if (dot && (!slash || dot > slash))
        *dot = '\0';
    strncat(data, ".dat", sizeof data - strlen(data) - 1);
    FILE *f = fopen(data, "w");
    if (!f) {
        snprintf(err->msg, sizeof err->msg, "%.300s: %s", data, strerror(errno));
        return STENCIL_ERR_IO;
    }
    /* blocks 0..2: bars by style (x rate machine); block 3: the x tics */
    for (int s = 0; s < 3; s++) {
        fprintf(f, "# %s\n", s == 0 ? "measured" : s == 1 ? "projected" : "published");
        int any = 0;
        for (size_t i = 0; i < nbars; i++)
            if ((int)bars[i].style == s) {
                fprintf(f, "%g %.6g %d\n", bars[i].x, bars[i].rate, bars[i].machine + 1);
                any = 1;
            }
        if (!any)
            fprintf(f, "0 NaN 1\n");
        fprintf(f, "\n\n");
    }
    fprintf(f, "# tics\n");
    for (size_t i = 0; i < ntics; i++)
        fprintf(f, "%g \"%s\"\n", tics[i].x, tics[i].label);
    if (fclose(f) != 0) {
        snprintf(err->msg, sizeof err->msg, "%.300s: write failed", data);
        return STENCIL_ERR_IO;
    }
    for (size_t i = 0; i < nmachines; i++) {
        char q[128];
        quote_gp(q, sizeof q, machines[i]);
        if (i)
            strncat(names, " ", sizeof names - strlen(names) - 1);
        strncat(names, q, sizeof names - strlen(names) - 1);
    }
    const char *dir = getenv("STENCILBENCH_PLOTS");
    snprintf(script, sizeof script, "%s/compare.gp", dir && *dir ? dir : PLOT_SCRIPT_DIR);
    quote_gp(t, sizeof t, title);
    quote_gp(o, sizeof o, out);
    snprintf(expr, sizeof expr, "datafile='%s'; outfile='%s'; chart_title='%s'; machines='%s'",
             data, o, t, names);
    char *argv[] = {"gnuplot", "-e", expr, script, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
    if (rc != 0) {
        snprintf(err->msg, sizeof err->msg,
                 "cannot start gnuplot (%s): install gnuplot-nox to draw %s", strerror(rc), out);
        return STENCIL_ERR_IO;
    }
    int wst;
    if (waitpid(pid, &wst, 0) < 0 || !WIFEXITED(wst) || WEXITSTATUS(wst) != 0) {
        snprintf(err->msg, sizeof err->msg, "gnuplot failed on %.150s drawing %.150s (data in %.150s)", script,
                 out, data);
        return STENCIL_ERR_IO;
    }
    return STENCIL_OK;
}
