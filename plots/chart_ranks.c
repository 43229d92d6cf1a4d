/* Scaling over MPI ranks, per variant (chart.h): speedup and parallel efficiency
 * (plots/ranks_scaling.gp), compute and halo-exchange time per timestep (ranks_time.gp) and the
 * halo exchange's share of a timestep (ranks_halo.gp). A series is a grid (strong scaling) or a
 * block per rank (weak: machine.json's config says scaling = weak, and the grid is the block
 * times the rank grid, stencil_rank_dims) at fixed threads and timesteps, measured at two or
 * more rank counts; its baseline is its fewest ranks (1 when measured). Nothing is drawn for a
 * variant measured at one rank count. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "mpi_grid.h"

/* A point and its series key: the grid (strong) or the block per rank (weak). */
typedef struct rk_item {
    const plot_point *p;
    long b[3];
    double bcells;
} rk_item;

typedef struct rk_series {
    const rk_item *it; /* its points, by ranks, one per rank count */
    int n;
    char title[96];
} rk_series;

static int long_cmp(long x, long y)
{
    return (x > y) - (x < y);
}

/* Largest grid or block first, then the shape, threads, timesteps and ranks: a series' points
 * are neighbours, by ranks. */
static int item_cmp(const void *a, const void *b)
{
    const rk_item *x = a, *y = b;
    int d;
    if (x->bcells != y->bcells)
        return x->bcells > y->bcells ? -1 : 1;
    for (int i = 0; i < 3; i++)
        if ((d = long_cmp(x->b[i], y->b[i])))
            return d;
    if ((d = long_cmp(x->p->k.threads, y->p->k.threads)) || (d = long_cmp(x->p->k.steps, y->p->k.steps)))
        return d;
    return long_cmp(x->p->k.ranks, y->p->k.ranks);
}

static int same_series(const rk_item *x, const rk_item *y)
{
    return x->b[0] == y->b[0] && x->b[1] == y->b[1] && x->b[2] == y->b[2] &&
           x->p->k.threads == y->p->k.threads && x->p->k.steps == y->p->k.steps;
}

/* The block per rank of a weak-scaling point; 0 when its grid does not split evenly. */
static int weak_block(const plot_point *p, long b[3])
{
    int dims[3];
    stencil_rank_dims(p->k.ranks > 0 && p->k.ranks < 1L << 30 ? (int)p->k.ranks : 1, dims);
    const long n[3] = {p->k.nz, p->k.ny, p->k.nx};
    for (int i = 0; i < 3; i++) {
        if (n[i] % dims[i] != 0)
            return 0;
        b[i] = n[i] / dims[i];
    }
    return 1;
}

/* Positive and finite, else NaN: a value on a log axis. */
static double pos(double v)
{
    return isfinite(v) && v > 0 ? v : NAN;
}

/* Writes the series' points: ranks, speedup, efficiency (med lo hi), ideal speedup, compute and
 * halo ms per step (med lo hi), halo share in % (med lo hi), grid. Strong: speedup =
 * T(r0)/T(N), efficiency = speedup / (N / r0); weak: efficiency = T(r0)/T(N), speedup (scaled)
 * = efficiency * N / r0. T: the median compute time of the repetitions. */
static void series_data(plot_buf *d, const rk_series *s, int weak, double *range)
{
    long r0 = s->it[0].p->k.ranks;
    double t0 = s->it[0].p->med[PLOT_M_COMPUTE];
    plot_chart_comment(d, s->title);
    plot_buf_printf(d, "# ranks speedup(med lo hi) efficiency(med lo hi) ideal_speedup "
                       "compute_ms_per_step(med lo hi) halo_ms_per_step(med lo hi) "
                       "halo_percent_of_step(med lo hi) grid\n");
    for (int i = 0; i < s->n; i++) {
        const plot_point *q = s->it[i].p;
        double ideal = (double)q->k.ranks / (double)r0;
        double e[3] = {t0 / q->med[PLOT_M_COMPUTE], t0 / q->hi[PLOT_M_COMPUTE], t0 / q->lo[PLOT_M_COMPUTE]};
        double sp[3], ef[3];
        for (int m = 0; m < 3; m++) {
            sp[m] = weak ? e[m] * ideal : e[m];
            ef[m] = weak ? e[m] : e[m] / ideal;
        }
        double ms = 1e3 / (double)(q->k.steps > 0 ? q->k.steps : 1), cmed = q->med[PLOT_M_COMPUTE];
        plot_buf_printf(d, "%ld", q->k.ranks);
        for (int m = 0; m < 3; m++)
            plot_chart_put(d, pos(sp[m]));
        for (int m = 0; m < 3; m++)
            plot_chart_put(d, ef[m]);
        plot_chart_put(d, ideal);
        plot_chart_put(d, pos(q->med[PLOT_M_COMPUTE] * ms));
        plot_chart_put(d, pos(q->lo[PLOT_M_COMPUTE] * ms));
        plot_chart_put(d, pos(q->hi[PLOT_M_COMPUTE] * ms));
        plot_chart_put(d, pos(q->med[PLOT_M_HALO] * ms));
        plot_chart_put(d, pos(q->lo[PLOT_M_HALO] * ms));
        plot_chart_put(d, pos(q->hi[PLOT_M_HALO] * ms));
        plot_chart_put(d, 100 * q->med[PLOT_M_HALO] / cmed);
        plot_chart_put(d, 100 * q->lo[PLOT_M_HALO] / cmed);
        plot_chart_put(d, 100 * q->hi[PLOT_M_HALO] / cmed);
        char g[64];
        plot_chart_grid_label(&q->k, g, sizeof g);
        plot_buf_printf(d, " %s\n", g);
        /* range: speedup lo, hi; efficiency hi; ms lo, hi; halo % hi */
        const double sv[4] = {pos(sp[1]), pos(sp[2]), ideal, 1};
        for (int m = 0; m < 4; m++)
            if (isfinite(sv[m]))
                range[0] = fmin(range[0], sv[m]), range[1] = fmax(range[1], sv[m]);
        if (isfinite(ef[2]))
            range[2] = fmax(range[2], ef[2]);
        const double tv[6] = {q->lo[PLOT_M_COMPUTE], q->hi[PLOT_M_COMPUTE], q->lo[PLOT_M_HALO],
                              q->hi[PLOT_M_HALO], q->med[PLOT_M_COMPUTE], q->med[PLOT_M_HALO]};
        for (int m = 0; m < 6; m++)
            if (isfinite(pos(tv[m] * ms)))
                range[3] = fmin(range[3], tv[m] * ms), range[4] = fmax(range[4], tv[m] * ms);
        if (isfinite(q->hi[PLOT_M_HALO] / cmed))
            range[5] = fmax(range[5], 100 * q->hi[PLOT_M_HALO] / cmed);
    }
    plot_buf_printf(d, "\n\n");
}

/* The rank axis: every rank count drawn, labelled, on a log2 scale. */
static void ranks_axis(plot_buf *b, const rk_series *s, int ns)
{
    double v[PLOT_MAX_TICKS];
    int n = 0;
    for (int i = 0; i < ns; i++)
        for (int j = 0; j < s[i].n; j++) {
            double r = (double)s[i].it[j].p->k.ranks;
            int k = 0;
            while (k < n && v[k] < r)
                k++;
            if ((k < n && v[k] == r) || n == PLOT_MAX_TICKS)
                continue;
            memmove(v + k + 1, v + k, (size_t)(n - k) * sizeof *v);
            v[k] = r, n++;
        }
    char lab[PLOT_MAX_TICKS][24];
    const char *lp[PLOT_MAX_TICKS];
    for (int i = 0; i < n; i++) {
        snprintf(lab[i], sizeof lab[i], "%.0f", v[i]);
        lp[i] = lab[i];
    }
    plot_buf_printf(b, "xlo = %.9g\nxhi = %.9g\nnxt = %d\n", v[0] / 1.25, v[n - 1] * 1.25, n);
    plot_buf_gp_array_num(b, "xtv", v, n);
    plot_buf_gp_array_str(b, "xtl", lp, n);
}

/* The speedup axis, log2 over [lo, hi]: labelled powers of two, three at least. */
static void speedup_axis(plot_buf *b, double lo, double hi)
{
    lo /= 1.1, hi *= 1.1;
    double v[PLOT_MAX_TICKS];
    int n = 0;
    for (int pass = 0; pass < 3; pass++) {
        n = 0;
        for (double x = exp2(floor(log2(lo))); x <= hi * (1 + 1e-9) && n < PLOT_MAX_TICKS; x *= 2)
            if (x >= lo * (1 - 1e-9))
                v[n++] = x;
        if (n >= 3)
            break;
        if (pass == 0) /* widen to the powers of two around the data */
            lo = exp2(floor(log2(lo))), hi = exp2(ceil(log2(hi)));
        else
            lo /= 2;
    }
    char lab[PLOT_MAX_TICKS][24];
    const char *lp[PLOT_MAX_TICKS];
    for (int i = 0; i < n; i++) {
        snprintf(lab[i], sizeof lab[i], "%g", v[i]);
        lp[i] = lab[i];
    }
    if (n > 0) /* no tick on the frame */
        lo = fmin(lo, v[0] / 1.08), hi = fmax(hi, v[n - 1] * 1.08);
    plot_buf_printf(b, "sylo = %.9g\nsyhi = %.9g\nnst = %d\n", lo, hi, n);
    plot_buf_gp_array_num(b, "stv", v, n);
    plot_buf_gp_array_str(b, "stl", lp, n);
}

/* The chart's settings shared by its three kinds: title, series, rank axis. */
static void common_settings(plot_buf *b, const char *name, const char *title, const rk_series *s, int ns)
{
    const char *t[PLOT_MAX_SERIES];
    for (int i = 0; i < ns; i++)
        t[i] = s[i].title;
    plot_chart_gp_common(b, name, title);
    plot_buf_gp_array_str(b, "stitle", t, ns);
    plot_chart_gp_hover(b, t, ns);
    plot_buf_printf(b, "ns = %d\n", ns);
    ranks_axis(b, s, ns);
}

/* The three charts of the series s[0..ns). */
static stencil_status emit(plot_ctx *c, const plot_pref *f, const rk_series *s, int ns, const char *what,
                           stencil_error *err)
{
    int weak = c->run.weak, no_one = 0, same_r0 = 1;
    for (int i = 0; i < ns; i++) {
        no_one += s[i].it[0].p->k.ranks != 1;
        same_r0 &= s[i].it[0].p->k.ranks == s[0].it[0].p->k.ranks;
    }
    plot_buf d = {0};
    double range[6] = {INFINITY, 0, 0, INFINITY, 0, 0};
    for (int i = 0; i < ns; i++)
        series_data(&d, &s[i], weak, range);
    /* series with a halo time (log axis: positive), and with a halo share */
    double ht[PLOT_MAX_SERIES], hsh[PLOT_MAX_SERIES];
    int nht = 0, nhs = 0;
    for (int i = 0; i < ns; i++) {
        int pos_halo = 0, any_halo = 0;
        for (int j = 0; j < s[i].n; j++) {
            double h = s[i].it[j].p->med[PLOT_M_HALO];
            pos_halo |= isfinite(h) && h > 0;
            any_halo |= isfinite(h) && isfinite(s[i].it[j].p->med[PLOT_M_COMPUTE]);
        }
        if (pos_halo)
            ht[nht++] = i + 1;
        if (any_halo)
            hsh[nhs++] = i + 1;
    }
    char machine[400], note[200] = "", title[600], name[96], r0s[64];
    plot_chart_machine(c, !f->gpu, f->gpu, machine, sizeof machine);
    snprintf(r0s, sizeof r0s, "%ld rank%s", s[0].it[0].p->k.ranks, s[0].it[0].p->k.ranks == 1 ? "" : "s");
    if (no_one)
        snprintf(note, sizeof note, "\nno 1-rank run for %d of %d series: baseline the fewest ranks measured%s%s",
                 no_one, ns, same_r0 ? " (" : " (see the key)", same_r0 ? r0s : "");
    if (no_one && same_r0)
        strcat(note, ")");
    stencil_status st = STENCIL_OK;
    for (int k = 0; k < 3 && st == STENCIL_OK; k++) {
        static const char *const kinds[3] = {"ranks_scaling", "ranks_time", "ranks_halo"};
        if (k == 2 && nhs == 0)
            break; /* no halo times: nothing to share */
        plot_chart_name(name, sizeof name, kinds[k], f->variant);
        plot_buf b = {0};
        const char *caption;
        if (k == 0) {
            plot_fmt(title, sizeof title, "%s: %s scaling over MPI ranks, compute time (%s)%s\n%s", f->variant,
                     weak ? "weak" : "strong", what, note, machine);
            common_settings(&b, name, title, s, ns);
            speedup_axis(&b, range[0], range[1]);
            plot_buf_printf(&b, "effmax = %.4g\n", fmax(1.2, range[2] * 1.08));
            char lab[160];
            if (weak && same_r0 && s[0].it[0].p->k.ranks == 1)
                snprintf(lab, sizeof lab, "scaled speedup: efficiency x ranks (x, log scale)");
            else if (weak)
                snprintf(lab, sizeof lab, "scaled speedup: efficiency x ranks / %s (x, log scale)",
                         same_r0 ? r0s : "baseline ranks");
            else
                snprintf(lab, sizeof lab, "speedup over %s (x, log scale)", same_r0 ? r0s : "each series' baseline");
            plot_buf_gp_var(&b, "speedup_label", lab);
            plot_buf_gp_var(&b, "ideal_title", weak ? "ideal (ranks / baseline ranks)" : "ideal (linear)");
            plot_buf_gp_var(&b, "eff_label", weak ? "weak-scaling efficiency: T(baseline) / T(N)"
                                                   : "parallel efficiency: speedup / (N / baseline)");
            caption = weak ? "Weak scaling (a fixed block per rank: the grid grows with the ranks). Right: "
                             "efficiency T(baseline) / T(N) of the compute time, median of the repetitions "
                             "(bars: min..max), ideal 1; left: the scaled speedup, efficiency x N / baseline "
                             "ranks. The baseline is each series' fewest ranks (1 where measured). Look for a "
                             "flat efficiency near 1; where it falls, the halo exchange or the shared memory "
                             "bandwidth costs more as the ranks grow."
                           : "Strong scaling (one grid shared by the ranks). Left: speedup T(baseline) / T(N) "
                             "of the compute time, median of the repetitions (bars: min..max); right: "
                             "parallel efficiency, speedup / (N / baseline). The baseline is each series' "
                             "fewest ranks (1 where measured); dashed: ideal. Look for where a curve leaves "
                             "the ideal: there the halo exchange or the shared memory bandwidth, not the "
                             "ranks, limits; small grids scale worse (less work per rank).";
        } else if (k == 1) {
            plot_fmt(title, sizeof title, "%s: time per timestep over MPI ranks, compute and halo exchange (%s%s)\n%s",
                     f->variant, weak ? "weak scaling, " : "strong scaling, ", what, machine);
            common_settings(&b, name, title, s, ns);
            plot_buf_log_axis(&b, "y", range[3], range[4], 0.06, 0);
            plot_buf_gp_array_num(&b, "hs", ht, nht);
            plot_buf_printf(&b, "nh = %d\n", nht);
            caption = "Time per timestep over MPI ranks, median (bars: min..max). Solid: compute_s / steps, "
                      "the run with the exchange overlapped; dashed: halo_s / steps, the halo exchange "
                      "timed alone (the slowest rank). Look for the compute falling as 1 / ranks (strong "
                      "scaling) or staying flat (weak), and for the dashed halo line rising towards it.";
        } else {
            plot_fmt(title, sizeof title, "%s: halo exchange as a share of the timestep (%s%s)\n%s", f->variant,
                     weak ? "weak scaling, " : "strong scaling, ", what, machine);
            common_settings(&b, name, title, s, ns);
            plot_buf_gp_array_num(&b, "hs", hsh, nhs);
            plot_buf_printf(&b, "nh = %d\nhmax = %.4g\n", nhs, fmax(1, range[5] * 1.1));
            caption = "The halo exchange timed alone (halo_s) over the timestep's compute time (compute_s, "
                      "the run with the exchange overlapped), in %, median (bars: the halo's min..max over "
                      "the median step). Look for it growing with the ranks: a rank's faces shrink slower "
                      "than its block; a large share limits the scaling unless the exchange overlaps.";
        }
        static const char *const scripts[3] = {"ranks_scaling.gp", "ranks_time.gp", "ranks_halo.gp"};
        st = plot_chart_emit(c, name, scripts[k], &d, &b, caption, title, err);
        plot_buf_free(&b);
    }
    plot_buf_free(&d);
    return st;
}

stencil_status plot_chart_ranks(plot_ctx *c, const plot_pref *f, const plot_point **buf, stencil_error *err)
{
    plot_pref any = *f;
    any.ranks = -1;
    size_t n = plot_chart_select(c, &any, -1, -1, NULL, buf);
    if (n < 2)
        return STENCIL_OK;
    rk_item *it = malloc(n * sizeof *it);
    rk_series *cand = malloc(n * sizeof *cand);
    if (!it || !cand) {
        free(it), free(cand);
        plot_msg(err, "out of memory");
        return STENCIL_ERR_NOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        rk_item *x = &it[m];
        x->p = buf[i];
        if (c->run.weak) {
            if (!weak_block(buf[i], x->b))
                continue;
        } else {
            x->b[0] = buf[i]->k.nz, x->b[1] = buf[i]->k.ny, x->b[2] = buf[i]->k.nx;
        }
        x->bcells = (double)x->b[0] * (double)x->b[1] * (double)x->b[2];
        m++;
    }
    qsort(it, m, sizeof *it, item_cmp);
    /* Candidate series: two or more rank counts (a repeated rank count, from another grid
     * source, is left out). Points are compacted in place, one per rank count. */
    size_t nc = 0;
    for (size_t i = 0, j; i < m; i = j) {
        size_t w = i + 1;
        for (j = i + 1; j < m && same_series(&it[j], &it[i]); j++)
            if (it[j].p->k.ranks != it[w - 1].p->k.ranks)
                it[w++] = it[j];
        if (w - i >= 2)
            cand[nc++] = (rk_series){.it = &it[i], .n = (int)(w - i)};
    }
    /* At most PLOT_MAX_SERIES: those at the variant's timestep count first, largest first. */
    rk_series s[PLOT_MAX_SERIES];
    int ns = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nc && ns < PLOT_MAX_SERIES; i++)
            if ((cand[i].it[0].p->k.steps == f->steps) == (pass == 0))
                s[ns++] = cand[i];
    int many_threads = 0, many_steps = 0;
    for (int i = 1; i < ns; i++) {
        many_threads |= s[i].it[0].p->k.threads != s[0].it[0].p->k.threads;
        many_steps |= s[i].it[0].p->k.steps != s[0].it[0].p->k.steps;
    }
    for (int i = 0; i < ns; i++) {
        const plot_key *k = &s[i].it[0].p->k;
        char more[96] = "", base[64] = "";
        if (many_threads)
            snprintf(more, sizeof more, ", %ld thread%s per rank", k->threads, k->threads == 1 ? "" : "s");
        if (many_steps)
            snprintf(more + strlen(more), sizeof more - strlen(more), ", %ld step%s", k->steps,
                     k->steps == 1 ? "" : "s");
        if (k->ranks != 1)
            snprintf(base, sizeof base, " (baseline %ld ranks: no 1-rank run)", k->ranks);
        snprintf(s[i].title, sizeof s[i].title, "%s%ldx%ldx%ld%s%s%s", c->run.weak ? "block " : "",
                 s[i].it[0].b[0], s[i].it[0].b[1], s[i].it[0].b[2], c->run.weak ? " per rank" : "", more, base);
        for (int j = 0; j < s[i].n; j++)
            c->in_ranks_chart[s[i].it[j].p - c->run.pts] = 1;
    }
    stencil_status st = STENCIL_OK;
    if (ns > 0) {
        const plot_key *k = &s[0].it[0].p->k;
        char what[200] = "";
        int l = 0;
        if (!many_threads)
            l = snprintf(what, sizeof what, "%ld thread%s per rank, ", k->threads, k->threads == 1 ? "" : "s");
        if (!many_steps && l >= 0 && (size_t)l < sizeof what)
            l += snprintf(what + l, sizeof what - (size_t)l, "%ld step%s, ", k->steps, k->steps == 1 ? "" : "s");
        if (l >= 0 && (size_t)l < sizeof what)
            snprintf(what + l, sizeof what - (size_t)l, "%s%s%s", f->tuning, f->gpu ? ", " : "", f->gpu ? f->host : "");
        st = emit(c, f, s, ns, what, err);
    }
    free(cand);
    free(it);
    return st;
}
