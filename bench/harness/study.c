#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "synthetic.h"
#include "gpu/gpu.h"
#include "analysis/noise.h"
#include "harness/grid.h"
#include "harness/measure.h"
#include "harness/probe.h"
#include "harness/study.h"
#include "harness/timer.h"
#include "harness/validate.h"

enum { MAX_REPS = 1000 };

typedef struct run_state {
    bench_study *s;
    bench_caches caches;
    /* the current grid's input, reference and output (pageable) */
    float *input, *ref, *out;
    const bench_point *grid_of; /* the point whose grid input holds; NULL when none */
    double land;
    const bench_point *ref_of;  /* the point whose grid and steps ref holds; NULL when none */
    void *pin_in, *pin_out;     /* page-locked copies for pinned points, made once per grid */
    /* the point being measured */
    size_t index;
    const bench_point *p;
    bench_row row;
    int ref_from_this;
    double compute[MAX_REPS];
    double h2d[MAX_REPS], d2h[MAX_REPS]; /* GPU line: transfers beside the probes */
    int nrep;
    double max_err;
    size_t bad_cells;
    char first_bad[512];
    /* progress */
    double t0, est_total, est_before, est_point, est_scale;
    /* the point's noise and the machine over it */
    bench_probes probes_now;     /* the latest copy figures (re-measured before each grid) */
    bench_sys_snap at_start;
    double point_t0, load_before, other_cpu, steal;
    bench_gpu_snap gpu_before; /* GPU points: NVML at the point's start */
    bench_gpu_watch gpu;
    bench_noise noise;
    bench_stop stop_reason;
    int batch, first_rep;
    stencil_status write_status;
    stencil_error write_err;
    bench_point_ranks pr; /* an MPI point's ranks */
} run_state;

static int point_done(const bench_study *s, size_t i)
{
    return s->first_rep && (s->first_rep[i] < 0 || s->first_rep[i] >= s->plan->reps);
}

void bench_study_resume_state(const bench_plan *plan, const bench_row *rows, size_t count,
                              int *first_rep)
{
    for (size_t i = 0; i < plan->count; i++) {
        const bench_point *p = &plan->points[i];
        int next = 0;
        for (size_t j = 0; j < count && next >= 0; j++) {
            const bench_row *r = &rows[j];
            if (strcmp(r->variant, p->variant->name) != 0 || r->nz != (long)p->nz ||
                r->ny != (long)p->ny || r->nx != (long)p->nx || r->threads != p->threads ||
                r->timesteps != p->steps || strcmp(r->tuning, p->tuning_text) != 0 ||
                strcmp(r->host_memory, bench_host_memory_name(p->host_memory)) != 0 ||
                r->ranks != p->ranks ||
                strcmp(r->grid_source, p->dataset && *plan->dataset ? "dataset" : "synthetic") != 0)
                continue;
            if (r->rep < 0)
                next = -1; /* a skip or an error: recorded as done */
            else if (r->rep + 1 > next)
                next = (int)r->rep + 1;
        }
        first_rep[i] = next;
    }
}

/* Delivers ev to every reporter; the first error stops the study. */
static stencil_status emit(run_state *rs, bench_event *ev, stencil_error *err)
{
    bench_study *s = rs->s;
    ev->plan = s->plan;
    ev->probes = &rs->probes_now;
    ev->elapsed_s = bench_now() - rs->t0;
    ev->est_total_s = rs->est_total;
    double frac = ev->rep < 0 ? 0.0 : (double)(ev->rep + 1 + s->plan->warmup) /
                                          (s->plan->reps + s->plan->warmup);
    ev->est_done_s = rs->est_before + rs->est_point * (frac > 1 ? 1 : frac);
    for (int i = 0; i < s->nreporters; i++) {
        stencil_status st = s->reporters[i].report(s->reporters[i].ctx, ev, err);
        if (st != STENCIL_OK)
            return st;
    }
    return STENCIL_OK;
}

/* A point event about the point being measured. */
static bench_event point_event(const run_state *rs, bench_event_kind kind, const char *status)
{
    bench_event ev = {.kind = kind, .index = rs->index, .point = rs->p, .rep = -1, .status = status,
                      .nrep = rs->nrep, .compute_s = rs->compute, .h2d_s = rs->h2d,
                      .d2h_s = rs->d2h, .max_abs_err = rs->max_err, .copy_gbps = rs->row.copy_gbps,
                      .cv = rs->noise.cv, .ci_rel = rs->noise.ci_rel, .other_cpu = rs->other_cpu,
                      .steal = rs->steal, .stop = (int)rs->stop_reason, .batch = rs->batch,
                      .gpu = rs->p && rs->p->variant->device == STENCIL_GPU ? &rs->gpu : NULL};
    return ev;
}

static void base_row(run_state *rs, const bench_point *p, bench_row *r)
{
    const bench_plan *plan = rs->s->plan;
    bench_row_init(r);
    snprintf(r->run_id, sizeof r->run_id, "%s", rs->s->run_id);
    snprintf(r->machine, sizeof r->machine, "%s", rs->s->machine);
    snprintf(r->variant, sizeof r->variant, "%s", p->variant->name);
    snprintf(r->device, sizeof r->device, "%s", p->variant->device == STENCIL_GPU ? "gpu" : "cpu");
    snprintf(r->scheme, sizeof r->scheme, "%s", stencil_scheme_name(plan->scheme));
    r->k = plan->k_value;
    r->nz = (long)p->nz, r->ny = (long)p->ny, r->nx = (long)p->nx;
    snprintf(r->grid_source, sizeof r->grid_source, "%s",
             p->dataset && *plan->dataset ? "dataset" : "synthetic");
    if (rs->grid_of && rs->grid_of->nz == p->nz && rs->grid_of->ny == p->ny &&
        rs->grid_of->nx == p->nx && rs->grid_of->dataset == p->dataset)
        r->land_fraction = rs->land;
    r->threads = p->threads;
    r->ranks = p->ranks;
    snprintf(r->tuning, sizeof r->tuning, "%s", p->tuning_text);
    snprintf(r->host_memory, sizeof r->host_memory, "%s", bench_host_memory_name(p->host_memory));
    r->timesteps = p->steps;
    r->copy_gbps = p->variant->device == STENCIL_GPU ? rs->probes_now.gpu_copy_gbps
                                                     : bench_probes_cpu(&rs->probes_now, p->threads);
    if (!(r->copy_gbps > 0))
        r->copy_gbps = NAN;
}

/* A point that produced no repetition: one row saying why (kind "skipped" or "failed"),
 * reported with the point's outcome in words and, when not NULL, a detail for the user. */
static stencil_status status_row(run_state *rs, const char *kind, const char *why,
                                 const char *status, const char *detail, stencil_error *err)
{
    bench_row r;
    base_row(rs, rs->p, &r);
    snprintf(r.status, sizeof r.status, "%s:%.300s", kind, why);
    bench_csv_clean(r.status);
    bench_event ev = point_event(rs, *kind == 's' ? BENCH_EV_POINT_SKIPPED : BENCH_EV_POINT_FAILED,
                                 status);
    ev.row = &r;
    ev.detail = detail;
    return emit(rs, &ev, err);
}

static int on_rep(void *ctx, int rep, const bench_rep *times, const float *out)
{
    run_state *rs = ctx;
    const bench_point *p = rs->p;
    bench_row *r = &rs->row;
    bench_rep slowest = *times, *t = &slowest;
    bench_point_ranks_times(&rs->pr, t); /* an MPI point: the slowest rank's */
    bench_gpu_snap gpu_now; /* first: the GPU is still warm from the repetition */
    if (p->variant->device == STENCIL_GPU) {
        bench_gpu_sample(rs->s->gpu, &gpu_now);
        bench_gpu_watch_after(&rs->gpu, &gpu_now);
    }
    base_row(rs, p, r);
    if (p->variant->device == STENCIL_GPU)
        bench_gpu_row_set(r, &rs->gpu_before, &gpu_now);
    r->rep = rep;
    bench_row_set_times(r, t->h2d_s, t->compute_s, t->d2h_s, p->variant->bytes_per_cell);
    r->halo_s = t->halo_s;
    if (rs->ref_from_this && rs->ref_of != p) {
        memcpy(rs->ref, out, p->nz * p->ny * p->nx * sizeof(float));
        rs->ref_of = p;
    }
    bench_validation val;
    bench_validate(rs->input, rs->ref, out, p->nz, p->ny, p->nx, p->steps, &val);
    r->max_abs_err = val.max_abs_err;
    if (val.ok) {
        snprintf(r->status, sizeof r->status, "ok");
    } else {
        char why[200] = "";
        if (val.overflowed)
            snprintf(why, sizeof why, " (naive's own field overflowed: %zu sea cells are inf or NaN "
                     "after %d steps; values near FLT_MAX, see README 'Numerically unstable runs')",
                     val.overflowed, p->steps);
        snprintf(r->status, sizeof r->status, "failed:validation: %zu cells differ from naive "
                 "(tolerance %.3g)%s; first %.200s", val.bad_cells, val.tolerance, why, val.first_bad);
        bench_csv_clean(r->status);
        if (!rs->bad_cells)
            snprintf(rs->first_bad, sizeof rs->first_bad, "%.200s%s%.300s", why + (why[0] == ' '),
                     why[0] ? "; " : "", val.first_bad);
        rs->bad_cells = val.bad_cells;
    }
    if (isfinite(val.max_abs_err) && val.max_abs_err > rs->max_err)
        rs->max_err = val.max_abs_err;
    rs->s->measured_s += r->total_s * (t->batch > 0 ? t->batch : 1);
    if (rs->nrep < MAX_REPS) {
        rs->h2d[rs->nrep] = t->h2d_s;
        rs->d2h[rs->nrep] = t->d2h_s;
        rs->compute[rs->nrep++] = t->compute_s;
    }
    /* the noise so far, the machine since the point started, and whether to go on */
    const bench_plan *plan = rs->s->plan;
    bench_stop_rule rule = {plan->reps - rs->first_rep, plan->max_reps - rs->first_rep,
                            p->variant->uses_ranks ? 0.0 : plan->target_noise, plan->point_time_s};
    rs->stop_reason = bench_stop_decide(&rule, rs->compute, (size_t)rs->nrep,
                                        bench_now() - rs->point_t0, &rs->noise);
    bench_sys_snap now;
    bench_sys_sample(rs->s->sys, &now);
    bench_sys_between(&rs->at_start, &now, &rs->other_cpu, &rs->steal);
    rs->batch = t->batch;
    r->batch = t->batch;
    r->cv = rs->noise.cv;
    r->ci_rel = isfinite(rs->noise.ci_rel) ? rs->noise.ci_rel : NAN;
    r->load_before = rs->load_before;
    r->load_after = now.load1;
    r->other_cpu = rs->other_cpu;
    r->steal = rs->steal;
    r->cpu_mhz = now.cpu_mhz;
    if (rs->write_status == STENCIL_OK) {
        bench_event ev = point_event(rs, BENCH_EV_REP, NULL);
        ev.rep = rep;
        ev.row = r;
        rs->write_status = emit(rs, &ev, &rs->write_err);
    }
    return bench_point_ranks_go(&rs->pr, rs->write_status == STENCIL_OK && !*rs->s->stop &&
                                             rs->stop_reason == BENCH_GO_ON);
}

/* Builds the input field (and reference/output buffers) for p's grid unless held already. */
static stencil_status prepare_grid(run_state *rs, const bench_point *p, stencil_error *err)
{
    const bench_plan *plan = rs->s->plan;
    if (rs->grid_of && rs->grid_of->nz == p->nz && rs->grid_of->ny == p->ny &&
        rs->grid_of->nx == p->nx && rs->grid_of->dataset == p->dataset)
        return STENCIL_OK;
    free(rs->input);
    free(rs->ref);
    free(rs->out);
    bench_host_free(rs->pin_in, 1);
    bench_host_free(rs->pin_out, 1);
    rs->pin_in = rs->pin_out = NULL;
    rs->input = rs->ref = rs->out = NULL;
    rs->grid_of = rs->ref_of = NULL;
    size_t cells = p->nz * p->ny * p->nx;
    rs->input = malloc(cells * sizeof(float));
    rs->ref = malloc(cells * sizeof(float));
    rs->out = malloc(cells * sizeof(float));
    if (!rs->input || !rs->ref || !rs->out) {
        free(rs->input);
        free(rs->ref);
        free(rs->out);
        rs->input = rs->ref = rs->out = NULL;
        return stencil_fail(err, STENCIL_ERR_NOMEM, "cannot allocate 3 fields of %zux%zux%zu",
                            p->nz, p->ny, p->nx);
    }
    stencil_status st;
    if (p->dataset && *plan->dataset) {
        io_dataset ds;
        memset(&ds, 0, sizeof ds);
        st = io_dataset_open(plan->dataset, NULL, &ds, err);
        if (st == STENCIL_OK && (ds.nz != p->nz || ds.ny != p->ny || ds.nx != p->nx))
            st = stencil_fail(err, STENCIL_ERR_IO, "%s changed shape since the plan", plan->dataset);
        if (st == STENCIL_OK)
            st = io_dataset_read(&ds, 0, rs->input, NULL, err);
        io_dataset_close(&ds);
    } else {
        io_ocean_spec spec = io_ocean_default(p->nz, p->ny, p->nx);
        spec.land_fraction = plan->land_fraction;
        spec.seed = plan->seed;
        /* every processor: the input is the harness's copy, read by every variant */
        st = io_synthetic_ocean(&spec, rs->input, omp_get_num_procs(), err);
    }
    if (st != STENCIL_OK)
        return st;
    size_t nan = 0;
    for (size_t i = 0; i < cells; i++)
        nan += isnan(rs->input[i]);
    rs->land = (double)nan / (double)cells;
    rs->grid_of = p;
    return STENCIL_OK;
}

/* Measures the CPU copy again for every thread count of the first probe, records the round
 * and makes it the figure of the rows that follow. */
static void reprobe(run_state *rs)
{
    bench_study *s = rs->s;
    if (s->nprobe_rounds >= BENCH_MAX_PROBE_ROUNDS)
        return;
    size_t bytes = bench_copy_probe_bytes();
    int k = s->nprobe_rounds++;
    s->probe_round_s[k] = bench_now() - rs->t0;
    for (int t = 0; t < rs->probes_now.nthreads; t++) {
        double g = bench_cpu_copy_gbps(rs->probes_now.thread_counts[t], bytes, 5);
        s->probe_rounds[k][t] = g;
        if (g > 0)
            rs->probes_now.cpu_copy_gbps[t] = g;
    }
    s->probe_swing = 1.0;
    for (int t = 0; t < rs->probes_now.nthreads; t++) {
        double lo = INFINITY, hi = 0;
        for (int j = 0; j < s->nprobe_rounds; j++)
            if (s->probe_rounds[j][t] > 0) {
                lo = fmin(lo, s->probe_rounds[j][t]);
                hi = fmax(hi, s->probe_rounds[j][t]);
            }
        if (hi > 0 && hi / lo > s->probe_swing)
            s->probe_swing = hi / lo;
    }
}

static stencil_status run_point(run_state *rs, size_t i, stencil_error *err)
{
    bench_study *s = rs->s;
    const bench_plan *plan = s->plan;
    const bench_point *p = &plan->points[i];
    const stencil_variant *v = p->variant;
    char why[400];
    stencil_error perr = {{0}};
    rs->index = i;
    rs->p = p;
    rs->nrep = 0;
    rs->batch = 0;
    rs->other_cpu = rs->steal = NAN;
    bench_gpu_watch_reset(&rs->gpu);
    rs->stop_reason = BENCH_GO_ON;
    bench_noise_of(NULL, 0, &rs->noise);
    rs->max_err = 0;
    rs->bad_cells = 0;
    rs->ref_from_this = 0;
    base_row(rs, p, &rs->row);
    bench_event start = point_event(rs, BENCH_EV_POINT_START, NULL);
    stencil_status st = emit(rs, &start, err);
    if (st != STENCIL_OK)
        return st;

    char avail[256] = "";
    if (!v->available(avail, sizeof avail)) {
        snprintf(why, sizeof why, "unavailable: %s", avail);
        s->points_skipped++;
        return status_row(rs, "skipped", why, "skipped: unavailable (stencilbench list says why)",
                          NULL, err);
    }
    int launched = s->ranks ? s->ranks->size : 1;
    if (v->uses_ranks && p->ranks > launched) {
        snprintf(why, sizeof why, "needs %d ranks; launched with %d: launch it with mpirun -n %d "
                 "stencilbench run ...", p->ranks, launched, p->ranks);
        s->points_skipped++;
        return status_row(rs, "skipped", why, "skipped: needs more ranks", NULL, err);
    }
    /* Memory: checked before anything is allocated. */
    double host = bench_point_host_bytes(p), held = 0;
    if (rs->grid_of && rs->grid_of->nz == p->nz && rs->grid_of->ny == p->ny &&
        rs->grid_of->nx == p->nx)
        held = 3.0 * p->nz * p->ny * p->nx * sizeof(float);
    double have = (double)bench_available_memory() + held;
    if (bench_available_memory() && host * 1.1 > have) {
        snprintf(why, sizeof why, "skipped: too large for host memory: needs %.2f GiB; %.2f GiB available",
                 host * 1.1 / 1073741824.0, have / 1073741824.0);
        s->points_skipped++;
        return status_row(rs, "skipped", why + strlen("skipped: "), why, NULL, err);
    }
    if (v->device == STENCIL_GPU) {
        size_t free_b = 0, total_b = 0;
        double dev = bench_point_device_bytes(p);
        if (bench_gpu_free_memory(&free_b, &total_b, &perr) == STENCIL_OK && dev * 1.05 > (double)free_b) {
            snprintf(why, sizeof why,
                     "skipped: too large for device memory: needs %.2f GiB; %.2f GiB free of %.2f GiB",
                     dev * 1.05 / 1073741824.0, (double)free_b / 1073741824.0,
                     (double)total_b / 1073741824.0);
            s->points_skipped++;
            return status_row(rs, "skipped", why + strlen("skipped: "), why, NULL, err);
        }
    }
    if (s->reprobe && rs->grid_of && !(rs->grid_of->nz == p->nz && rs->grid_of->ny == p->ny &&
                                       rs->grid_of->nx == p->nx && rs->grid_of->dataset == p->dataset))
        reprobe(rs); /* before each grid after the first (the first had the study's probe) */
    st = prepare_grid(rs, p, &perr);
    if (st != STENCIL_OK) {
        const char *kind = st == STENCIL_ERR_NOMEM || st == STENCIL_ERR_UNAVAILABLE ? "skipped" : "failed";
        if (*kind == 'f')
            s->points_failed++;
        else
            s->points_skipped++;
        snprintf(why, sizeof why, "point %zu (%s): %.300s", i + 1, v->name, perr.msg);
        return status_row(rs, kind, perr.msg, kind, why, err);
    }
    base_row(rs, p, &rs->row);
    stencil_problem problem = {p->nz, p->ny, p->nx, plan->k, plan->scheme, p->threads, p->tuning,
                               0, 0, NULL, 0, 0};
    bench_problem_caches(&problem, &rs->caches);
    int have_ref = rs->ref_of && bench_point_same_reference(rs->ref_of, p);
    if (!have_ref && strcmp(v->name, "naive") == 0) {
        rs->ref_from_this = 1; /* naive is the reference: its first repetition becomes it */
    } else if (!have_ref) {
        stencil_problem rp = problem;
        rp.threads = 1;
        memset(&rp.tuning, 0, sizeof rp.tuning);
        /* Steps ascend within a grid: continue the held reference rather than start over
         * (Jacobi steps are a pure function of the field, so the bits are the same). */
        const bench_point *held = rs->ref_of;
        if (held && held->nz == p->nz && held->ny == p->ny && held->nx == p->nx &&
            held->dataset == p->dataset && held->steps < p->steps)
            st = bench_reference(&rp, rs->ref, p->steps - held->steps, rs->ref, &perr);
        else
            st = bench_reference(&rp, rs->input, p->steps, rs->ref, &perr);
        if (st != STENCIL_OK) {
            s->points_failed++;
            snprintf(why, sizeof why, "reference (naive) failed: %.300s", perr.msg);
            return status_row(rs, "failed", why, "failed: reference", NULL, err);
        }
        rs->ref_of = p;
    }
    /* Pinned points copy the input into page-locked memory (pageable uses it as it is). */
    float *in = rs->input, *out = rs->out;
    size_t bytes = p->nz * p->ny * p->nx * sizeof(float);
    if (p->host_memory == BENCH_HOST_PINNED && !rs->pin_in) {
        if (bench_host_alloc(bytes, 1, &rs->pin_in, &perr) != STENCIL_OK ||
            bench_host_alloc(bytes, 1, &rs->pin_out, &perr) != STENCIL_OK) {
            bench_host_free(rs->pin_in, 1);
            rs->pin_in = rs->pin_out = NULL;
            s->points_skipped++;
            snprintf(why, sizeof why, "pinned host memory: %.300s", perr.msg);
            return status_row(rs, "skipped", why, "skipped: pinned memory", NULL, err);
        }
        memcpy(rs->pin_in, rs->input, bytes);
    }
    if (p->host_memory == BENCH_HOST_PINNED) {
        in = rs->pin_in;
        out = rs->pin_out;
    }
    int first = s->first_rep ? s->first_rep[i] : 0;
    rs->first_rep = first;
    rs->write_status = STENCIL_OK;
    if (v->uses_ranks && s->ranks) { /* the other ranks join in (bench_study_serve) */
        bench_ranks_bcast_int(s->ranks, (int)i);
        bench_point_ranks_open(s->ranks, p->ranks, &rs->pr);
        problem.ranks = p->ranks;
        problem.comm = rs->pr.comm;
    }
    bench_sys_sample(s->sys, &rs->at_start);
    rs->load_before = rs->at_start.load1;
    if (v->device == STENCIL_GPU) {
        bench_gpu_sample(s->gpu, &rs->gpu_before);
        bench_gpu_watch_before(&rs->gpu, &rs->gpu_before);
    }
    rs->point_t0 = bench_now();
    /* MPI variants run exactly reps, unbatched: the other ranks (bench_study_serve) do */
    st = bench_measure_batched(v, &problem, in, p->steps, plan->warmup, first,
                               v->uses_ranks || plan->max_reps < plan->reps ? plan->reps : plan->max_reps,
                               v->uses_ranks ? 0.0 : plan->min_time_s, on_rep, rs, out, &perr);
    bench_point_ranks_close(&rs->pr);
    if (rs->write_status != STENCIL_OK) {
        *err = rs->write_err;
        return rs->write_status;
    }
    if (st != STENCIL_OK) {
        const char *kind = st == STENCIL_ERR_NOMEM || st == STENCIL_ERR_UNAVAILABLE ? "skipped" : "failed";
        snprintf(why, sizeof why, "%s on %zux%zux%zu: %.300s", v->name, p->nz, p->ny, p->nx, perr.msg);
        if (*kind == 'f')
            s->points_failed++;
        else
            s->points_skipped++;
        if (rs->nrep == 0)
            return status_row(rs, kind, perr.msg, kind, why, err);
        /* repetitions were recorded: no status row */
        bench_event ev = point_event(rs, *kind == 'f' ? BENCH_EV_POINT_FAILED : BENCH_EV_POINT_SKIPPED,
                                     kind);
        ev.detail = why;
        return emit(rs, &ev, err);
    }
    bench_event done = point_event(rs, BENCH_EV_POINT_DONE, rs->bad_cells ? "FAILED validation" : "ok");
    if (rs->bad_cells) {
        s->points_failed++;
        snprintf(why, sizeof why, "%s differs from naive in %zu cells; first: %.300s", v->name,
                 rs->bad_cells, rs->first_bad);
        done.detail = why;
    } else {
        s->points_run++;
    }
    if (rs->nrep && bench_noisy(rs->noise.ci_rel, plan->target_noise))
        s->points_noisy++;
    return emit(rs, &done, err);
}

stencil_status bench_study_run(bench_study *s, stencil_error *err)
{
    const bench_plan *plan = s->plan;
    run_state *rs = calloc(1, sizeof *rs);
    if (!rs)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory");
    rs->s = s;
    rs->caches = bench_cache_layout();
    rs->t0 = bench_now();
    rs->probes_now = *s->probes;
    s->nprobe_rounds = 1;
    s->probe_swing = NAN;
    s->probe_round_s[0] = 0.0;
    for (int t = 0; t < s->probes->nthreads; t++)
        s->probe_rounds[0][t] = s->probes->cpu_copy_gbps[t];
    /* the points' estimates carry the plan's other costs (references, inputs, probes) in
     * proportion, so that the first ETA is the plan's estimate and the bar ends at 100 % */
    double points_s = 0.0;
    for (size_t i = 0; i < plan->count; i++)
        points_s += bench_point_estimate_s(plan, &plan->points[i]);
    rs->est_scale = points_s > 0 ? fmax(bench_plan_estimate_s(plan) / points_s, 1.0) : 1.0;
    for (size_t i = 0; i < plan->count; i++)
        if (!point_done(s, i))
            rs->est_total += rs->est_scale * bench_point_estimate_s(plan, &plan->points[i]);
    bench_event ev = {.kind = BENCH_EV_STUDY_START, .rep = -1};
    stencil_status st = emit(rs, &ev, err);
    for (size_t i = 0; i < plan->count && st == STENCIL_OK; i++) {
        if (point_done(s, i))
            continue;
        if (*s->stop) {
            s->interrupted = 1;
            break;
        }
        rs->est_point = rs->est_scale * bench_point_estimate_s(plan, &plan->points[i]);
        st = run_point(rs, i, err);
        rs->est_before += rs->est_point;
        if (*s->stop) {
            s->interrupted = 1;
            break;
        }
    }
    if (s->ranks)
        bench_ranks_bcast_int(s->ranks, -1); /* the end, for bench_study_serve */
    if (s->reprobe && st == STENCIL_OK && !s->interrupted && rs->grid_of)
        reprobe(rs); /* after the last grid */
    s->wall_s = bench_now() - rs->t0;
    ev = (bench_event){.kind = BENCH_EV_STUDY_END, .rep = -1};
    stencil_error end_err;
    if (st == STENCIL_OK)
        st = emit(rs, &ev, err);
    else
        emit(rs, &ev, &end_err); /* the first error is the one to report */
    free(rs->input);
    free(rs->ref);
    free(rs->out);
    bench_host_free(rs->pin_in, 1);
    bench_host_free(rs->pin_out, 1);
    free(rs);
    return st;
}
