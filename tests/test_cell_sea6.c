/* The division-free update of an all-sea cell (stencil_sea6_*, kernels/stencil_cell.h), which
 * the CUDA tiles take for cells whose six neighbours are sea: stencil_div6 against IEEE x / 6
 * for every one of the 2^32 floats, and stencil_sea6_finish against stencil_cell on random and
 * near-cancelling cells, signed zeros and overflowing ones in both schemes. `test_cell_sea6
 * --quick` checks every 64th float. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "stencil_cell.h"

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Every float (every `stride`-th): where ok() holds, div6 must equal x / 6 exactly. */
static void test_div6_exhaustive(check_ctx *c, uint32_t stride)
{
    long long tested = 0, wrong = 0, below = 0, below_differ = 0;
    uint32_t first_wrong = 0;
#pragma omp parallel for reduction(+ : tested, wrong, below, below_differ) schedule(static)
    for (long long i = 0; i < (1LL << 32); i += stride) {
        const float x = from_bits((uint32_t)i);
        if (isnan(x))
            continue;
        const volatile float ref = x / 6.0f;
        const float got = stencil_div6(x);
        if (stencil_sea6_ok(x)) {
            tested++;
            if (bits(got) != bits(ref)) {
                wrong++;
#pragma omp critical
                first_wrong = (uint32_t)i;
            }
        } else {
            below++;
            below_differ += bits(got) != bits(ref);
        }
    }
    printf("div6: %lld floats with |x| >= 2^-125, %lld differ from x / 6; %lld below (sent to "
           "stencil_cell), %lld of them would differ\n",
           tested, wrong, below, below_differ);
    CHECK(c, tested > (stride == 1 ? 4000000000LL : 60000000LL), "%lld floats tested", tested);
    CHECK(c, wrong == 0, "%lld wrong, e.g. x = %a", wrong, (double)from_bits(first_wrong));
    CHECK(c, !stencil_sea6_ok(NAN) && !stencil_sea6_ok(0.0f) && !stencil_sea6_ok(-0.0f) &&
                 stencil_sea6_ok(0x1p-125f) && !stencil_sea6_ok(0x1.fffffep-126f) &&
                 stencil_sea6_ok(-0x1.fffffep127f) && !stencil_sea6_ok(INFINITY) &&
                 !stencil_sea6_ok(-INFINITY),
          "ok() at its edges");
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint32_t next_u32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static float uniform(float lo, float hi) { return lo + (hi - lo) * (float)(next_u32() >> 8) / 16777216.0f; }

/* Random sea cells (temperatures, wide magnitudes, near-cancelling sums): where ok() holds,
 * c + div6(x) equals stencil_cell bit for bit in both schemes. */
static void test_cells(check_ctx *c)
{
    long long fast = 0, slow = 0, wrong = 0;
    for (int i = 0; i < 4000000; i++) {
        float v[7];
        const int kind = i % 6;
        for (int j = 0; j < 7; j++)
            v[j] = kind == 0   ? uniform(-2.0f, 32.0f)
                   : kind == 1 ? ldexpf(uniform(-1.0f, 1.0f), (int)(next_u32() % 200) - 100)
                   : kind == 2 ? 10.0f + ldexpf(uniform(-1.0f, 1.0f), -(int)(next_u32() % 30))
                   : kind == 3 ? from_bits(next_u32() & 0xbeffffffu) /* any magnitude below 0.5, subnormals too */
                   : kind == 4 ? (next_u32() % 8 == 0 ? uniform(-1.0f, 1.0f) /* signed zeros */
                                                      : next_u32() % 2 ? -0.0f : 0.0f)
                               : ldexpf(uniform(-1.0f, 1.0f), 127); /* sums overflow */
        if (kind == 2 && i % 8 == 2)
            for (int j = 1; j < 7; j++)
                v[j] = v[0]; /* uniform: x = 0 */
        const float k = i % 3 == 0 ? 0.1f : uniform(0.0f, 1.0f);
        const float x = stencil_sea6_update(v[0], v[1], v[2], v[3], v[4], v[5], v[6], k);
        if (!stencil_sea6_ok(x)) {
            slow++;
            continue;
        }
        fast++;
        const float got = stencil_sea6_finish(v[0], x);
        for (int ins = 0; ins <= 1; ins++) {
            const float ref = stencil_cell(v[0], v[1], v[2], v[3], v[4], v[5], v[6], k, ins);
            if (bits(got) != bits(ref) && !(got != got && ref != ref)) {
                if (wrong < 5)
                    fprintf(stderr, "c=%a x=%a: %a against stencil_cell %a (scheme %d)\n",
                            (double)v[0], (double)x, (double)got, (double)ref, ins);
                wrong++;
            }
        }
    }
    printf("cells: %lld on the fast path, %lld sent to stencil_cell, %lld differ\n", fast, slow, wrong);
    /* all six neighbours -0: the sum from zm is -0, stencil_cell's +0; the same cell either way */
    for (int ins = 0; ins <= 1; ins++)
        for (int cz = 0; cz < 3; cz++) {
            const float cv = cz == 0 ? 0.0f : cz == 1 ? -0.0f : 3.5f, m = -0.0f;
            const float x = stencil_sea6_update(cv, m, m, m, m, m, m, 0.25f);
            const float ref = stencil_cell(cv, m, m, m, m, m, m, 0.25f, ins);
            const float got = stencil_sea6_ok(x) ? stencil_sea6_finish(cv, x) : ref;
            CHECK(c, bits(got) == bits(ref), "c=%a, six -0 neighbours: %a against %a", (double)cv,
                  (double)got, (double)ref);
        }
    CHECK(c, fast > 2500000 && slow > 10000, "both paths taken (%lld fast, %lld slow)", fast, slow);
    CHECK(c, wrong == 0, "%lld cells differ from stencil_cell", wrong);
    /* a land neighbour or a land cell never takes the fast path */
    CHECK(c, !stencil_sea6_ok(stencil_sea6_update(1.0f, NAN, 2, 3, 4, 5, 6, 0.1f)), "land neighbour");
    CHECK(c, !stencil_sea6_ok(stencil_sea6_update(NAN, 1, 2, 3, 4, 5, 6, 0.1f)), "land cell");
}

int main(int argc, char **argv)
{
    check_ctx c = {0, 0};
    const int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    test_div6_exhaustive(&c, quick ? 64u : 1u);
    test_cells(&c);
    return check_finish(&c, "test_cell_sea6");
}
