/* stencilbench model: the warm-up and the transfer line (model_support.h). */
#include <stdio.h>

#include "cli/model_support.h"

int bench_model_warmup_plan(long steps, long every, long lens[BENCH_MODEL_WARMUP_RUNS])
{
    if (steps < 1 || every < 1)
        return 0;
    const long full = steps / every, rest = steps % every;
    const long chunk = every < BENCH_MODEL_WARMUP_MAX ? every : BENCH_MODEL_WARMUP_MAX;
    int n = 0;
    lens[n++] = 0;
    for (long i = 0; i < full && i < 2; i++)
        lens[n++] = chunk;
    if (rest > 0)
        lens[n++] = rest < chunk ? rest : chunk;
    if (rest > 0 && full > 2) { /* it ran from the first buffer; now from chunk 1's */
        lens[n++] = 0;
        lens[n++] = chunk;
        lens[n++] = rest < chunk ? rest : chunk;
    }
    return n;
}

stencil_status bench_model_warm_up(const stencil_variant *v, void *state, const float *input,
                                   float *out, long steps, long every, long *warm_steps,
                                   stencil_error *err)
{
    long lens[BENCH_MODEL_WARMUP_RUNS];
    const int n = bench_model_warmup_plan(steps, every, lens);
    stencil_status st = STENCIL_OK;
    *warm_steps = 0;
    for (int i = 0; i < n && st == STENCIL_OK; i++) {
        if (lens[i] == 0) {
            st = v->upload(state, input, err);
            continue;
        }
        st = v->run(state, (int)lens[i], err);
        if (st == STENCIL_OK)
            *warm_steps += lens[i];
    }
    if (st == STENCIL_OK && n > 0)
        st = v->download(state, out, err);
    return st;
}

static void rate(char *buf, size_t len, double bytes, double seconds)
{
    if (seconds > 0)
        snprintf(buf, len, "%.3g GB/s", bytes / seconds / 1e9);
    else
        snprintf(buf, len, "- GB/s");
}

int bench_model_transfer_line(char *buf, size_t len, const char *variant, double h2d_s,
                              double d2h_s, size_t downloads, size_t field_bytes,
                              const char *memory)
{
    char up[32], down[32];
    rate(up, sizeof up, (double)field_bytes, h2d_s);
    rate(down, sizeof down, (double)field_bytes * (double)downloads, d2h_s);
    return snprintf(buf, len, "%s transfers: host->device %.6g seconds (%s), device->host %.6g "
                    "seconds for %zu download%s of %.1f MiB (%s), %s.", variant, h2d_s, up, d2h_s,
                    downloads, downloads == 1 ? "" : "s", (double)field_bytes / 1048576.0, down,
                    memory);
}
