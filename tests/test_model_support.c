/* stencilbench model's warm-up and transfer line (bench/cli/model_support.h), with no device:
 * a fake variant replays what kernels/cuda_common.cu caches (one CUDA graph per chunk length
 * and starting buffer; a launch advances up to `sweep` steps and swaps the buffers) and the
 * test checks, for many step counts, snapshot intervals and sweeps, that every graph the timed
 * run needs was captured in the warm-up, which never runs more steps than the run; and the
 * transfer line's seconds, GB/s and host memory. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli/model_support.h"

enum { SEEN_MAX = 64 };

typedef struct fake_state {
    int sweep, cur, uploads, downloads;
    long steps_run;
    int seen[SEEN_MAX][2]; /* seen[len][first buffer]: a run of len started there */
} fake_state;

static int fake_available(char *why, size_t len)
{
    (void)why, (void)len;
    return 1;
}

static stencil_status fake_upload(void *state, const float *field, stencil_error *err)
{
    (void)field, (void)err;
    fake_state *s = state;
    s->cur = 0;
    s->uploads++;
    return STENCIL_OK;
}

static stencil_status fake_run(void *state, int steps, stencil_error *err)
{
    fake_state *s = state;
    if (steps < 1 || steps >= SEEN_MAX)
        return stencil_fail(err, STENCIL_ERR_ARG, "run of %d steps", steps);
    s->seen[steps][s->cur] = 1;
    s->cur ^= ((steps + s->sweep - 1) / s->sweep) & 1;
    s->steps_run += steps;
    return STENCIL_OK;
}

static stencil_status fake_download(void *state, float *out, stencil_error *err)
{
    (void)out, (void)err;
    ((fake_state *)state)->downloads++;
    return STENCIL_OK;
}

static const stencil_variant fake = {.name = "fake_gpu", .device = STENCIL_GPU, .available = fake_available,
                                     .upload = fake_upload, .run = fake_run, .download = fake_download};

/* Warms up as the model does, then replays the model's timed schedule and checks each chunk
 * finds its graph. */
static void check_schedule(check_ctx *c, long steps, long every, int sweep)
{
    fake_state s;
    memset(&s, 0, sizeof s);
    s.sweep = sweep;
    stencil_error err = {{0}};
    long warm = -1;
    float field = 0, out = 0;
    stencil_status st = bench_model_warm_up(&fake, &s, &field, &out, steps, every, &warm, &err);
    CHECK(c, st == STENCIL_OK, "steps %ld every %ld: %s", steps, every, err.msg);
    CHECK(c, warm == s.steps_run && warm <= steps + steps % every &&
                 warm >= (steps < every ? steps : every),
          "steps %ld every %ld sweep %d: warm-up of %ld steps (ran %ld)", steps, every, sweep, warm,
          s.steps_run);
    CHECK(c, s.uploads >= 1 && s.downloads == 1, "steps %ld every %ld: %d uploads, %d downloads",
          steps, every, s.uploads, s.downloads);
    int seen[SEEN_MAX][2];
    memcpy(seen, s.seen, sizeof seen);
    fake_upload(&s, &field, &err);
    for (long done = 0; done < steps;) {
        int n = (int)(steps - done < every ? steps - done : every);
        CHECK(c, seen[n][s.cur], "steps %ld every %ld sweep %d: the chunk of %d steps at step %ld "
              "(buffer %d) was not warmed up", steps, every, sweep, n, done, s.cur);
        fake_run(&s, n, &err);
        done += n;
    }
}

static int plan_is(long steps, long every, const long *want, int n)
{
    long lens[BENCH_MODEL_WARMUP_RUNS];
    return bench_model_warmup_plan(steps, every, lens) == n && memcmp(lens, want, (size_t)n * sizeof *want) == 0;
}

static void check_plan(check_ctx *c)
{
    /* 0: an upload */
    CHECK(c, plan_is(100, 10, (const long[]){0, 10, 10}, 3), "100 steps every 10");
    CHECK(c, plan_is(105, 10, (const long[]){0, 10, 10, 5, 0, 10, 5}, 7), "105 steps every 10");
    CHECK(c, plan_is(25, 10, (const long[]){0, 10, 10, 5}, 4), "25 steps every 10");
    CHECK(c, plan_is(15, 10, (const long[]){0, 10, 5}, 3), "15 steps every 10");
    CHECK(c, plan_is(7, 10, (const long[]){0, 7}, 2), "7 steps every 10");
    CHECK(c, plan_is(10, 10, (const long[]){0, 10}, 2), "10 steps every 10");
    /* runs cut to BENCH_MODEL_WARMUP_MAX (1000) steps; a remainder is shorter than a chunk */
    CHECK(c, plan_is(100000000, 100000000, (const long[]){0, 1000}, 2), "1e8 steps in one chunk");
    CHECK(c, plan_is(10000, 3000, (const long[]){0, 1000, 1000, 1000, 0, 1000, 1000}, 7), "10000 steps every 3000");
    CHECK(c, plan_is(2500, 2000, (const long[]){0, 1000, 500}, 3), "2500 steps every 2000");
    CHECK(c, plan_is(17500, 5000, (const long[]){0, 1000, 1000, 1000, 0, 1000, 1000}, 7), "17500 steps every 5000");
    long lens[BENCH_MODEL_WARMUP_RUNS];
    CHECK(c, bench_model_warmup_plan(0, 10, lens) == 0 && bench_model_warmup_plan(5, 0, lens) == 0,
          "no steps or no interval: no warm-up");
}

static void check_line(check_ctx *c)
{
    char line[512];
    /* 4 MiB up in 1 ms, 3 downloads of 4 MiB in 0.5 ms */
    bench_model_transfer_line(line, sizeof line, "cuda_x", 0.001, 0.0005, 3, 4194304,
                              "pinned host memory");
    CHECK(c, strcmp(line, "cuda_x transfers: host->device 0.001 seconds (4.19 GB/s), device->host "
                          "0.0005 seconds for 3 downloads of 4.0 MiB (25.2 GB/s), pinned host memory.") == 0,
          "got '%s'", line);
    bench_model_transfer_line(line, sizeof line, "cuda_x", 0, 0.25, 1, 1048576,
                              "pageable host memory (no pinned memory: out of page-locked host memory)");
    CHECK(c, strstr(line, "host->device 0 seconds (- GB/s)") != NULL, "a zero time: '%s'", line);
    CHECK(c, strstr(line, "for 1 download of 1.0 MiB (0.00419 GB/s)") != NULL, "one download: '%s'", line);
    CHECK(c, strstr(line, ", pageable host memory (no pinned memory: out of page-locked host memory).") != NULL,
          "the memory note: '%s'", line);
}

int main(void)
{
    check_ctx c = {0, 0};
    check_plan(&c);
    for (long steps = 1; steps <= 40; steps++)
        for (long every = 1; every <= 12; every++)
            for (int sweep = 1; sweep <= 4; sweep++)
                check_schedule(&c, steps, every, sweep);
    check_line(&c);
    return check_finish(&c, "test_model_support");
}
