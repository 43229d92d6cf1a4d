/* stencilbench model's snapshot ring (bench/cli/model_support.h), with fake snapshots and a fake
 * writer, no clock: threaded, snapshot 1 is written on another thread, which holds no stop
 * signal, while snapshot 2 is downloaded into the other slot (the fake writer of snapshot 1
 * waits until snapshot 2 has been handed over: a loop that writes before the next chunk would
 * never get there, and the test says so instead of hanging); every snapshot reaches the writer
 * once, in order, with its bytes; a failed write stops the loop with its status and message;
 * stop drops what is queued and finish writes what is; inline, everything happens on the
 * caller's thread in the same order. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli/model_support.h"

enum { CELLS = 64, MAX_PUTS = 64 };

typedef struct fake_writer {
    pthread_mutex_t mu;
    pthread_cond_t changed;
    pthread_t caller;
    size_t order[MAX_PUTS];
    int entered, puts, on_caller, stop_signals_held, bad_bytes;
    size_t fail_at;      /* put of this snapshot fails (0: none) */
    size_t hold;         /* put of this snapshot waits until `released` */
    int released;        /* set by the test */
    size_t submitted;    /* the last snapshot handed over */
    size_t wait_for;     /* put of `hold` also waits until submitted >= wait_for (0: not) */
    int gave_up;         /* put of `hold` would have waited for ever: it ran on the caller */
} fake_writer;

static void fill(float *slot, size_t snap)
{
    for (int i = 0; i < CELLS; i++)
        slot[i] = (float)snap * 1000.0f + (float)i;
}

static stencil_status fake_put(void *ctx, size_t snap, const float *field, stencil_error *err)
{
    fake_writer *f = ctx;
    sigset_t held;
    pthread_sigmask(SIG_BLOCK, NULL, &held);
    pthread_mutex_lock(&f->mu);
    const int on_caller = pthread_equal(pthread_self(), f->caller);
    f->entered++;
    pthread_cond_broadcast(&f->changed);
    if (snap == f->hold) {
        if (on_caller && (f->wait_for || !f->released))
            f->gave_up = 1; /* the caller waiting for itself: it would never return */
        else
            while (!f->released || f->submitted < f->wait_for)
                pthread_cond_wait(&f->changed, &f->mu);
    }
    float want[CELLS];
    fill(want, snap);
    if (memcmp(field, want, sizeof want) != 0)
        f->bad_bytes++;
    if (f->puts < MAX_PUTS)
        f->order[f->puts] = snap;
    f->puts++;
    f->on_caller += on_caller;
    f->stop_signals_held += sigismember(&held, SIGINT) && sigismember(&held, SIGTERM) &&
                            sigismember(&held, SIGHUP);
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->mu);
    if (snap == f->fail_at)
        return stencil_fail(err, STENCIL_ERR_IO, "fake disk failure at snapshot %zu", snap);
    return STENCIL_OK;
}

static void fake_init(fake_writer *f)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->changed, NULL);
    f->caller = pthread_self();
    f->released = 1;
}

static void fake_set(fake_writer *f, size_t *field, size_t value)
{
    pthread_mutex_lock(&f->mu);
    *field = value;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->mu);
}

static void fake_release(fake_writer *f)
{
    pthread_mutex_lock(&f->mu);
    f->released = 1;
    pthread_cond_broadcast(&f->changed);
    pthread_mutex_unlock(&f->mu);
}

static void fake_done(fake_writer *f)
{
    pthread_cond_destroy(&f->changed);
    pthread_mutex_destroy(&f->mu);
}

/* The model's loop: acquire, "download" snapshot s into the slot, submit; stops at the first
 * failed acquire. Returns how many were submitted. */
static size_t produce(bench_model_ring *r, fake_writer *f, size_t count, stencil_status *st,
                      stencil_error *err)
{
    size_t s = 1;
    *st = STENCIL_OK;
    for (; s <= count; s++) {
        float *slot = NULL;
        if ((*st = bench_model_ring_acquire(r, &slot, err)) != STENCIL_OK)
            break;
        fill(slot, s);
        bench_model_ring_submit(r, s);
        fake_set(f, &f->submitted, s);
    }
    return s - 1;
}

static int in_order(const fake_writer *f, int n)
{
    for (int i = 0; i < n && i < MAX_PUTS; i++)
        if (f->order[i] != (size_t)i + 1)
            return 0;
    return f->puts == n;
}

/* Threaded: snapshot 1 is written while snapshot 2 is downloaded (a second slot), off the
 * caller's thread, without the stop signals; all in order, bytes intact. */
static void overlap(check_ctx *c, int slots, size_t count)
{
    static float buf[BENCH_MODEL_RING_MAX][CELLS];
    float *ptrs[BENCH_MODEL_RING_MAX] = {buf[0], buf[1], buf[2]};
    fake_writer f;
    fake_init(&f);
    f.hold = 1;
    f.wait_for = 2;
    bench_model_ring *r = NULL;
    stencil_error err = {{0}};
    stencil_status st = bench_model_ring_start(ptrs, slots, 1, fake_put, &f, &r, &err);
    CHECK(c, st == STENCIL_OK, "start: %s", err.msg);
    if (st != STENCIL_OK)
        return;
    size_t n = produce(r, &f, count, &st, &err);
    CHECK(c, st == STENCIL_OK && n == count, "%d slots: %zu of %zu submitted: %s", slots, n, count, err.msg);
    st = bench_model_ring_finish(r, &err);
    CHECK(c, st == STENCIL_OK, "finish: %s", err.msg);
    CHECK(c, !f.gave_up, "%d slots: snapshot 1 was written on the loop's thread, before snapshot 2 "
          "was downloaded: no overlap", slots);
    CHECK(c, f.on_caller == 0, "%d slots: %d of %d writes on the loop's thread", slots, f.on_caller, f.puts);
    CHECK(c, in_order(&f, (int)count), "%d slots: %d writes, not 1..%zu in order", slots, f.puts, count);
    CHECK(c, f.bad_bytes == 0, "%d slots: %d snapshots overwritten before they were written", slots, f.bad_bytes);
    CHECK(c, f.stop_signals_held == f.puts, "%d slots: the writer thread can take a stop signal "
          "(%d of %d writes with SIGINT, SIGTERM, SIGHUP blocked)", slots, f.stop_signals_held, f.puts);
    fake_done(&f);
}

/* A failed write: the loop's next acquire (or finish) gets its status and message; nothing is
 * written after it; no hang. */
static void failed_write(check_ctx *c, int threaded, int slots)
{
    static float buf[BENCH_MODEL_RING_MAX][CELLS];
    float *ptrs[BENCH_MODEL_RING_MAX] = {buf[0], buf[1], buf[2]};
    fake_writer f;
    fake_init(&f);
    f.fail_at = 3;
    bench_model_ring *r = NULL;
    stencil_error err = {{0}}, ferr = {{0}};
    stencil_status st = bench_model_ring_start(ptrs, slots, threaded, fake_put, &f, &r, &err);
    CHECK(c, st == STENCIL_OK, "start: %s", err.msg);
    if (st != STENCIL_OK)
        return;
    size_t n = produce(r, &f, 1000, &st, &err);
    stencil_status fst = bench_model_ring_finish(r, &ferr);
    CHECK(c, st == STENCIL_ERR_IO && strcmp(err.msg, "fake disk failure at snapshot 3") == 0,
          "threaded %d: the loop's acquire returned %d '%s', want the failed write", threaded, st, err.msg);
    CHECK(c, n >= 3 && n <= 3 + (size_t)slots, "threaded %d: %zu snapshots submitted after a "
          "failure at 3 with %d slots", threaded, n, slots);
    CHECK(c, fst == STENCIL_ERR_IO && strcmp(ferr.msg, err.msg) == 0, "finish: %d '%s'", fst, ferr.msg);
    CHECK(c, in_order(&f, 3), "threaded %d: %d writes after a failure at 3", threaded, f.puts);
    fake_done(&f);
}

/* Stop (an error or a signal in the loop) drops the queued snapshots; finish alone writes them. */
static void stop_and_drain(check_ctx *c)
{
    static float buf[BENCH_MODEL_RING_MAX][CELLS];
    float *ptrs[BENCH_MODEL_RING_MAX] = {buf[0], buf[1], buf[2]};
    for (int stop = 0; stop < 2; stop++) {
        fake_writer f;
        fake_init(&f);
        f.hold = 1;
        f.released = 0;
        bench_model_ring *r = NULL;
        stencil_error err = {{0}};
        stencil_status st = bench_model_ring_start(ptrs, 3, 1, fake_put, &f, &r, &err);
        CHECK(c, st == STENCIL_OK, "start: %s", err.msg);
        if (st != STENCIL_OK)
            return;
        size_t n = produce(r, &f, 3, &st, &err); /* three slots: none waits */
        CHECK(c, st == STENCIL_OK && n == 3, "%zu submitted: %s", n, err.msg);
        if (stop) { /* once snapshot 1 is being written */
            pthread_mutex_lock(&f.mu);
            while (f.entered < 1)
                pthread_cond_wait(&f.changed, &f.mu);
            pthread_mutex_unlock(&f.mu);
            bench_model_ring_stop(r);
        }
        fake_release(&f);
        st = bench_model_ring_finish(r, &err);
        CHECK(c, st == STENCIL_OK, "finish: %s", err.msg);
        CHECK(c, in_order(&f, stop ? 1 : 3), "stop %d: %d writes, want %d", stop, f.puts, stop ? 1 : 3);
        fake_done(&f);
    }
}

/* Not threaded: the sequential loop, every write on the caller's thread before the next slot. */
static void inline_ring(check_ctx *c)
{
    static float buf[CELLS];
    float *ptrs[1] = {buf};
    fake_writer f;
    fake_init(&f);
    bench_model_ring *r = NULL;
    stencil_error err = {{0}};
    stencil_status st = bench_model_ring_start(ptrs, 1, 0, fake_put, &f, &r, &err);
    CHECK(c, st == STENCIL_OK, "start: %s", err.msg);
    size_t n = produce(r, &f, 5, &st, &err);
    CHECK(c, st == STENCIL_OK && n == 5, "%zu submitted: %s", n, err.msg);
    CHECK(c, bench_model_ring_finish(r, &err) == STENCIL_OK, "finish: %s", err.msg);
    CHECK(c, in_order(&f, 5) && f.on_caller == 5 && f.bad_bytes == 0, "inline: %d writes, %d on "
          "the caller, %d bad", f.puts, f.on_caller, f.bad_bytes);
    fake_done(&f);
    CHECK(c, bench_model_ring_start(ptrs, 1, 1, fake_put, &f, &r, &err) == STENCIL_ERR_ARG && !r,
          "a threaded ring of one slot was accepted");
    CHECK(c, bench_model_ring_finish(NULL, &err) == STENCIL_OK, "finish(NULL)");
}

int main(void)
{
    check_ctx c = {0, 0};
    for (int slots = 2; slots <= BENCH_MODEL_RING_MAX; slots++)
        for (size_t count = 2; count <= 9; count += 7)
            overlap(&c, slots, count);
    overlap(&c, BENCH_MODEL_RING_SLOTS, 50);
    for (int slots = 2; slots <= BENCH_MODEL_RING_MAX; slots++)
        failed_write(&c, 1, slots);
    failed_write(&c, 0, 1);
    stop_and_drain(&c);
    inline_ring(&c);
    return check_finish(&c, "test_model_ring");
}
