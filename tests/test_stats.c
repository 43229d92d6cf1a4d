/* The Mann-Whitney U test against textbook and brute-force values, and the gate's verdicts. */
#include <math.h>

#include "check.h"
#include "analysis/gate.h"
#include "analysis/stats.h"

static int near(double a, double b, double tol) { return fabs(a - b) <= tol; }

static void test_u(check_ctx *c)
{
    stencil_error err = {{0}};
    bench_mwu r;
    /* SciPy's documented example (males vs females): U1 = 17, exact two-sided p = 1/9 */
    const double males[] = {19, 22, 16, 29, 24}, females[] = {20, 11, 17, 12};
    CHECK(c, bench_mann_whitney(males, 5, females, 4, &r, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, r.u1 == 17.0 && r.u2 == 3.0, "U1 %g U2 %g", r.u1, r.u2);
    CHECK(c, r.exact && !r.ties, "exact %d ties %d", r.exact, r.ties);
    CHECK(c, near(r.p, 1.0 / 9.0, 1e-12), "p %.15g", r.p);

    /* Complete separation of 4 and 4: p = 2 / C(8,4) = 2/70 */
    const double lo[] = {1, 2, 3, 4}, hi[] = {5, 6, 7, 8};
    bench_mann_whitney(lo, 4, hi, 4, &r, &err);
    CHECK(c, r.u1 == 0.0 && near(r.p, 2.0 / 70.0, 1e-12) && near(r.p_min, 2.0 / 70.0, 1e-12),
          "U %g p %g p_min %g", r.u1, r.p, r.p_min);
    /* 3 and 3 can never reach 0.05: p_min = 2/20 */
    bench_mann_whitney(lo, 3, hi, 3, &r, &err);
    CHECK(c, near(r.p_min, 0.1, 1e-12), "p_min %g", r.p_min);

    /* Tables give U = 13 as the two-sided 5 % critical value for n1 = n2 = 8: U = 13 is
     * significant, U = 14 is not (p by brute-force enumeration of all 12870 splits). */
    const double x13[] = {1, 2, 3, 4, 5, 6, 12, 16}, y13[] = {7, 8, 9, 10, 11, 13, 14, 15};
    const double x14[] = {1, 2, 3, 4, 5, 6, 13, 16}, y14[] = {7, 8, 9, 10, 11, 12, 14, 15};
    bench_mann_whitney(x13, 8, y13, 8, &r, &err);
    CHECK(c, r.u1 == 13.0 && near(r.p, 0.049883449883449886, 1e-12), "U %g p %.15g", r.u1, r.p);
    bench_mann_whitney(x14, 8, y14, 8, &r, &err);
    CHECK(c, r.u1 == 14.0 && near(r.p, 0.06495726495726496, 1e-12), "U %g p %.15g", r.u1, r.p);
    /* symmetric in the order of the samples */
    bench_mann_whitney(y14, 8, x14, 8, &r, &err);
    CHECK(c, r.u1 == 50.0 && near(r.p, 0.06495726495726496, 1e-12), "U %g p %.15g", r.u1, r.p);

    /* Ties: midranks, U = 4.5; normal approximation with tie-corrected variance and
     * continuity correction: z = 1.8511594413390131, p = 0.06414661873440443 */
    const double tx[] = {1, 2, 2, 3, 4}, ty[] = {2, 3, 5, 6, 6, 7};
    bench_mann_whitney(tx, 5, ty, 6, &r, &err);
    CHECK(c, r.ties && !r.exact && r.u1 == 4.5, "ties %d exact %d U %g", r.ties, r.exact, r.u1);
    CHECK(c, near(r.z, 1.8511594413390131, 1e-12) && near(r.p, 0.06414661873440443, 1e-12),
          "z %.15g p %.15g", r.z, r.p);
    /* All values equal: no evidence at all */
    const double same[] = {3, 3, 3};
    bench_mann_whitney(same, 3, same, 3, &r, &err);
    CHECK(c, r.p == 1.0, "p %g", r.p);

    /* Large samples use the normal approximation; full separation of 60 and 60 is decisive */
    double a[60], b[60];
    for (int i = 0; i < 60; i++) {
        a[i] = i;
        b[i] = 100 + i;
    }
    bench_mann_whitney(a, 60, b, 60, &r, &err);
    CHECK(c, !r.exact && r.p < 1e-15, "exact %d p %g", r.exact, r.p);

    CHECK(c, bench_mann_whitney(a, 0, b, 3, &r, &err) == STENCIL_ERR_ARG, "empty sample accepted");
    const double bad[] = {1, NAN};
    CHECK(c, bench_mann_whitney(bad, 2, b, 3, &r, &err) == STENCIL_ERR_ARG, "NaN accepted");
}

static void test_summaries(check_ctx *c)
{
    const double v[] = {5, 1, 4, 2, 3}, w[] = {4, 1, 3, 2};
    CHECK(c, bench_median(v, 5) == 3.0 && bench_median(w, 4) == 2.5, "medians");
    CHECK(c, isnan(bench_median(v, 0)), "median of nothing");
    const double g[] = {0.5, 2.0, 1.0};
    CHECK(c, near(bench_geomean(g, 3), 1.0, 1e-12), "geomean %g", bench_geomean(g, 3));
}

/* Deterministic "noise": a fixed permutation of +-2 % around the centre. */
static void sample(double *out, int n, double centre, int shift)
{
    for (int i = 0; i < n; i++)
        out[i] = centre * (1.0 + 0.004 * (double)(((i * 7 + shift) % 11) - 5));
}

static void test_gate(check_ctx *c)
{
    stencil_error err = {{0}};
    bench_gate_options opt = {0.05, 0.05, 0, 0};
    bench_gate_point g;
    double base[10], fresh[10];
    sample(base, 10, 1e9, 0);
    sample(fresh, 10, 0.9e9, 3); /* a planted 10 % slowdown */
    bench_gate_decide(base, 10, fresh, 10, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_SLOWER && near(g.ratio, 0.9, 0.01), "%s ratio %g p %g",
          bench_verdict_name(g.verdict), g.ratio, g.mwu.p);
    sample(fresh, 10, 1.1e9, 3);
    bench_gate_decide(base, 10, fresh, 10, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_FASTER, "%s", bench_verdict_name(g.verdict));
    sample(fresh, 10, 1e9, 0); /* identical distributions */
    bench_gate_decide(base, 10, fresh, 10, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_SAME && g.mwu.p == 1.0, "%s p %g", bench_verdict_name(g.verdict), g.mwu.p);
    sample(fresh, 10, 0.98e9, 3); /* 2 %: significant maybe, but under the threshold */
    bench_gate_decide(base, 10, fresh, 10, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_SAME, "%s", bench_verdict_name(g.verdict));
    sample(fresh, 3, 0.5e9, 3); /* 3 against 3: cannot reach 5 % */
    bench_gate_decide(base, 3, fresh, 3, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_UNSURE, "%s", bench_verdict_name(g.verdict));
    bench_gate_decide(base, 1, fresh, 10, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_UNSURE, "%s", bench_verdict_name(g.verdict));
    /* runs: 5 runs of 5 repetitions a side; 3 of the new runs were hit by another process */
    double rb[25], rf[25], mb[5], mf[5];
    for (int r = 0; r < 5; r++) {
        sample(rb + 5 * r, 5, 1e9, r);
        sample(rf + 5 * r, 5, r < 3 ? 0.8e9 : 1e9, r + 2);
        mb[r] = bench_median(rb + 5 * r, 5);
        mf[r] = bench_median(rf + 5 * r, 5);
    }
    bench_gate_decide(rb, 25, rf, 25, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_SLOWER, "repetitions only: %s", bench_verdict_name(g.verdict));
    bench_gate_decide(rb, 25, rf, 25, mb, 5, mf, 5, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_UNSURE && g.runs_used && g.mwu_runs.p >= 0.05, "with runs: %s p %g",
          bench_verdict_name(g.verdict), g.mwu_runs.p);
    for (int r = 0; r < 5; r++) { /* every new run slower: a real slowdown */
        sample(rf + 5 * r, 5, 0.9e9, r + 2);
        mf[r] = bench_median(rf + 5 * r, 5);
    }
    bench_gate_decide(rb, 25, rf, 25, mb, 5, mf, 5, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_SLOWER && g.runs_used && g.mwu_runs.p < 0.05, "all runs: %s p %g",
          bench_verdict_name(g.verdict), g.mwu_runs.p);
    bench_gate_decide(rb, 25, rf, 25, mb, 3, mf, 3, &opt, &g, &err); /* 3 runs cannot reach 5 % */
    CHECK(c, g.verdict == BENCH_SLOWER && !g.runs_used, "3 runs: %s", bench_verdict_name(g.verdict));
    /* noisy: medians 10 % apart, but the samples overlap completely */
    const double nb[] = {1.0, 0.5, 1.5, 0.9, 1.1, 0.6}, nf[] = {0.9, 0.45, 1.4, 0.8, 1.0, 0.55};
    bench_gate_decide(nb, 6, nf, 6, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_UNSURE, "%s p %g ratio %g", bench_verdict_name(g.verdict), g.mwu.p, g.ratio);
}

int main(void)
{
    check_ctx c = {0, 0};
    test_u(&c);
    test_summaries(&c);
    test_gate(&c);
    return check_finish(&c, "test_stats");
}
