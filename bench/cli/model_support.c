/* stencilbench model: the warm-up, the transfer line, the snapshot ring, the trial and the
 * prediction's attributes (model_support.h). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/model_support.h"
#include "stencilbench_version.h"

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

long bench_model_trial_steps(long steps, long every)
{
    const long len = steps < every ? steps : every;
    return len < BENCH_MODEL_TRIAL_STEPS ? len : BENCH_MODEL_TRIAL_STEPS;
}

int bench_model_trial_line(char *buf, size_t len, const stencil_variant *const *candidates, int n,
                           const double *per_step, char (*why)[BENCH_MODEL_TRIAL_WHY], int best,
                           long run_steps, const char *declined)
{
    size_t at = 0;
    int total = 0;
#define TRIAL_PUT(...)                                                              \
    do {                                                                            \
        int w = snprintf(buf + at, len > at ? len - at : 0, __VA_ARGS__);           \
        if (w > 0) {                                                                \
            total += w;                                                             \
            at = at + (size_t)w < len ? at + (size_t)w : (len ? len - 1 : 0);       \
        }                                                                           \
    } while (0)
    TRIAL_PUT("running %s, the faster on this field in a trial (median of %d runs of %ld steps each, "
              "after a warm-up): %.4g us a step", candidates[best]->name, BENCH_MODEL_TRIAL_REPS, run_steps,
              per_step[best] * 1e6);
    for (int i = 0; i < n; i++) {
        if (i == best)
            continue;
        if (per_step[i] < 0)
            TRIAL_PUT("; %s's trial failed: %s", candidates[i]->name, why ? why[i] : "");
        else
            TRIAL_PUT(" against %s's %.4g", candidates[i]->name, per_step[i] * 1e6);
    }
    TRIAL_PUT(" (--variant picks one)%s%s", declined && declined[0] ? "; declined: " : "",
              declined ? declined : "");
#undef TRIAL_PUT
    return total;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One candidate's trial: its median seconds a step into *per_step. */
static stencil_status trial_one(const stencil_variant *v, const stencil_problem *problem, int threads,
                                const float *input, float *out, long len, bench_model_timer_fn timer,
                                double *per_step, stencil_error *err)
{
    stencil_problem p = *problem;
    p.threads = v->uses_threads ? threads : 1;
    void *state = NULL;
    long warm = 0;
    double t[BENCH_MODEL_TRIAL_REPS];
    stencil_status st = v->prepare(&p, &state, err);
    if (st != STENCIL_OK)
        return st;
    st = bench_model_warm_up(v, state, input, out, 2 * len, len, &warm, err);
    if (st == STENCIL_OK)
        st = v->upload(state, input, err);
    for (int r = 0; r < BENCH_MODEL_TRIAL_REPS && st == STENCIL_OK; r++) {
        st = timer(v, state, BENCH_STAGE_RUN, input, out, (int)len, &t[r], err);
        t[r] /= (double)len;
    }
    v->release(state);
    if (st == STENCIL_OK) {
        qsort(t, BENCH_MODEL_TRIAL_REPS, sizeof t[0], by_value);
        *per_step = t[BENCH_MODEL_TRIAL_REPS / 2];
    }
    return st;
}

stencil_status bench_model_trial(const stencil_variant *const *candidates, int n,
                                 const stencil_problem *problem, int threads, const float *input,
                                 float *out, long steps, long every, bench_model_timer_fn timer,
                                 double *per_step, char (*why)[BENCH_MODEL_TRIAL_WHY], int *best,
                                 stencil_error *err)
{
    const long len = bench_model_trial_steps(steps, every);
    if (n < 1 || len < 1)
        return stencil_fail(err, STENCIL_ERR_ARG, "a trial needs a candidate and a step (got %d, %ld)",
                            n, len);
    stencil_error first = {{0}};
    stencil_status first_st = STENCIL_OK;
    *best = -1;
    for (int i = 0; i < n; i++) {
        stencil_error e = {{0}};
        stencil_status st = trial_one(candidates[i], problem, threads, input, out, len, timer,
                                      &per_step[i], &e);
        if (why)
            snprintf(why[i], BENCH_MODEL_TRIAL_WHY, "%s", st == STENCIL_OK ? "" : e.msg);
        if (st != STENCIL_OK) {
            per_step[i] = -1.0;
            if (first_st == STENCIL_OK) {
                first_st = st;
                first = e;
            }
            continue;
        }
        if (*best < 0 || per_step[i] < per_step[*best])
            *best = i;
    }
    if (*best >= 0)
        return STENCIL_OK;
    *err = first;
    return first_st;
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

size_t bench_model_ring_budget_of(unsigned long long avail_bytes)
{
    const unsigned long long quarter = avail_bytes / 4;
    return quarter < BENCH_MODEL_RING_BUDGET_MAX ? (size_t)quarter : BENCH_MODEL_RING_BUDGET_MAX;
}

size_t bench_model_ring_budget(void)
{
    long pages = -1;
#ifdef _SC_AVPHYS_PAGES
    pages = sysconf(_SC_AVPHYS_PAGES);
#endif
#ifdef _SC_PHYS_PAGES
    if (pages <= 0)
        pages = sysconf(_SC_PHYS_PAGES);
#endif
    const long page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return bench_model_ring_budget_of(0);
    return bench_model_ring_budget_of((unsigned long long)pages * (unsigned long long)page);
}

int bench_model_ring_slots(size_t snapshots, size_t field_bytes, size_t budget, int threaded)
{
    if (!threaded)
        return 1;
    size_t n = snapshots > 1 ? snapshots - 1 : 1;
    if (field_bytes > 0 && n > budget / field_bytes)
        n = budget / field_bytes;
    if (n > BENCH_MODEL_RING_CAP)
        n = BENCH_MODEL_RING_CAP;
    if (n < BENCH_MODEL_RING_MIN_THREADED)
        n = BENCH_MODEL_RING_MIN_THREADED;
    return (int)n;
}

/* Slots are used in turn: snapshot number i (counting submits) sits in slot i % n. The writer
 * holds `written` of the `filled` submitted; slot filled % n is free while filled - written < n. */
struct bench_model_ring {
    float **slot; /* n each */
    size_t *snap;
    int n, threaded, stopping, closing;
    unsigned long filled, written;
    bench_model_put_fn put;
    void *ctx;
    stencil_status failed;
    stencil_error err;
    pthread_t writer;
    pthread_mutex_t mu;
    pthread_cond_t changed; /* filled, written, failed, stopping or closing changed */
};

static void ring_free(bench_model_ring *r)
{
    free(r->slot);
    free(r->snap);
    free(r);
}

static void *ring_writer(void *arg)
{
    bench_model_ring *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (r->written == r->filled && !r->stopping && !r->closing)
            pthread_cond_wait(&r->changed, &r->mu);
        if (r->stopping || r->written == r->filled)
            break;
        const int i = (int)(r->written % (unsigned long)r->n);
        pthread_mutex_unlock(&r->mu);
        stencil_error e = {{0}};
        stencil_status st = r->put(r->ctx, r->snap[i], r->slot[i], &e);
        pthread_mutex_lock(&r->mu);
        if (st != STENCIL_OK) {
            r->failed = st;
            r->err = e;
        } else {
            r->written++;
        }
        pthread_cond_broadcast(&r->changed);
        if (st != STENCIL_OK)
            break;
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

stencil_status bench_model_ring_start(float *const *slots, int n, int threaded,
                                      bench_model_put_fn put, void *ctx, bench_model_ring **out,
                                      stencil_error *err)
{
    *out = NULL;
    const int least = threaded ? BENCH_MODEL_RING_MIN_THREADED : 1;
    if (n < least || n > BENCH_MODEL_RING_CAP)
        return stencil_fail(err, STENCIL_ERR_ARG, "a snapshot ring of %d slots (%s): want %d to %d",
                            n, threaded ? "threaded" : "not threaded", least, BENCH_MODEL_RING_CAP);
    bench_model_ring *r = calloc(1, sizeof *r);
    if (r) {
        r->slot = malloc((size_t)n * sizeof *r->slot);
        r->snap = calloc((size_t)n, sizeof *r->snap);
    }
    if (!r || !r->slot || !r->snap) {
        if (r)
            ring_free(r);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for a snapshot ring of %d slots", n);
    }
    memcpy(r->slot, slots, (size_t)n * sizeof *slots);
    r->n = n;
    r->threaded = threaded;
    r->put = put;
    r->ctx = ctx;
    if (!threaded) {
        *out = r;
        return STENCIL_OK;
    }
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->changed, NULL);
    /* The writer starts with the stop signals blocked: they reach the loop's thread, which
     * checks the flag between chunks. */
    sigset_t stops, old;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stops, &old);
    int rc = pthread_create(&r->writer, NULL, ring_writer, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_cond_destroy(&r->changed);
        pthread_mutex_destroy(&r->mu);
        ring_free(r);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "cannot start the snapshot writer thread: %s",
                            strerror(rc));
    }
    *out = r;
    return STENCIL_OK;
}

/* Threaded, under r->mu: the slots neither queued nor being written. */
static int ring_free_locked(const bench_model_ring *r)
{
    return r->n - (int)(r->filled - r->written);
}

int bench_model_ring_free(bench_model_ring *r)
{
    if (!r->threaded)
        return 1;
    pthread_mutex_lock(&r->mu);
    const int n = ring_free_locked(r);
    pthread_mutex_unlock(&r->mu);
    return n;
}

stencil_status bench_model_ring_acquire(bench_model_ring *r, float **slot, stencil_error *err)
{
    *slot = NULL;
    if (!r->threaded) {
        if (r->failed != STENCIL_OK) {
            *err = r->err;
            return r->failed;
        }
        *slot = r->slot[0];
        return STENCIL_OK;
    }
    pthread_mutex_lock(&r->mu);
    while (r->failed == STENCIL_OK && ring_free_locked(r) == 0)
        pthread_cond_wait(&r->changed, &r->mu);
    stencil_status st = r->failed;
    if (st != STENCIL_OK)
        *err = r->err;
    else
        *slot = r->slot[r->filled % (unsigned long)r->n];
    pthread_mutex_unlock(&r->mu);
    return st;
}

void bench_model_ring_submit(bench_model_ring *r, size_t snap)
{
    if (!r->threaded) {
        if (r->failed == STENCIL_OK && !r->stopping)
            r->failed = r->put(r->ctx, snap, r->slot[0], &r->err);
        return;
    }
    pthread_mutex_lock(&r->mu);
    r->snap[r->filled % (unsigned long)r->n] = snap;
    r->filled++;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->mu);
}

void bench_model_ring_stop(bench_model_ring *r)
{
    if (!r->threaded) {
        r->stopping = 1;
        return;
    }
    pthread_mutex_lock(&r->mu);
    r->stopping = 1;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->mu);
}

stencil_status bench_model_ring_finish(bench_model_ring *r, stencil_error *err)
{
    if (!r)
        return STENCIL_OK;
    if (r->threaded) {
        pthread_mutex_lock(&r->mu);
        r->closing = 1;
        pthread_cond_broadcast(&r->changed);
        pthread_mutex_unlock(&r->mu);
        pthread_join(r->writer, NULL);
        pthread_cond_destroy(&r->changed);
        pthread_mutex_destroy(&r->mu);
    }
    stencil_status st = r->failed;
    if (st != STENCIL_OK)
        *err = r->err;
    ring_free(r);
    return st;
}

stencil_status bench_model_describe(io_writer *w, const bench_model_args *a, const io_dataset *ds,
                                    size_t snapshots, stencil_error *err)
{
    char input_time[160] = "";
    const io_axis *time = &ds->axes[IO_AXIS_TIME];
    if (time->values)
        io_time_text(time->values[a->time_index], time->units, input_time, sizeof input_time);
    char title[IO_TEXT_LEN + 64] = "", history[512];
    snprintf(history, sizeof history, "stencilbench %s model --variant %s --steps %ld "
             "--save-every %ld --scheme %s --k %g --time-index %ld --var %s", STENCILBENCH_VERSION,
             a->v->name, a->steps, a->save_every, stencil_scheme_name(a->scheme), a->k,
             a->time_index, a->var);
    const char *text[][3] = {
        {NULL, "Conventions", "CF-1.8"},
        {NULL, "title", "stencilbench diffusion model prediction"},
        {NULL, "source", "stencilbench model: 3-D masked 7-point Jacobi diffusion of the input field"},
        {NULL, "history", history},
        {NULL, "stencilbench_version", STENCILBENCH_VERSION},
        {NULL, "variant", a->v->name},
        {NULL, "device", a->v->device == STENCIL_GPU ? "gpu" : "cpu"},
        {NULL, "scheme", stencil_scheme_name(a->scheme)},
        {NULL, "input_file", a->input},
        {NULL, "input_variable", a->var},
        {NULL, "input_time", input_time},
        {NULL, "input_title", title},
        /* Not a CF time coordinate (no axis T, no time units): k is dimensionless, so a step
         * has no physical duration. The input's date is the global input_time. */
        {"step", "long_name", "model timesteps completed"},
        {"step", "units", "1"},
        {"step", "comment", "step 0 is the input field (its date: the global attribute input_time); "
                            "a timestep has no physical duration (k is dimensionless)"},
        {a->var, "units", ds->units},
        {a->var, "standard_name", ds->standard_name},
        {a->var, "long_name", ds->long_name},
    };
    /* The input's title, and whether it was synthetic, travel with the prediction. */
    int natts = io_dataset_global_count(ds), synthetic = 0;
    for (int i = 0; i < natts; i++) {
        char name[IO_NAME_LEN], value[IO_TEXT_LEN];
        if (io_dataset_global(ds, i, name, sizeof name, value, sizeof value, err) != STENCIL_OK)
            continue;
        if (strcmp(name, "title") == 0)
            snprintf(title, sizeof title, "%s", value);
        if (strcmp(name, "synthetic") == 0 && strcmp(value, "true") == 0)
            synthetic = 1;
    }
    stencil_status st = STENCIL_OK;
    for (size_t i = 0; i < sizeof text / sizeof text[0] && st == STENCIL_OK; i++)
        if (text[i][2][0])
            st = io_writer_text(w, text[i][0], text[i][1], text[i][2], err);
    if (st == STENCIL_OK && synthetic)
        st = io_writer_text(w, NULL, "synthetic", "true", err);
    if (st == STENCIL_OK)
        st = io_writer_double(w, NULL, "k", a->k, err);
    if (st == STENCIL_OK)
        st = io_writer_int(w, NULL, "steps", a->steps, err);
    if (st == STENCIL_OK)
        st = io_writer_int(w, NULL, "save_every", a->save_every, err);
    if (st == STENCIL_OK)
        st = io_writer_int(w, NULL, "input_time_index", a->time_index, err);
    if (st == STENCIL_OK)
        st = io_writer_int(w, NULL, "snapshots", (long long)snapshots, err);
    return st;
}
