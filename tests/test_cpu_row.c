/* The CPU rows' store pattern and allocation (issue 19):
 * - a streamed row never mixes ordinary and non-temporal stores in one 64-byte line, and
 *   streams every whole line inside the row (both rows: stencil_row_any, stencil_counts_row),
 *   for every start offset and row length; the results equal the scalar cell's;
 * - stencil_cpu_alloc gives large arrays 2 MiB-aligned memory the kernel may back with huge
 *   pages (THPeligible in /proc/self/smaps) where transparent huge pages are "madvise".
 * tests/CMakeLists.txt builds this file twice: for the build's target and, on x86-64, for AVX2
 * (32-byte vectors, half a line: the case that mixed stores before the fix). */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* Every store through stencil_vf_store is recorded by line before it happens. */
static const float *probe_base;
static unsigned probe_streamed[64], probe_plain[64]; /* floats stored per line of out */
static void probe_store(const float *p, int stream, int lanes)
{
    size_t f = (size_t)(p - probe_base);
    for (size_t i = 0; i < (size_t)lanes; i++) {
        size_t line = (f + i) / 16;
        if (line < 64)
            (stream ? probe_streamed : probe_plain)[line]++;
    }
}
#define STENCIL_STORE_PROBE(p, stream) probe_store((p), (stream), STENCIL_LANES)

#include "cpu_counts.h"
#include "cpu_row.h"
#include "cpu_state.h"

enum { ROW_FLOATS = 64 * 16 };

/* Checks the lines of out[x0, x1) (out 64-byte aligned + off floats) after one streamed row:
 * streamed lines are whole, and every line wholly inside a row of at least min_len cells (the
 * shortest the row code streams) is streamed. */
static void check_lines(check_ctx *c, const char *what, size_t off, size_t x0, size_t x1,
                        size_t min_len)
{
    for (size_t line = 0; line < 64; line++) {
        size_t lo = line * 16, hi = lo + 16; /* floats of out, relative to the aligned base */
        int inside = x1 - x0 >= min_len && lo >= off + x0 && hi <= off + x1;
        CHECK(c, probe_streamed[line] == 0 || probe_streamed[line] == 16,
              "%s: off %zu, row [%zu, %zu): line %zu has %u streamed floats", what, off, x0, x1,
              line, probe_streamed[line]);
        CHECK(c, !(probe_streamed[line] && probe_plain[line]),
              "%s: off %zu, row [%zu, %zu): line %zu has streaming and ordinary stores", what, off,
              x0, x1, line);
        CHECK(c, !inside || probe_streamed[line] == 16,
              "%s: off %zu, row [%zu, %zu): whole line %zu not streamed", what, off, x0, x1, line);
    }
}

/* stencil_row_any's cells against the scalar cell (the macro reads in, sy, sz and k by name). */
static void check_cells(check_ctx *c, const float *in, const float *out, size_t n, size_t sy,
                        size_t sz, float k, size_t off)
{
    for (size_t x = 1; x + 1 < n; x++) {
        float want = STENCIL_CELL_COURSE(x);
        CHECK(c, memcmp(&want, &out[x], sizeof want) == 0 || (isnan(want) && isnan(out[x])),
              "stencil_row_any: off %zu, n %zu, x %zu: %g, want %g", off, n, x, (double)out[x],
              (double)want);
    }
}

static void check_rows(check_ctx *c)
{
    /* Three rows (y-1, y, y+1) of three planes, sz = 3 * sy; a few land cells. */
    const size_t sy = ROW_FLOATS, sz = 3 * sy;
    float *in = aligned_alloc(64, 9 * sy * sizeof(float));
    float *buf = aligned_alloc(64, (ROW_FLOATS + 64) * sizeof(float));
    unsigned char *cnt = aligned_alloc(64, 9 * sy);
    for (size_t i = 0; i < 9 * sy; i++) {
        in[i] = i % 37 == 5 ? NAN : (float)(i % 101) * 0.25f;
        cnt[i] = i % 37 == 5 ? STENCIL_LAND : (unsigned char)(i % 7);
    }
    for (size_t i = 0; i < 9 * sy; i++)
        if (cnt[i] == STENCIL_LAND)
            in[i] = 0.0f; /* the counts layout: land as 0 */
    const float k = 0.1f;
    const size_t lens[] = {16, 17, 23, 31, 33, 40, 47, 64, 65, 100, 255, 256, 300, 1000};
    for (size_t off = 0; off < 16; off++)
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            size_t n = lens[li];
            float *out = buf + off;
            probe_base = buf;
            /* stencil_row_any: cells [1, n-1) of a row of n */
            memset(probe_streamed, 0, sizeof probe_streamed);
            memset(probe_plain, 0, sizeof probe_plain);
            const float *row = in + 4 * sy; /* plane 1, row 1 */
            stencil_row_any(row, out, 1, n - 1, sy, sz, k, 0, 1);
            check_lines(c, "stencil_row_any", off, 1, n - 1, 2 * STENCIL_LANES);
            check_cells(c, in + 4 * sy, out, n, sy, sz, k, off);
            /* stencil_counts_row: cells [1, nx-1) */
            memset(probe_streamed, 0, sizeof probe_streamed);
            memset(probe_plain, 0, sizeof probe_plain);
            stencil_counts_row(out, row, row - sz, row + sz, cnt + 4 * sy, n, sy, k, 1, 1);
            check_lines(c, "stencil_counts_row", off, 1, n - 1, STENCIL_LANES);
            for (size_t x = 1; x + 1 < n; x++) {
                float want = stencil_counts_cell(row, row - sz, row + sz, cnt + 4 * sy, x, sy, k, 1);
                CHECK(c, memcmp(&want, &out[x], sizeof want) == 0,
                      "stencil_counts_row: off %zu, n %zu, x %zu: %g, want %g", off, n, x,
                      (double)out[x], (double)want);
            }
        }
    free(in);
    free(buf);
    free(cnt);
}

/* stencil_row_any's two paths in one row, bit for bit against the scalar cell, both schemes: a
 * sea field with a short run of land (NaN with a payload of its own, which an update must carry
 * through unchanged, as stencil_cell does, under land of another payload) in the middle row, so that vectors of all-sea
 * neighbours (the plain sum), vectors touching the land (cell by cell) and all-land vectors
 * meet in one row, at every start offset of out. */
static void check_paths(check_ctx *c)
{
    const size_t sy = ROW_FLOATS, sz = 3 * sy, n = 300;
    float *in = aligned_alloc(64, 9 * sy * sizeof(float));
    float *buf = aligned_alloc(64, (ROW_FLOATS + 64) * sizeof(float));
    const uint32_t payload = 0x7fc01234u, payload_above = 0x7fc05678u;
    float land, land_above;
    memcpy(&land, &payload, sizeof land);
    memcpy(&land_above, &payload_above, sizeof land_above);
    for (size_t i = 0; i < 9 * sy; i++)
        in[i] = 10.0f + (float)(i % 29) * 0.125f;
    const float *row = in + 4 * sy; /* plane 1, row 1 */
    for (size_t x = 100; x < 140; x++) { /* land, under land of another NaN */
        in[4 * sy + x] = land;
        in[4 * sy - sy + x] = land_above;
    }
    in[4 * sy + 7] = land; /* a lone land cell near the head */
    in[4 * sy - sy + 200] = land; /* a land neighbour from the row above */
    const float k = 0.1f;
    for (int insulated = 0; insulated < 2; insulated++)
        for (size_t off = 0; off < 16; off++) {
            float *out = buf + off;
            memset(buf, 0, (ROW_FLOATS + 64) * sizeof(float));
            stencil_row_any(row, out, 1, n - 1, sy, sz, k, insulated, off % 2);
            for (size_t x = 1; x + 1 < n; x++) {
                const float *in_ = row; /* the cell macros read in, sy, sz and k by name */
                float want;
                {
                    const float *in = in_;
                    want = insulated ? STENCIL_CELL_INSULATED(x) : STENCIL_CELL_COURSE(x);
                }
                CHECK(c, memcmp(&want, &out[x], sizeof want) == 0,
                      "stencil_row_any paths: insulated %d, off %zu, x %zu: %g, want %g", insulated,
                      off, x, (double)out[x], (double)want);
            }
        }
    free(in);
    free(buf);
}

/* The THPeligible line of the smaps entry holding p: 1, 0, or -1 when not reported. */
static int thp_eligible(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[512];
    int in_vma = 0, found = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            in_vma = (uintptr_t)p >= lo && (uintptr_t)p < hi;
            continue;
        }
        int v;
        if (in_vma && sscanf(line, "THPeligible: %d", &v) == 1) {
            found = v;
            break;
        }
    }
    fclose(f);
    return found;
}

static void check_alloc(check_ctx *c)
{
    const size_t bytes = (size_t)9 << 20;
    float *p = stencil_cpu_alloc(bytes);
    CHECK(c, p != NULL, "stencil_cpu_alloc(9 MiB) failed");
    if (!p)
        return;
    CHECK(c, (uintptr_t)p % (2u << 20) == 0, "9 MiB at %p: not 2 MiB-aligned", (void *)p);
    memset(p, 1, bytes);
    char mode[128] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f) {
        if (!fgets(mode, sizeof mode, f))
            mode[0] = 0;
        fclose(f);
    }
    int eligible = thp_eligible(p);
    if (strstr(mode, "[madvise]") || strstr(mode, "[always]"))
        CHECK(c, eligible != 0, "THP is %.*s but the fields are not eligible for huge pages",
              (int)strcspn(mode, "\n"), mode);
    else
        printf("transparent huge pages: %s; eligibility not checked\n", f ? "never" : "absent");
    free(p);
    float *small = stencil_cpu_alloc(1000);
    CHECK(c, small && (uintptr_t)small % 64 == 0, "1000 B: not 64-byte aligned");
    free(small);
}

int main(void)
{
#ifdef STENCIL_TEST_NEEDS_AVX2
    if (!__builtin_cpu_supports("avx2")) {
        printf("test_cpu_row_avx2: this CPU has no AVX2: not tested\n");
        return 77;
    }
#endif
    check_ctx c = {0};
    check_rows(&c);
    check_paths(&c);
    check_alloc(&c);
    printf("vector: %d floats\n", STENCIL_LANES);
    return check_finish(&c, "test_cpu_row");
}
