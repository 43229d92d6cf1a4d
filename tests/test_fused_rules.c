/* openmp_fused's default sweep depth and block rows for the cache layouts it was measured on
 * (kernels/openmp_fused.c, README issue 19): many threads on one shared cache block for the
 * core's own L2, few for their share of the shared cache; the knobs override both. */
#include "check.h"
#include "cpu_counts.h"

enum { MIB = 1 << 20 };

static stencil_problem cube(size_t n, int threads, size_t largest, int instances, size_t l2)
{
    stencil_problem p = {.nz = n, .ny = n, .nx = n, .k = 0.1f, .threads = threads};
    p.cache_bytes = largest;
    p.cache_instances = instances;
    p.core_cache_bytes = l2;
    return p;
}

int main(void)
{
    check_ctx c = {0, 0};
    /* The H200's Xeon host: 16 threads on one 300 MiB L3, 2 MiB L2 a core. 512^3: slabs of 31
     * planes keep 2 steps a sweep; half the L2 over 36 B a cell of 512 is 56 rows (64-row
     * blocks ran 1.34x the single-sweep limit there, whole planes 1.02x). */
    stencil_problem xeon = cube(512, 16, 300u * MIB, 1, 2u * MIB);
    CHECK(&c, stencil_fused_sweep_steps(&xeon) == 2, "xeon 512^3: %d steps", stencil_fused_sweep_steps(&xeon));
    CHECK(&c, stencil_fused_block_rows(&xeon) == MIB / (36 * 512), "xeon 512^3: %zu rows",
          stencil_fused_block_rows(&xeon));
    xeon = cube(256, 16, 300u * MIB, 1, 2u * MIB); /* 128 MiB of fields: in the L3, 2 steps */
    CHECK(&c, stencil_fused_block_rows(&xeon) == MIB / (36 * 256), "xeon 256^3: %zu rows",
          stencil_fused_block_rows(&xeon));
    /* The same host with 4 threads: a quarter of a thread's 75 MiB share, whole planes. */
    xeon = cube(512, 4, 300u * MIB, 1, 2u * MIB);
    CHECK(&c, stencil_fused_sweep_steps(&xeon) == 4, "xeon 4 threads: %d steps", stencil_fused_sweep_steps(&xeon));
    CHECK(&c, stencil_fused_block_rows(&xeon) == 300u * MIB / 16 / (60 * 512), "xeon 4 threads: %zu rows",
          stencil_fused_block_rows(&xeon));

    /* The 2-core Zen 4 VM: 2 threads on one 32 MiB L3 (1 MiB L2): 4 steps out of cache, blocks
     * from a quarter of a thread's 16 MiB; at 256^3 that is more than a plane's 254 rows. */
    stencil_problem zen = cube(256, 2, 32u * MIB, 1, 1u * MIB);
    CHECK(&c, stencil_fused_sweep_steps(&zen) == 4, "zen 256^3: %d steps", stencil_fused_sweep_steps(&zen));
    CHECK(&c, stencil_fused_block_rows(&zen) >= 254, "zen 256^3: %zu rows", stencil_fused_block_rows(&zen));
    zen = cube(512, 2, 32u * MIB, 1, 1u * MIB);
    CHECK(&c, stencil_fused_block_rows(&zen) == 4u * MIB / (60 * 512), "zen 512^3: %zu rows",
          stencil_fused_block_rows(&zen));
    zen = cube(128, 2, 32u * MIB, 1, 1u * MIB); /* 16 MiB of fields: in the L3, 2 steps */
    CHECK(&c, stencil_fused_sweep_steps(&zen) == 2, "zen 128^3: %d steps", stencil_fused_sweep_steps(&zen));

    /* 48 threads over 16 L3s of 16 MiB (an EPYC 7552): 3 a cache, so the shared-cache rule. */
    stencil_problem epyc = cube(512, 48, 16u * MIB, 16, MIB / 2);
    CHECK(&c, stencil_fused_block_rows(&epyc) == 16u * MIB / (4 * 3) / (36 * 512), "epyc: %zu rows",
          stencil_fused_block_rows(&epyc));
    /* A crowded cache with an unknown L2 falls back to the shared-cache rule. */
    stencil_problem no_l2 = cube(512, 16, 300u * MIB, 1, 0);
    CHECK(&c, stencil_fused_block_rows(&no_l2) == 300u * MIB / (4 * 16) / (36 * 512), "no l2: %zu rows",
          stencil_fused_block_rows(&no_l2));
    /* No cache known: 2 steps and blocks of about 16384 cells a plane. */
    stencil_problem none = cube(512, 16, 0, 0, 0);
    CHECK(&c, stencil_fused_sweep_steps(&none) == 2 && stencil_fused_block_rows(&none) == 16384 / 512,
          "unknown caches: %d steps, %zu rows", stencil_fused_sweep_steps(&none), stencil_fused_block_rows(&none));
    /* The knobs win. */
    xeon = cube(512, 16, 300u * MIB, 1, 2u * MIB);
    xeon.tuning.tile_y = 200;
    xeon.tuning.steps_per_sweep = 3;
    CHECK(&c, stencil_fused_block_rows(&xeon) == 200 && stencil_fused_sweep_steps(&xeon) == 3,
          "knobs: %zu rows, %d steps", stencil_fused_block_rows(&xeon), stencil_fused_sweep_steps(&xeon));
    return check_finish(&c, "test_fused_rules");
}
