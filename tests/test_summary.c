/* stencilbench summary on a packed-short file written here: its figures against mean, max, min,
 * std and fill counts computed independently (long double, two passes, from the packed values).
 * usage: test_summary PATH/TO/stencilbench */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "nc_fixture.h"

enum { N = 2 * 3 * 4 * 5 };

/* The number after "key" in text, or NAN. */
static double field(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

static int close_to(double got, long double want)
{
    return fabsl((long double)got - want) <= 1e-6L * (fabsl(want) + 1e-3L);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_summary PATH/TO/stencilbench\n");
        return 2;
    }
    check_ctx c = {0, 0};
    char dir[] = "/tmp/test_summary.XXXXXX", path[256], cmd[1024];
    if (!mkdtemp(dir))
        return 1;
    snprintf(path, sizeof path, "%s/packed.nc", dir);
    double v[N];
    for (int i = 0; i < N; i++)
        v[i] = i % 9 == 0 ? -32767 : i % 10 == 4 ? -999 : (i * 37) % 101 * 50 - 2500;
    nc_fixture f = {path, "thetao", 4, {"time", "depth", "latitude", "longitude"}, {2, 3, 4, 5},
                    NC_SHORT, v, 1, 1, 1, 1, 0, -32767, -999, 0.01, 12.5};
    CHECK(&c, nc_fixture_write(&f) == NC_NOERR, "fixture");

    /* Independently: the reader yields float(p * scale + offset) with scale and offset as the
     * float attributes the fixture stores. */
    long double sum = 0, m2 = 0, lo = INFINITY, hi = -INFINITY;
    int n = 0, fills = 0;
    for (int i = 0; i < N; i++) {
        if (v[i] == -32767 || v[i] == -999) {
            fills++;
            continue;
        }
        float x = (float)(v[i] * (double)0.01f + (double)12.5f);
        sum += x, n++;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    long double mean = sum / n;
    for (int i = 0; i < N; i++)
        if (v[i] != -32767 && v[i] != -999) {
            long double d = (float)(v[i] * (double)0.01f + (double)12.5f) - mean;
            m2 += d * d;
        }
    long double sd = sqrtl(m2 / n);

    snprintf(cmd, sizeof cmd, "'%s' summary '%s' 2>&1", argv[1], path);
    FILE *p = popen(cmd, "r");
    char out[16384] = "";
    size_t len = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[len] = '\0';
    int rc = p ? pclose(p) : -1;
    CHECK(&c, rc == 0, "exit status %d:\n%s", rc, out);
    CHECK(&c, strstr(out, "shape: (2, 3, 4, 5)") != NULL, "shape:\n%s", out);
    CHECK(&c, close_to(field(out, "\nmean: "), mean), "mean %g, want %.9Lg", field(out, "\nmean: "), mean);
    CHECK(&c, close_to(field(out, "\nmax: "), hi), "max %g, want %.9Lg", field(out, "\nmax: "), hi);
    CHECK(&c, close_to(field(out, "\nmin: "), lo), "min %g, want %.9Lg", field(out, "\nmin: "), lo);
    CHECK(&c, close_to(field(out, "\nstd: "), sd), "std %g, want %.9Lg", field(out, "\nstd: "), sd);
    CHECK(&c, field(out, "valid: ") == n && field(out, "fill: ") == fills && fills > 0,
          "valid %g fill %g, want %d %d", field(out, "valid: "), field(out, "fill: "), n, fills);
    char want_fraction[64];
    snprintf(want_fraction, sizeof want_fraction, "(%.2f %%)", 100.0 * fills / N);
    CHECK(&c, strstr(out, want_fraction) != NULL, "fill fraction %s missing", want_fraction);
    /* Coordinates: 10 + 0.5 i; time 6 i hours since 2024-01-01. */
    CHECK(&c, strstr(out, "latitude          4  10 .. 11.5 degrees_north") != NULL, "latitude line:\n%s", out);
    CHECK(&c, strstr(out, "2024-01-01 00:00:00 .. 2024-01-01 06:00:00") != NULL, "time line:\n%s", out);
    CHECK(&c, strstr(out, "title: test fixture") != NULL, "global attributes:\n%s", out);
    unlink(path);
    rmdir(dir);
    return check_finish(&c, "test_summary");
}
