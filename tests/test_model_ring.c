/* stencilbench model's snapshot ring (bench/cli/model_support.h), with fake snapshots and a fake
 * writer, no clock: threaded, snapshot 1 is written on another thread, which holds no stop
 * signal, while snapshot 2 is downloaded into the other slot (the fake writer of snapshot 1
 * waits until snapshot 2 has been handed over: a loop that writes before the next chunk would
 * never get there, and the test says so instead of hanging); with a slot for every snapshot,
 * the loop submits them all while the writer is still held (by the test) on snapshot 1, never
 * finding the ring full; every snapshot reaches the writer once, in order, with its bytes; a
 * failed write stops the loop with its status and message; stop drops what is queued and
 * finish writes what is; inline, everything happens on the caller's thread in the same order.
 * And the ring's size: bench_model_ring_slots and bench_model_ring_budget_of. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cli/model_support.h"

enum { CELLS = 64, MAX_PUTS = 64, POOL = 16 };

/* The slots of every ring below (one ring at a time): pool_ptrs[i] is pool[i]. */
static float pool[POOL][CELLS];
static float *pool_ptrs[POOL];

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
    fake_writer f;
    fake_init(&f);
    f.hold = 1;
    f.wait_for = 2;
    bench_model_ring *r = NULL;
    stencil_error err = {{0}};
    stencil_status st = bench_model_ring_start(pool_ptrs, slots, 1, fake_put, &f, &r, &err);
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
    fake_writer f;
    fake_init(&f);
    f.fail_at = 3;
    bench_model_ring *r = NULL;
    stencil_error err = {{0}}, ferr = {{0}};
    stencil_status st = bench_model_ring_start(pool_ptrs, slots, threaded, fake_put, &f, &r, &err);
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
    for (int stop = 0; stop < 2; stop++) {
        fake_writer f;
        fake_init(&f);
        f.hold = 1;
        f.released = 0;
        bench_model_ring *r = NULL;
        stencil_error err = {{0}};
        stencil_status st = bench_model_ring_start(pool_ptrs, 3, 1, fake_put, &f, &r, &err);
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

/* Threaded with `slots` slots: the test holds the writer in snapshot 1's put (until it
 * releases it) while the loop acquires and submits `count` snapshots. With a slot for each
 * (slots >= count) the loop submits them all while snapshot 1 is still being written: before
 * each acquire the ring has a free slot, so the acquire does not wait, and nothing has been
 * written yet when the last is submitted. With fewer, the ring is full after `slots` submits
 * (the next acquire would wait): the test then lets the writer go on, and the rest follow. */
static void many_slots(check_ctx *c, int slots, size_t count)
{
    fake_writer f;
    fake_init(&f);
    f.hold = 1;
    f.released = 0;
    bench_model_ring *r = NULL;
    stencil_error err = {{0}};
    stencil_status st = bench_model_ring_start(pool_ptrs, slots, 1, fake_put, &f, &r, &err);
    CHECK(c, st == STENCIL_OK, "%d slots: start: %s", slots, err.msg);
    if (st != STENCIL_OK)
        return;
    size_t full_at = 0; /* the snapshot whose acquire would have waited first (0: none) */
    int puts_held = -1; /* writes done while the writer was held on snapshot 1 */
    for (size_t s = 1; s <= count && st == STENCIL_OK; s++) {
        if (bench_model_ring_free(r) == 0 && !full_at) {
            full_at = s;
            pthread_mutex_lock(&f.mu);
            puts_held = f.puts;
            pthread_mutex_unlock(&f.mu);
            fake_release(&f); /* the acquire below waits for snapshot 1 to be written */
        }
        float *slot = NULL;
        if ((st = bench_model_ring_acquire(r, &slot, &err)) != STENCIL_OK)
            break;
        fill(slot, s);
        bench_model_ring_submit(r, s);
        fake_set(&f, &f.submitted, s);
        if (s == 1) { /* from here on the writer is inside snapshot 1's put, held */
            pthread_mutex_lock(&f.mu);
            while (f.entered < 1)
                pthread_cond_wait(&f.changed, &f.mu);
            pthread_mutex_unlock(&f.mu);
        }
    }
    CHECK(c, st == STENCIL_OK, "%d slots: acquire: %s", slots, err.msg);
    if (!full_at) {
        pthread_mutex_lock(&f.mu);
        puts_held = f.puts;
        pthread_mutex_unlock(&f.mu);
        const int left = bench_model_ring_free(r);
        CHECK(c, left == slots - (int)count, "%d slots, %zu submitted, the writer held: %d free",
              slots, count, left);
    }
    const size_t want_full = (size_t)slots < count ? (size_t)slots + 1 : 0;
    CHECK(c, full_at == want_full, "%d slots, %zu snapshots, the writer held on snapshot 1: the "
          "ring was first full before snapshot %zu, want %zu (0: never)", slots, count, full_at,
          want_full);
    CHECK(c, puts_held == 0, "%d slots: %d writes done while the writer was held on snapshot 1",
          slots, puts_held);
    fake_release(&f);
    st = bench_model_ring_finish(r, &err);
    CHECK(c, st == STENCIL_OK, "%d slots: finish: %s", slots, err.msg);
    CHECK(c, in_order(&f, (int)count) && f.bad_bytes == 0 && f.on_caller == 0, "%d slots: %d "
          "writes (want 1..%zu in order), %d overwritten, %d on the loop's thread", slots, f.puts,
          count, f.bad_bytes, f.on_caller);
    fake_done(&f);
}

/* The ring's size: a slot for every snapshot still to write, within the budget and the cap,
 * never fewer than 2 threaded; 1 inline. The budget: a quarter of the memory, at most 2 GiB. */
static void sizing(check_ctx *c)
{
    const size_t course = (size_t)50 * 222 * 241 * sizeof(float); /* 10.7 MB */
    const size_t big = (size_t)512 * 512 * 512 * sizeof(float);  /* 512 MiB */
    const size_t max = BENCH_MODEL_RING_BUDGET_MAX;
    struct {
        size_t snapshots, bytes, budget;
        int threaded, want;
        const char *what;
    } t[] = {
        {11, course, max, 1, 10, "the default model run (100 steps, a snapshot every 10)"},
        {101, course, max, 1, 100, "a snapshot every step of 100"},
        {1001, course, max, 1, (int)(max / course), "1000 snapshots: as many as 2 GiB hold"},
        {11, course, 4 * course, 1, 4, "a budget of 4 snapshots"},
        {11, course, 5 * course - 1, 1, 4, "a budget just short of 5 snapshots"},
        {11, course, course, 1, 2, "a budget of one snapshot: the threaded ring's least"},
        {11, course, 0, 1, 2, "no budget: the threaded ring's least"},
        {2, course, max, 1, 2, "one snapshot to write: the threaded ring's least"},
        {4, course, max, 1, 3, "three snapshots to write"},
        {11, course, max, 0, 1, "inline"},
        {101, course, 0, 0, 1, "inline, no budget"},
        {21, big, max, 1, 4, "512^3, 20 snapshots: 4 in 2 GiB"},
        {100000001, sizeof(float), max, 1, BENCH_MODEL_RING_CAP, "a 1-cell field, 1e8 snapshots: the cap"},
        {11, 0, max, 1, 10, "an empty field"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const int got = bench_model_ring_slots(t[i].snapshots, t[i].bytes, t[i].budget, t[i].threaded);
        CHECK(c, got == t[i].want, "%s: %d slots for %zu snapshots of %zu bytes, budget %zu, "
              "threaded %d; want %d", t[i].what, got, t[i].snapshots, t[i].bytes, t[i].budget,
              t[i].threaded, t[i].want);
    }
    const unsigned long long gib = 1ull << 30;
    CHECK(c, bench_model_ring_budget_of(64 * gib) == max, "64 GiB available: %zu",
          bench_model_ring_budget_of(64 * gib));
    CHECK(c, bench_model_ring_budget_of(8 * gib) == max, "8 GiB available: %zu",
          bench_model_ring_budget_of(8 * gib));
    CHECK(c, bench_model_ring_budget_of(4 * gib) == gib, "4 GiB available: %zu",
          bench_model_ring_budget_of(4 * gib));
    CHECK(c, bench_model_ring_budget_of(1000) == 250, "1000 bytes available: %zu",
          bench_model_ring_budget_of(1000));
    CHECK(c, bench_model_ring_budget_of(0) == 0, "unknown memory: %zu", bench_model_ring_budget_of(0));
    const size_t here = bench_model_ring_budget();
    CHECK(c, here > 0 && here <= max, "this machine's budget: %zu bytes", here);
}

/* The ring takes 1 to BENCH_MODEL_RING_CAP slots (threaded: 2 or more). */
static void bounds(check_ctx *c)
{
    static float one[CELLS];
    static float *ptrs[BENCH_MODEL_RING_CAP + 1];
    for (int i = 0; i <= BENCH_MODEL_RING_CAP; i++)
        ptrs[i] = one;
    fake_writer f;
    fake_init(&f);
    stencil_error err = {{0}};
    for (int threaded = 0; threaded < 2; threaded++) {
        bench_model_ring *r = NULL;
        CHECK(c, bench_model_ring_start(ptrs, BENCH_MODEL_RING_CAP, threaded, fake_put, &f, &r,
                                        &err) == STENCIL_OK && r, "threaded %d: a ring of %d slots: %s",
              threaded, BENCH_MODEL_RING_CAP, err.msg);
        CHECK(c, bench_model_ring_free(r) == (threaded ? BENCH_MODEL_RING_CAP : 1),
              "threaded %d: %d free in a new ring", threaded, bench_model_ring_free(r));
        CHECK(c, bench_model_ring_finish(r, &err) == STENCIL_OK, "finish: %s", err.msg);
        r = NULL;
        CHECK(c, bench_model_ring_start(ptrs, BENCH_MODEL_RING_CAP + 1, threaded, fake_put, &f, &r,
                                        &err) == STENCIL_ERR_ARG && !r,
              "threaded %d: a ring of %d slots was accepted", threaded, BENCH_MODEL_RING_CAP + 1);
    }
    CHECK(c, f.puts == 0, "%d writes with nothing submitted", f.puts);
    fake_done(&f);
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
    for (int i = 0; i < POOL; i++)
        pool_ptrs[i] = pool[i];
    for (int slots = 2; slots <= 4; slots++)
        for (size_t count = 2; count <= 9; count += 7)
            overlap(&c, slots, count);
    overlap(&c, 2, 50);
    overlap(&c, 10, 50);
    many_slots(&c, 10, 10); /* the default model run: 10 snapshots after the input */
    many_slots(&c, POOL, 10);
    many_slots(&c, 2, 2);
    many_slots(&c, 9, 10);
    many_slots(&c, 3, 10);
    for (int slots = 2; slots <= 4; slots++)
        failed_write(&c, 1, slots);
    failed_write(&c, 1, 10);
    failed_write(&c, 0, 1);
    stop_and_drain(&c);
    inline_ring(&c);
    sizing(&c);
    bounds(&c);
    return check_finish(&c, "test_model_ring");
}
