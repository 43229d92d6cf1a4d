/* The timings schema as code: every committed timings.csv reads and writes back to the same
 * bytes; results/SCHEMA.md lists the code's columns in order; the reader refuses what is not
 * schema v1 (naming line and column); points group as a plain pairwise grouping would. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/points.h"
#include "check.h"
#include "timings/timings.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

static void round_trip(check_ctx *c, const char *path)
{
    bench_timings t = {0};
    stencil_error err = {{0}};
    CHECK(c, bench_timings_read(path, BENCH_READ_STRICT, &t, &err) == STENCIL_OK, "%s", err.msg);
    char out[] = "/tmp/stencil_timings_XXXXXX";
    int fd = mkstemp(out);
    FILE *f = fdopen(fd, "w");
    size_t la = 0, lb = 0;
    char *a = slurp(path, &la);
    int version = a ? bench_csv_header_version(a) : 0; /* the file's, also with no rows */
    bench_csv_header_write(f, version);
    for (size_t i = 0; i < t.count; i++)
        bench_csv_write(f, version, &t.rows[i], &err);
    fclose(f);
    char *b = slurp(out, &lb);
    CHECK(c, a && b && la == lb && memcmp(a, b, la) == 0, "%s: %zu rows do not write back to the same bytes", path, t.count);
    free(a);
    free(b);
    unlink(out);
    bench_timings_free(&t);
}

/* The column names of SCHEMA.md's timings table, in order, must be the code's. */
static void schema_doc(check_ctx *c, const char *schema_md)
{
    size_t len, n, k = 0;
    char *doc = slurp(schema_md, &len);
    CHECK(c, doc != NULL, "cannot read %s", schema_md);
    if (!doc)
        return;
    const bench_column *col = bench_columns(&n);
    char *end = strstr(doc, "# machine.json");
    for (char *line = strstr(doc, "\n| schema_version"); line && (!end || line < end);
         line = strstr(line + 1, "\n| ")) {
        char names[128];
        if (sscanf(line, "\n| %127[^|]", names) != 1)
            continue;
        for (char *name = strtok(names, ", "); name; name = strtok(NULL, ", ")) {
            CHECK(c, k < n && strcmp(name, col[k].name) == 0, "SCHEMA.md column %zu is '%s', the code's '%s'",
                  k, name, k < n ? col[k].name : "(none)");
            k++;
        }
    }
    CHECK(c, k == n, "SCHEMA.md lists %zu columns, the code %zu", k, n);
    free(doc);
}

static const char *header =
    "schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,"
    "land_fraction,threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,"
    "cell_updates_per_s,effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source\n";

static stencil_status read_text(const char *text, bench_read_mode mode, bench_timings *t, stencil_error *err)
{
    char path[] = "/tmp/stencil_timings_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    stencil_status st = bench_timings_read(path, mode, t, err);
    unlink(path);
    return st;
}

static void refuses(check_ctx *c, const char *row, const char *want)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s\n", header, row);
    bench_timings t = {0};
    stencil_error err = {{0}};
    stencil_status st = read_text(text, BENCH_READ_BY_NAME, &t, &err);
    CHECK(c, st == STENCIL_ERR_ARG && strstr(err.msg, want) && strstr(err.msg, "line 2") && t.count == 0,
          "'%s': status %d, message '%s' (want '%s')", row, st, err.msg, want);
    bench_timings_free(&t);
}

static void reader_checks(check_ctx *c)
{
    const char *good = "1,r,measured,m,openmp,cpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,";
    char text[2048];
    bench_timings t = {0};
    stencil_error err = {{0}};
    snprintf(text, sizeof text, "%s%s\n", header, good);
    CHECK(c, bench_csv_header_version(header) == 1 && bench_csv_header_version("schema_version,run_id\n") == 0,
          "header versions");
    CHECK(c, read_text(text, BENCH_READ_STRICT, &t, &err) == STENCIL_OK && t.count == 1 &&
                 t.rows[0].nz == 10 && t.rows[0].threads == 2 && bench_row_ok(&t.rows[0]) &&
                 isnan(t.rows[0].h2d_s),
          "good row: %s", err.msg);
    bench_timings_free(&t);
    refuses(c, "1,r,measured,m,openmp,cpu,course,0.1,inf,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "'nz'");
    refuses(c, "1,r,measured,m,openmp,cpu,course,0.1,10.5,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "'nz'");
    refuses(c, "1,r,measured,m,openmp,cpu,course,0.1,10,12,14,synthetic,0.5,-2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "'threads'");
    refuses(c, "1,r,measured,m,openmp,cpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,1e99,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "'timesteps'");
    refuses(c, "1,r,measured,m,openmp,cpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,10,0,,nan,,0.001,1e9,8,16,0.5,0,ok,", "'compute_s'");
    refuses(c, "1,r,guessed,m,openmp,cpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "'provenance'");
    refuses(c, "5,r,measured,m,openmp,cpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "versions 1 to 4");
    /* a version 1 file reads with ranks 1 and no halo time, no noise figures; a version 2
     * file carries them */
    CHECK(c, read_text(text, BENCH_READ_STRICT, &t, &err) == STENCIL_OK && t.count == 1 &&
                 t.rows[0].ranks == 1 && isnan(t.rows[0].halo_s) && t.rows[0].schema_version == 1 &&
                 isnan(t.rows[0].ci_rel) && t.rows[0].batch == -1,
          "v1 ranks: %s", err.msg);
    bench_timings_free(&t);
    char v2[2048];
    snprintf(v2, sizeof v2, "%.*s,ranks,halo_s\n2%s,4,0.25\n", (int)strlen(header) - 1, header, good + 1);
    CHECK(c, bench_csv_header_version(v2) == 2, "v2 header");
    CHECK(c, read_text(v2, BENCH_READ_STRICT, &t, &err) == STENCIL_OK && t.count == 1 &&
                 t.rows[0].ranks == 4 && t.rows[0].halo_s == 0.25 && t.rows[0].schema_version == 2 &&
                 isnan(t.rows[0].ci_rel),
          "v2 ranks, halo_s: %s", err.msg);
    bench_timings_free(&t);
    snprintf(v2, sizeof v2, "%.*s,ranks,halo_s,batch,cv,ci_rel,load_before,load_after,other_cpu,"
             "steal,cpu_mhz\n3%s,4,0.25,3,0.1,0.05,1.5,1.6,0.3,0,2500\n", (int)strlen(header) - 1,
             header, good + 1);
    CHECK(c, bench_csv_header_version(v2) == 3, "v3 header");
    CHECK(c, read_text(v2, BENCH_READ_STRICT, &t, &err) == STENCIL_OK && t.count == 1 &&
                 t.rows[0].ranks == 4 && t.rows[0].halo_s == 0.25 && t.rows[0].schema_version == 3 &&
                 t.rows[0].batch == 3 && t.rows[0].ci_rel == 0.05 && t.rows[0].other_cpu == 0.3 &&
                 t.rows[0].cpu_mhz == 2500 && isnan(t.rows[0].gpu_sm_mhz_before) &&
                 !*t.rows[0].gpu_throttle_after,
          "v3 ranks, halo_s, noise, GPU state unknown: %s", err.msg);
    bench_timings_free(&t);
    /* version 4 adds the GPU's state */
    snprintf(v2, sizeof v2, "%.*s,ranks,halo_s,batch,cv,ci_rel,load_before,load_after,other_cpu,"
             "steal,cpu_mhz,gpu_sm_mhz_before,gpu_mem_mhz_before,gpu_temp_c_before,gpu_power_w_before,"
             "gpu_throttle_before,gpu_sm_mhz_after,gpu_mem_mhz_after,gpu_temp_c_after,gpu_power_w_after,"
             "gpu_throttle_after\n4%s,1,,1,0.1,0.05,1.5,1.6,0.3,0,2500,1980,3201,40,120.5,none,1755,3201,"
             "84,699,sw_power_cap|hw_slowdown\n", (int)strlen(header) - 1, header, good + 1);
    CHECK(c, bench_csv_header_version(v2) == 4, "v4 header");
    CHECK(c, read_text(v2, BENCH_READ_STRICT, &t, &err) == STENCIL_OK && t.count == 1 &&
                 t.rows[0].schema_version == 4 && t.rows[0].cpu_mhz == 2500 &&
                 t.rows[0].gpu_sm_mhz_before == 1980 && t.rows[0].gpu_power_w_before == 120.5 &&
                 strcmp(t.rows[0].gpu_throttle_before, "none") == 0 && t.rows[0].gpu_sm_mhz_after == 1755 &&
                 t.rows[0].gpu_temp_c_after == 84 &&
                 strcmp(t.rows[0].gpu_throttle_after, "sw_power_cap|hw_slowdown") == 0,
          "v4 GPU state: %s", err.msg);
    bench_timings_free(&t);
    refuses(c, "1,r,measured,m,openmp,tpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "'device'");
    refuses(c, "1,r,measured,m,,cpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "'variant'");
    refuses(c, "1,r,measured,m,openmp,cpu,course,0.1,0,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,ok,", "nz, ny and nx");
    refuses(c, "1,r,measured,m,openmp,cpu", "fields");
    /* a long status (a validation failure's message) is kept whole, a too long one refused */
    char row[1400], status[600];
    memset(status, 'x', 500);
    status[500] = '\0';
    snprintf(row, sizeof row, "1,r,measured,m,openmp,cpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,failed:%s,", status);
    snprintf(text, sizeof text, "%s%s\n", header, row);
    CHECK(c, read_text(text, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK && t.count == 1 &&
                 strlen(t.rows[0].status) == 507, "a 507-character status: %s", err.msg);
    bench_timings_free(&t);
    memset(status, 'x', 520);
    status[520] = '\0';
    snprintf(row, sizeof row, "1,r,measured,m,openmp,cpu,course,0.1,10,12,14,synthetic,0.5,2,default,none,10,0,,0.001,,0.001,1e9,8,16,0.5,0,failed:%s,", status);
    refuses(c, row, "'status'");
    /* by name: columns in any order, optional ones absent, the rate derived from compute_s */
    CHECK(c, read_text("status,nx,ny,nz,variant,timesteps,compute_s,schema_version\nok,12,12,12,naive,10,0.5,1\n",
                       BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK && t.count == 1 &&
                 t.rows[0].threads == 1 && strcmp(t.rows[0].tuning, "default") == 0 &&
                 t.rows[0].rep == 0 && fabs(t.rows[0].cell_updates_per_s - 20000.0) < 1e-9,
          "by name: %s", err.msg);
    bench_timings_free(&t);
    /* strict: the same file is not this schema's header; a torn last line is left out */
    CHECK(c, read_text("status,nx,ny,nz,variant,timesteps,compute_s,schema_version\nok,12,12,12,naive,10,0.5,1\n",
                       BENCH_READ_STRICT, &t, &err) == STENCIL_ERR_ARG && strstr(err.msg, "header"),
          "strict header: %s", err.msg);
    snprintf(text, sizeof text, "%s%s\n1,r,meas", header, good);
    CHECK(c, read_text(text, BENCH_READ_STRICT, &t, &err) == STENCIL_OK && t.count == 1, "torn: %s", err.msg);
    bench_timings_free(&t);
}

/* Random rows over a few keys: the grouping matches a pairwise one, and the statistics. */
static void grouping(check_ctx *c)
{
    enum { N = 3000 };
    bench_row *rows = calloc(N, sizeof *rows);
    const char *variants[] = {"naive", "openmp", "tiled"}, *runs[] = {"a", "b", "c"};
    unsigned s = 12345;
    for (size_t i = 0; i < N; i++) {
        bench_row *r = &rows[i];
        bench_row_init(r);
        s = s * 1103515245u + 12345u;
        snprintf(r->variant, sizeof r->variant, "%s", variants[(s >> 16) % 3]);
        snprintf(r->run_id, sizeof r->run_id, "%s", runs[(s >> 8) % 3]);
        snprintf(r->device, sizeof r->device, "cpu");
        snprintf(r->scheme, sizeof r->scheme, "course");
        snprintf(r->tuning, sizeof r->tuning, "default");
        snprintf(r->host_memory, sizeof r->host_memory, "none");
        snprintf(r->grid_source, sizeof r->grid_source, "synthetic");
        r->nz = r->ny = r->nx = 8 + (long)((s >> 4) % 4);
        r->threads = 1 + (long)((s >> 12) % 2);
        r->timesteps = 10;
        r->rep = (long)i;
        snprintf(r->status, sizeof r->status, (s >> 20) % 7 ? "ok" : "failed:x");
        r->cell_updates_per_s = 1e6 * (double)(1 + (s >> 3) % 1000);
    }
    bench_results pts;
    stencil_error err;
    CHECK(c, bench_results_build(rows, N, &pts, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, pts.count == 3 * 4 * 2, "%zu points", pts.count);
    double *v = malloc(N * sizeof *v);
    size_t seen = 0;
    for (size_t j = 0; j < pts.count; j++) {
        const bench_result *p = &pts.p[j];
        size_t n = 0, failed = 0, first = N;
        for (size_t i = 0; i < N; i++) {
            if (!bench_result_same(&rows[i], p->row))
                continue;
            if (first == N)
                first = i;
            if (bench_row_ok(&rows[i]))
                v[n++] = rows[i].cell_updates_per_s;
            else
                failed++;
        }
        CHECK(c, p->row == &rows[first] && p->n == n && p->failed == failed, "point %zu rows", j);
        CHECK(c, j == 0 || p->row > pts.p[j - 1].row, "points in order of first appearance");
        CHECK(c, n && p->rates[0] == v[0] && p->rates[n - 1] == v[n - 1], "rates in file order");
        bench_stats st;
        bench_stats_of(v, n, &st);
        CHECK(c, st.median == bench_result_rate(p) && st.min == p->stat[BENCH_M_RATE].min &&
                     st.max == p->stat[BENCH_M_RATE].max && st.q1 <= st.median && st.median <= st.q3,
              "point %zu statistics", j);
        CHECK(c, p->nruns == 3, "point %zu: %zu runs", j, p->nruns);
        CHECK(c, bench_results_find(&pts, &rows[N - 1 - j]) < pts.count &&
                     bench_result_same(pts.p[bench_results_find(&pts, &rows[N - 1 - j])].row, &rows[N - 1 - j]) &&
                     bench_results_find(&pts, p->row) == j, "find point %zu", j);
        seen += n + failed;
    }
    CHECK(c, seen == N, "every row in one point: %zu", seen);
    bench_row other = rows[0];
    other.nz = 99;
    CHECK(c, bench_results_find(&pts, &other) == (size_t)-1, "a point not there");
    /* quartiles as numpy's default: 1..5 -> 2, 3, 4; 1..4 -> 1.75, 2.5, 3.25 */
    double a[] = {5, 1, 4, 2, 3}, b[] = {4, 3, 2, 1};
    bench_stats sa, sb;
    bench_stats_of(a, 5, &sa);
    bench_stats_of(b, 4, &sb);
    CHECK(c, sa.q1 == 2 && sa.median == 3 && sa.q3 == 4 && sb.q1 == 1.75 && sb.median == 2.5 && sb.q3 == 3.25,
          "quartiles %g %g %g / %g %g %g", sa.q1, sa.median, sa.q3, sb.q1, sb.median, sb.q3);
    free(v);
    bench_results_free(&pts);
    free(rows);
}

int main(int argc, char **argv)
{
    check_ctx c = {0, 0};
    if (argc < 3) {
        fprintf(stderr, "usage: test_timings SCHEMA.md TIMINGS.csv...\n");
        return 2;
    }
    schema_doc(&c, argv[1]);
    for (int i = 2; i < argc; i++)
        round_trip(&c, argv[i]);
    reader_checks(&c);
    grouping(&c);
    return check_finish(&c, "test_timings");
}
