/* stencilbench model's pieces that need no device and no file (bench/cli/model_support.c):
 * the untimed warm-up of a GPU variant, the transfer line it prints, and the ring of host
 * buffers through which a writer thread writes the snapshots while the next chunk runs.
 *
 * The model runs `steps` timesteps in chunks of `every` (a snapshot after each; the last chunk
 * holds the remainder). `stencilbench run` times only after a warm-up pass, so what a GPU
 * variant does once (load its kernels, capture the CUDA graph of each chunk length from each of
 * its two buffers) is not in its compute time; the model warms up the same way, running each
 * chunk length the run will use from both buffers, so its time per step is run's. */
#ifndef BENCH_MODEL_SUPPORT_H
#define BENCH_MODEL_SUPPORT_H

#include <stddef.h>

#include "dataset.h"
#include "harness/measure.h"
#include "variant.h"
#include "writer.h"

enum { BENCH_MODEL_WARMUP_RUNS = 7, BENCH_MODEL_WARMUP_MAX = 1000 };

/* The warm-up's stages, in order, into lens; returns how many (0 when steps < 1 or every < 1):
 * a length n > 0 is a run of n steps, 0 an upload (which makes the first buffer current again).
 * The run's chunk k starts from the buffer its k chunks before it left current: chunks 0 and 1
 * start from both buffers a chunk can start from, so the warm-up uploads and runs the run's
 * first chunks (two at most) and then the remainder, if any, which two chunks leave starting
 * from the first buffer; where the remainder follows more than two chunks it can start from
 * either, and the warm-up adds an upload, one chunk and the remainder again. At most the run's
 * steps plus the remainder; a run of more than BENCH_MODEL_WARMUP_MAX steps is cut to that many
 * (what a variant does once is then a small share of each chunk, and a model of many steps
 * between snapshots does not run twice as long). */
int bench_model_warmup_plan(long steps, long every, long lens[BENCH_MODEL_WARMUP_RUNS]);

/* Untimed: the uploads (of input) and runs of bench_model_warmup_plan, then download(out). The
 * caller uploads again before its timed run (that resets the state). *warm_steps gets the timesteps run.
 * GPU variants return before their work completes; the timed stages after it wait for it. */
stencil_status bench_model_warm_up(const stencil_variant *v, void *state, const float *input,
                                   float *out, long steps, long every, long *warm_steps,
                                   stencil_error *err);

/* The trial behind model's default on a GPU (no --variant): the rank order is measured on
 * fields without land, and a field's land moves the variants apart (H200, half land, 256^3:
 * cuda_shared 42.4 us a step, cuda_bulk, ranked above it, 45.7), so where two GPU variants take
 * the grid the model times both on its own field and runs the faster. For each of the n
 * candidates: prepare (problem.threads = threads for variants that use threads, else 1), the
 * warm-up of a run of 2 x len steps in chunks of len (len = min(steps, every,
 * BENCH_MODEL_TRIAL_STEPS)), upload, BENCH_MODEL_TRIAL_REPS timed runs of len steps through
 * timer (bench_time_stage; tests pass their own clock), release. per_step[i] gets candidate i's
 * median seconds a step, or a negative value where its trial failed (why[i] then says why, when
 * why is not NULL: why[i] holds BENCH_MODEL_TRIAL_WHY bytes). *best gets the fastest's index.
 * Fails (with the first candidate's error) only when no trial succeeds. out (a field's worth of
 * host memory) is scratch. */
enum { BENCH_MODEL_TRIAL_STEPS = 10, BENCH_MODEL_TRIAL_REPS = 3, BENCH_MODEL_TRIAL_WHY = 256 };
/* The trial's run length: min(steps, every, BENCH_MODEL_TRIAL_STEPS). */
long bench_model_trial_steps(long steps, long every);
/* The trial's note: "running <best>, the faster on this field in a trial (median of R runs of L
 * steps each, after a warm-up): X us a step against <other>'s Y (--variant picks one)", a
 * failed rival as "; <other>'s trial failed: <why>", then "; declined: <declined>" when that is
 * not empty. Returns snprintf's count (the text is cut to len). */
int bench_model_trial_line(char *buf, size_t len, const stencil_variant *const *candidates, int n,
                           const double *per_step, char (*why)[BENCH_MODEL_TRIAL_WHY], int best,
                           long run_steps, const char *declined);
typedef stencil_status (*bench_model_timer_fn)(const stencil_variant *v, void *state, bench_stage what,
                                               const float *input, float *out, int steps,
                                               double *seconds, stencil_error *err);
stencil_status bench_model_trial(const stencil_variant *const *candidates, int n,
                                 const stencil_problem *problem, int threads, const float *input,
                                 float *out, long steps, long every, bench_model_timer_fn timer,
                                 double *per_step, char (*why)[BENCH_MODEL_TRIAL_WHY], int *best,
                                 stencil_error *err);

/* The GPU transfer line: "<variant> transfers: host->device X seconds (G GB/s), device->host
 * Y seconds for N downloads of M MiB (G GB/s), <memory>." GB/s are 1e9 bytes per second over
 * field_bytes per copy, "- GB/s" where a time is 0; memory says which host memory was used
 * ("pinned host memory", or "pageable host memory (why)"). Returns snprintf's count. */
int bench_model_transfer_line(char *buf, size_t len, const char *variant, double h2d_s,
                              double d2h_s, size_t downloads, size_t field_bytes,
                              const char *memory);

/* The snapshot ring. The model's loop takes a free slot (bench_model_ring_acquire), downloads
 * a snapshot into it and hands it over (bench_model_ring_submit); put writes the snapshots in
 * the order submitted. Threaded, put runs on a writer thread that holds no stop signal
 * (SIGINT, SIGTERM and SIGHUP reach the loop's thread), so a snapshot is written while the
 * next chunks run and download into the next slots; acquire waits only while every slot is
 * still queued or being written. Not threaded, submit calls put at once (slot 0 every time),
 * the sequential loop. Either way the snapshots reach put in the same order with the same
 * bytes. After a put fails nothing more is written: acquire and finish return its status and
 * message. The caller owns the slots (each holding a snapshot) and frees them after finish.
 *
 * Its size (bench_model_ring_slots): writing a snapshot (deflating it into the netCDF file)
 * takes far longer than the chunk that computes it on a GPU (about 0.1 s against 0.12 ms for
 * ten steps of the course grid on the H200), so a ring of a few slots would make the loop wait
 * for the writer after every chunk and the GPU idle. Threaded, the ring holds a slot for every
 * snapshot still to write (all but the input, written before the loop), so that the loop never
 * waits and the writer drains afterwards, up to a host-memory budget (bench_model_ring_budget:
 * min(2 GiB, a quarter of the memory available)) and BENCH_MODEL_RING_CAP slots, and never
 * fewer than 2. */
enum { BENCH_MODEL_RING_MIN_THREADED = 2, BENCH_MODEL_RING_CAP = 1024 };
#define BENCH_MODEL_RING_BUDGET_MAX ((size_t)2 << 30) /* 2 GiB */

/* The budget for the slots' bytes, out of avail_bytes of physical memory available (0:
 * unknown): min(BENCH_MODEL_RING_BUDGET_MAX, avail_bytes / 4); 0 when unknown (the smallest
 * ring). */
size_t bench_model_ring_budget_of(unsigned long long avail_bytes);

/* bench_model_ring_budget_of this machine's available physical memory (sysconf
 * _SC_AVPHYS_PAGES, else _SC_PHYS_PAGES, times the page size). */
size_t bench_model_ring_budget(void);

/* The ring's slots for a file of `snapshots` (the input, step 0, included: snapshots - 1 are
 * downloaded and written through the ring) of field_bytes each. Not threaded: 1. Threaded:
 * snapshots - 1, cut to as many as budget bytes hold and to BENCH_MODEL_RING_CAP, then at
 * least BENCH_MODEL_RING_MIN_THREADED (even past the budget). */
int bench_model_ring_slots(size_t snapshots, size_t field_bytes, size_t budget, int threaded);

typedef stencil_status (*bench_model_put_fn)(void *ctx, size_t snap, const float *field,
                                             stencil_error *err);
typedef struct bench_model_ring bench_model_ring;

/* n slots (1 to BENCH_MODEL_RING_CAP; threaded needs BENCH_MODEL_RING_MIN_THREADED or more);
 * the ring keeps its own copy of the pointers. STENCIL_ERR_ARG for a bad n, STENCIL_ERR_NOMEM
 * where the ring or its thread cannot be had. */
stencil_status bench_model_ring_start(float *const *slots, int n, int threaded,
                                      bench_model_put_fn put, void *ctx, bench_model_ring **out,
                                      stencil_error *err);

/* How many slots are free now (neither queued nor being written): an acquire now would not
 * wait while this is above 0. Not threaded: always 1. */
int bench_model_ring_free(bench_model_ring *r);

/* *slot gets a slot no snapshot in it is waiting for or being written in (waits for one);
 * returns a failed put's status and message instead, once one has failed. */
stencil_status bench_model_ring_acquire(bench_model_ring *r, float **slot, stencil_error *err);

/* The slot from the last acquire now holds snapshot snap: to be written after those before. */
void bench_model_ring_submit(bench_model_ring *r, size_t snap);

/* Snapshots submitted and not yet being written are dropped (after an error or a stop: the
 * file is abandoned); returns at once, the put under way finishes. */
void bench_model_ring_stop(bench_model_ring *r);

/* Waits until every snapshot submitted is written (or dropped by stop, or a put failed), ends
 * the writer thread and frees r (accepts NULL). Returns a failed put's status and message. */
stencil_status bench_model_ring_finish(bench_model_ring *r, stencil_error *err);

/* model's flags, parsed (cmd_model.c) */
typedef enum {
    BENCH_MODEL_WRITER_AUTO,
    BENCH_MODEL_WRITER_THREAD,
    BENCH_MODEL_WRITER_INLINE
} bench_model_writer;

typedef struct bench_model_args {
    const stencil_variant *v;
    const char *input, *output, *var;
    long steps, time_index, save_every, threads;
    double k;
    stencil_scheme scheme;
    bench_model_writer writer;
} bench_model_args;

/* Writes the prediction's global and variable attributes (CF conventions, the run's settings,
 * the input's file, variable, date and title) through w. */
stencil_status bench_model_describe(io_writer *w, const bench_model_args *a, const io_dataset *ds,
                                    size_t snapshots, stencil_error *err);

#endif
