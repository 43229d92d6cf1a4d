/* stencilbench model's warm-up and transfer line (bench/cli/model_support.h), with no device:
 * a fake variant replays what kernels/cuda_common.cu caches (one CUDA graph per chunk length
 * and starting buffer; a launch advances up to `sweep` steps and swaps the buffers) and the
 * test checks, for many step counts, snapshot intervals and sweeps, that every graph the timed
 * run needs was captured in the warm-up, which never runs more steps than the run; the
 * transfer line's seconds, GB/s and host memory; and the trial behind model's default on a GPU
 * (bench_model_trial), with staged variants and a clock of their own: the faster runs, each
 * candidate is prepared once and released, warmed up for the trial's chunk and uploaded before
 * its timed runs, the median of the runs counts, and a candidate that fails is passed over. */
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

/* The trial's staged candidates: each has a cost a step on the trial's clock (its runs of the
 * median rep cost that; the other reps are far off, so that only a median gives it), and a
 * prepare that may fail. */
typedef struct trial_fake {
    fake_state st;
    double per_step;
    int prepares, releases, timed, fail_prepare, threads;
} trial_fake;
static trial_fake trial_fakes[3];

static stencil_status trial_prepare(int i, const stencil_problem *p, void **state, stencil_error *err)
{
    trial_fake *f = &trial_fakes[i];
    *state = NULL;
    f->prepares++;
    f->threads = p->threads;
    if (f->fail_prepare)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "fake %d: out of device memory", i);
    memset(&f->st, 0, sizeof f->st);
    f->st.sweep = 1;
    *state = f;
    return STENCIL_OK;
}
static stencil_status prep0(const stencil_problem *p, void **s, stencil_error *e) { return trial_prepare(0, p, s, e); }
static stencil_status prep1(const stencil_problem *p, void **s, stencil_error *e) { return trial_prepare(1, p, s, e); }
static stencil_status prep2(const stencil_problem *p, void **s, stencil_error *e) { return trial_prepare(2, p, s, e); }
static void trial_release(void *state) { ((trial_fake *)state)->releases++; }
static stencil_status trial_upload(void *state, const float *f, stencil_error *e) { return fake_upload(&((trial_fake *)state)->st, f, e); }
static stencil_status trial_run(void *state, int steps, stencil_error *e) { return fake_run(&((trial_fake *)state)->st, steps, e); }
static stencil_status trial_download(void *state, float *o, stencil_error *e) { return fake_download(&((trial_fake *)state)->st, o, e); }

#define TRIAL_FAKE(label, prep, threaded)                                                                 \
    {.name = label, .device = STENCIL_GPU, .uses_threads = threaded, .available = fake_available,          \
     .prepare = prep, .upload = trial_upload, .run = trial_run, .download = trial_download,               \
     .release = trial_release}
static const stencil_variant trial_variants[3] = {TRIAL_FAKE("first", prep0, 0), TRIAL_FAKE("second", prep1, 1),
                                                  TRIAL_FAKE("third", prep2, 0)};

/* The clock: a timed run of n steps costs n x per_step on the middle one of three reps, 100x
 * that on the first and 0.01x on the last (so the median is the middle one). It also checks that
 * a timed run follows an upload and a warm-up. */
static int trial_clock_bad;
static stencil_status trial_timer(const stencil_variant *v, void *state, bench_stage what, const float *input,
                                  float *out, int steps, double *seconds, stencil_error *err)
{
    (void)v, (void)input, (void)out;
    trial_fake *f = state;
    if (what != BENCH_STAGE_RUN || f->st.uploads < 2 || f->st.downloads < 1 || steps < 1)
        trial_clock_bad++;
    stencil_status st = trial_run(state, steps, err);
    const double scale[3] = {100.0, 1.0, 0.01};
    *seconds = (double)steps * f->per_step * scale[f->timed++ % 3];
    return st;
}

static void check_trial(check_ctx *c)
{
    const stencil_problem problem = {.nz = 8, .ny = 9, .nx = 10, .k = 0.1f};
    const double costs[][3] = {{2e-5, 1e-5, 3e-5}, {1e-5, 2e-5, 3e-5}, {3e-5, 2e-5, 1e-5}};
    for (int k = 0; k < 3; k++)
        for (int fail = -1; fail < 3; fail++) {
            const stencil_variant *cands[3] = {&trial_variants[0], &trial_variants[1], &trial_variants[2]};
            memset(trial_fakes, 0, sizeof trial_fakes);
            for (int i = 0; i < 3; i++) {
                trial_fakes[i].per_step = costs[k][i];
                trial_fakes[i].fail_prepare = i == fail;
            }
            trial_clock_bad = 0;
            double per_step[3];
            char why[3][BENCH_MODEL_TRIAL_WHY];
            int best = -1;
            stencil_error err = {{0}};
            stencil_status st = bench_model_trial(cands, 3, &problem, 4, NULL, NULL, 25, 7, trial_timer, per_step,
                                                  why, &best, &err);
            int want = -1;
            for (int i = 0; i < 3; i++)
                if (i != fail && (want < 0 || costs[k][i] < costs[k][want]))
                    want = i;
            CHECK(c, st == STENCIL_OK && best == want, "costs %d, candidate %d failing: best %d (want %d), '%s'", k,
                  fail, best, want, err.msg);
            for (int i = 0; i < 3; i++) {
                const trial_fake *f = &trial_fakes[i];
                CHECK(c, f->prepares == 1 && f->releases == (i != fail), "candidate %d: %d prepares, %d releases", i,
                      f->prepares, f->releases);
                CHECK(c, f->threads == (i == 1 ? 4 : 1), "candidate %d prepared with %d threads", i, f->threads);
                if (i == fail) {
                    CHECK(c, per_step[i] < 0 && strstr(why[i], "out of device memory") != NULL,
                          "the failed candidate: %g, '%s'", per_step[i], why[i]);
                    continue;
                }
                /* the warm-up (2 chunks of 7 steps), then 3 timed runs of 7 */
                CHECK(c, f->timed == 3 && f->st.steps_run == 5 * 7 && f->st.seen[7][0] && f->st.seen[7][1],
                      "candidate %d: %d timed runs, %ld steps", i, f->timed, f->st.steps_run);
                CHECK(c, per_step[i] == costs[k][i] && why[i][0] == '\0', "candidate %d: %g a step (want the median %g)",
                      i, per_step[i], costs[k][i]);
            }
            CHECK(c, trial_clock_bad == 0, "%d timed runs without an upload and a warm-up before them",
                  trial_clock_bad);
        }
    /* every trial fails: the first failure's error */
    memset(trial_fakes, 0, sizeof trial_fakes);
    trial_fakes[0].fail_prepare = trial_fakes[1].fail_prepare = 1;
    const stencil_variant *two[2] = {&trial_variants[0], &trial_variants[1]};
    double per_step[2];
    int best = 0;
    stencil_error err = {{0}};
    stencil_status st = bench_model_trial(two, 2, &problem, 1, NULL, NULL, 3, 10, trial_timer, per_step, NULL,
                                          &best, &err);
    CHECK(c, st == STENCIL_ERR_NOMEM && best == -1 && strcmp(err.msg, "fake 0: out of device memory") == 0,
          "all fail: status %d, best %d, '%s'", (int)st, best, err.msg);
    /* the note on stderr: the pick, the rival's figure or why its trial failed, what declined */
    const stencil_variant *named[2] = {&trial_variants[0], &trial_variants[1]};
    const double secs[2] = {12.3e-6, 10.8e-6}, failed[2] = {12.3e-6, -1.0};
    char whys[2][BENCH_MODEL_TRIAL_WHY] = {"", "out of device memory"}, line[512];
    bench_model_trial_line(line, sizeof line, named, 2, secs, whys, 1, 10, "big: nx");
    CHECK(c, strcmp(line, "running second, the faster on this field in a trial (median of 3 runs of 10 steps "
                          "each, after a warm-up): 10.8 us a step against first's 12.3 (--variant picks one); "
                          "declined: big: nx") == 0,
          "trial line '%s'", line);
    bench_model_trial_line(line, sizeof line, named, 2, failed, whys, 0, 4, "");
    CHECK(c, strcmp(line, "running first, the faster on this field in a trial (median of 3 runs of 4 steps each, "
                          "after a warm-up): 12.3 us a step; second's trial failed: out of device memory "
                          "(--variant picks one)") == 0,
          "trial line with a failed rival '%s'", line);
    char small[24];
    int need = bench_model_trial_line(small, sizeof small, named, 2, secs, whys, 1, 10, "big: nx");
    CHECK(c, need > (int)sizeof small && strlen(small) == sizeof small - 1 && strncmp(small, line, 8) == 0,
          "cut to %zu bytes: '%s' (%d wanted)", sizeof small, small, need);
    /* chunks shorter than the trial's: min(steps, every, BENCH_MODEL_TRIAL_STEPS) */
    const long cases[][3] = {{3, 10, 3}, {100, 50, BENCH_MODEL_TRIAL_STEPS}, {100, 4, 4}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(trial_fakes, 0, sizeof trial_fakes);
        trial_fakes[0].per_step = 1e-6;
        st = bench_model_trial(two, 1, &problem, 1, NULL, NULL, cases[i][0], cases[i][1], trial_timer, per_step,
                               NULL, &best, &err);
        CHECK(c, st == STENCIL_OK && best == 0 && trial_fakes[0].st.steps_run == 5 * cases[i][2],
              "steps %ld every %ld: %ld steps run (want 5 x %ld)", cases[i][0], cases[i][1],
              trial_fakes[0].st.steps_run, cases[i][2]);
    }
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
    check_trial(&c);
    return check_finish(&c, "test_model_support");
}
