/* stencilbench model: the course's diffusion run on ocean data, netCDF in, netCDF out. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <netcdf.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dataset.h"
#include "size.h"
#include "field_check.h"
#include "writer.h"
#include "cli/cli.h"
#include "cli/model_support.h"
#include "gpu/gpu.h"
#include "harness/measure.h"
#include "harness/probe.h"
#include "harness/timer.h"
#include "stencilbench_version.h"

static void model_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench model [options]\n\n"
            "Runs the diffusion model on one time slice of a netCDF variable and writes the\n"
            "prediction as netCDF: same depth/latitude/longitude and coordinates as the input, a\n"
            "'step' axis holding the snapshots (the input as step 0, then every --save-every\n"
            "steps and the last; its values are the timesteps completed: the model has no\n"
            "physical time step, so it is not a CF time axis), fill cells kept as fill.\n"
            "Prints, like the course:\n"
            "  <variant> model completed in X seconds. Average time per timestep: Y seconds.\n"
            "(compute time; GPU variants report host<->device transfers on their own line).\n"
            "GPU variants are timed, as stencilbench run times them, after an untimed warm-up\n"
            "(one upload, the chunk lengths of the run, one download: kernels loaded, CUDA\n"
            "graphs captured), and move the field through pinned (page-locked) host memory,\n"
            "or pageable memory with a note where pinned memory cannot be had.\n\n"
            "  --variant V      a registered variant (default: the fastest that takes the grid:\n"
            "                   a GPU variant if one can run, then the highest expected-speed\n"
            "                   rank; on a GPU the two highest ranked are timed on the field\n"
            "                   first and the faster runs)\n"
            "  --steps N        timesteps (default: 100)\n"
            "  --input F        netCDF input (default: the synthetic default dataset, see\n"
            "                   stencilbench generate --help)\n"
            "  --output F       netCDF output (default: predicted_temperatures_<variant>.nc);\n"
            "                   replaced only once the new file is complete; never the input\n"
            "  --var NAME       the variable (default: thetao)\n"
            "  --time-index I   the input time slice to start from (default: 0)\n"
            "  --save-every M   a snapshot every M steps, and the last (default: 10)\n"
            "  --scheme S       course (6*T, default) or insulated (n*T)\n"
            "  --k K            diffusion coefficient, 0 < K <= 1 (default: 0.1)\n"
            "  --threads T      threads for threaded variants (default: all cores)\n"
            "  --writer W       thread: snapshots are written to the file by a writer thread\n"
            "                   while the next chunks run, through a ring of host buffers: one\n"
            "                   for each snapshot still to write (so that the loop need not\n"
            "                   wait for the writer, which finishes after the last chunk), up to\n"
            "                   min(2 GiB, a quarter of the memory available) in all and %d\n"
            "                   buffers, never fewer than %d; inline: each snapshot written\n"
            "                   before the next chunk starts (one buffer); auto (default):\n"
            "                   thread for GPU variants, inline for CPU variants (a writer\n"
            "                   thread would take a core from the threads being timed). The\n"
            "                   file is the same either way; only compute and transfers are\n"
            "                   timed, never the writing\n\n"
            "Ctrl-C (or SIGTERM) stops after the current snapshot: nothing is written, the\n"
            "partial file is removed and the exit status is 130.\n", BENCH_MODEL_RING_CAP,
            BENCH_MODEL_RING_MIN_THREADED);
}


/* Global and variable attributes of the prediction. */
/* Parses the flags into a; returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, bench_model_args *a)
{
    static const struct option opts[] = {
        {"variant", required_argument, 0, 'v'},    {"steps", required_argument, 0, 's'},
        {"input", required_argument, 0, 'i'},      {"output", required_argument, 0, 'o'},
        {"var", required_argument, 0, 'V'},        {"time-index", required_argument, 0, 't'},
        {"save-every", required_argument, 0, 'm'}, {"scheme", required_argument, 0, 'S'},
        {"k", required_argument, 0, 'k'},          {"threads", required_argument, 0, 'T'},
        {"writer", required_argument, 0, 'w'},     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    stencil_error err = {{0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int ok = 1;
        switch (c) {
        case 'v':
            a->v = stencil_variant_find(optarg);
            if (!a->v) {
                fprintf(stderr, "stencilbench model: unknown variant '%s'; ", optarg);
                bench_cli_list_variants();
                ok = 0;
            }
            break;
        case 's': ok = bench_cli_int("--steps", optarg, 1, 100000000, &a->steps); break;
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case 'V': a->var = optarg; break;
        case 't': ok = bench_cli_int("--time-index", optarg, 0, 1L << 40, &a->time_index); break;
        case 'm': ok = bench_cli_int("--save-every", optarg, 1, 100000000, &a->save_every); break;
        case 'T': ok = bench_cli_int("--threads", optarg, 1, 4096, &a->threads); break;
        case 'k':
            ok = bench_cli_double("--k", optarg, -INFINITY, INFINITY, &a->k);
            if (ok && !(a->k > 0.0 && a->k <= 1.0)) {
                fprintf(stderr, "stencilbench: --k %s: the diffusion coefficient must be in (0, 1]\n", optarg);
                ok = 0;
            }
            break;
        case 'S':
            if (stencil_scheme_parse(optarg, &a->scheme, &err) != STENCIL_OK) {
                fprintf(stderr, "stencilbench: --scheme: %s\n", err.msg);
                ok = 0;
            }
            break;
        case 'w':
            if (strcmp(optarg, "auto") == 0)
                a->writer = BENCH_MODEL_WRITER_AUTO;
            else if (strcmp(optarg, "thread") == 0)
                a->writer = BENCH_MODEL_WRITER_THREAD;
            else if (strcmp(optarg, "inline") == 0)
                a->writer = BENCH_MODEL_WRITER_INLINE;
            else {
                fprintf(stderr, "stencilbench model: --writer %s: want thread, inline or auto\n", optarg);
                ok = 0;
            }
            break;
        case 'h': model_usage(stdout); return BENCH_EXIT_OK;
        default: model_usage(stderr); return BENCH_EXIT_USAGE;
        }
        if (!ok)
            return BENCH_EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr, "stencilbench model: unexpected argument '%s' (the input is --input FILE)\n",
                argv[optind]);
        return BENCH_EXIT_USAGE;
    }
    return -1;
}

typedef struct model_times {
    double h2d, compute, d2h;
    long warm_steps; /* GPU variants: timesteps of the untimed warm-up */
} model_times;

/* The one global: set by SIGINT or SIGTERM, read between chunks of steps. */
static volatile sig_atomic_t model_stop = 0;

static void on_stop_signal(int sig)
{
    (void)sig;
    model_stop = 1;
}

static stencil_status put_snapshot(void *w, size_t snap, const float *field, stencil_error *err)
{
    return io_writer_put(w, snap, field, err);
}

/* prepare, (GPU variants: an untimed warm-up,) upload, then run in chunks of save_every steps,
 * downloading a snapshot into a free slot of the ring after each, which writes it (threaded: on
 * its writer thread while the next chunk runs); only upload, run and download are timed. A stop
 * signal ends the loop after the current chunk; the snapshots not yet written are then dropped
 * (the caller abandons the file), as after an error. Every snapshot is written (or dropped) and
 * the writer thread ended before this returns. */
static stencil_status run_model(const bench_model_args *a, const stencil_problem *problem,
                                const float *input, float *const *slots, int nslots, int threaded,
                                io_writer *w, model_times *tm, long *steps_done, stencil_error *err)
{
    const stencil_variant *v = a->v;
    void *state = NULL;
    bench_model_ring *ring = NULL;
    const int progress = isatty(STDERR_FILENO);
    stencil_status st = v->prepare(problem, &state, err);
    if (st == STENCIL_OK && v->device == STENCIL_GPU)
        st = bench_model_warm_up(v, state, input, slots[0], a->steps, a->save_every,
                                 &tm->warm_steps, err);
    if (st == STENCIL_OK)
        st = bench_time_stage(v, state, BENCH_STAGE_UPLOAD, input, slots[0], 0, &tm->h2d, err);
    if (st == STENCIL_OK)
        st = bench_model_ring_start(slots, nslots, threaded, put_snapshot, w, &ring, err);
    size_t snap = 1; /* snapshot 0 is the input, written by the caller */
    *steps_done = 0;
    for (long done = 0; done < a->steps && st == STENCIL_OK && !model_stop; snap++) {
        float *out = NULL;
        st = bench_model_ring_acquire(ring, &out, err); /* a failed write stops the loop */
        if (st != STENCIL_OK || model_stop)
            break;
        int chunk = (int)(a->steps - done < a->save_every ? a->steps - done : a->save_every);
        double run_s = 0, d2h_s = 0;
        st = bench_time_stage(v, state, BENCH_STAGE_RUN, input, out, chunk, &run_s, err);
        if (st == STENCIL_OK)
            st = bench_time_stage(v, state, BENCH_STAGE_DOWNLOAD, input, out, 0, &d2h_s, err);
        done += chunk;
        *steps_done = done;
        tm->compute += run_s;
        tm->d2h += d2h_s;
        if (st == STENCIL_OK)
            bench_model_ring_submit(ring, snap);
        if (progress)
            fprintf(stderr, "\r%s: step %ld of %ld (%3.0f %%)", v->name, done, a->steps,
                    100.0 * (double)done / (double)a->steps);
    }
    if (ring && (st != STENCIL_OK || model_stop))
        bench_model_ring_stop(ring);
    stencil_error werr = {{0}};
    stencil_status wst = bench_model_ring_finish(ring, &werr);
    if (st == STENCIL_OK && wst != STENCIL_OK) {
        st = wst;
        *err = werr;
    }
    if (progress)
        fprintf(stderr, "\r%60s\r", "");
    v->release(state);
    return st;
}

/* The output's path: --output, else predicted_temperatures_<variant>.nc; never the input. */
static stencil_status name_output(const bench_model_args *a, const char *input, char *output, size_t len,
                                  stencil_error *err)
{
    if (a->output)
        snprintf(output, len, "%s", a->output);
    else
        snprintf(output, len, "predicted_temperatures_%s.nc", a->v->name);
    if (io_same_file(input, output))
        return stencil_fail(err, STENCIL_ERR_ARG, "the output '%s' is the input file; choose another "
                            "--output (the input is never overwritten)", output);
    return STENCIL_OK;
}

/* model's default on a GPU: the two fastest GPU variants that take the grid, in rank order,
 * timed on the field itself (bench_model_trial); a->v becomes the faster, named on stderr with
 * the figures. */
enum { MODEL_RIVALS = 2 };
static stencil_status trial(bench_model_args *a, const stencil_variant *const *rivals, int n,
                            const stencil_problem *problem, const float *field, float *scratch,
                            const char *declined, stencil_error *err)
{
    double per_step[MODEL_RIVALS];
    char why[MODEL_RIVALS][BENCH_MODEL_TRIAL_WHY];
    int best = 0;
    stencil_status st = bench_model_trial(rivals, n, problem, (int)a->threads, field, scratch, a->steps,
                                          a->save_every, bench_time_stage, per_step, why, &best, err);
    if (st != STENCIL_OK)
        return st;
    a->v = rivals[best];
    char line[2048];
    bench_model_trial_line(line, sizeof line, rivals, n, per_step, why, best,
                           bench_model_trial_steps(a->steps, a->save_every), declined);
    fprintf(stderr, "stencilbench model: %s\n", line);
    return STENCIL_OK;
}

/* Says in memory (and in a note on stderr) that only got of the want snapshot buffers could be
 * had; how is "pinned" or "pageable", why the failure's message. */
static void fewer_slots(char *memory, size_t memory_len, const char *how, int got, int want,
                        const char *why)
{
    size_t len = strlen(memory);
    if (len > 0 && memory[len - 1] == ')') /* "...)" becomes "...; ...)" */
        len--;
    snprintf(memory + len, memory_len - len, "%s%d of the %d snapshot buffers wanted: %.200s)",
             len < strlen(memory) ? "; " : " (", got, want, why);
    fprintf(stderr, "stencilbench model: note: %s host memory for %d of the %d snapshot buffers "
                    "wanted (%s): the loop may wait for the snapshot writer\n", how, got, want, why);
}

/* The input field (*input) and up to want snapshot buffers (slots[0..*got-1], least or more),
 * bytes each: for a GPU variant in pinned (page-locked) host memory (*pinned = 1, *pin_s the
 * seconds cudaMallocHost took), so that every copy runs at the link's speed; where pinned
 * memory runs out after the input and least buffers, that many (a note on stderr says so);
 * where it runs out before, all pageable, with why in memory and a note on stderr. CPU
 * variants: pageable (fewer than want likewise). On failure none is left allocated. Free each
 * with bench_host_free(p, *pinned). */
static stencil_status model_fields(size_t bytes, int gpu, int want, int least, float **input,
                                   float **slots, int *got, int *pinned, double *pin_s,
                                   char *memory, size_t memory_len, stencil_error *err)
{
    *pinned = 0;
    *pin_s = 0;
    *got = 0;
    *input = NULL;
    snprintf(memory, memory_len, "pageable host memory");
    if (gpu) {
        stencil_error perr = {{0}};
        double t0 = bench_now();
        int n = 0;
        void *p = NULL;
        if (bench_host_alloc(bytes, 1, &p, &perr) == STENCIL_OK) {
            *input = p;
            while (n < want && bench_host_alloc(bytes, 1, &p, &perr) == STENCIL_OK)
                slots[n++] = p;
        }
        if (*input && n >= least) {
            *pin_s = bench_now() - t0;
            *pinned = 1;
            *got = n;
            snprintf(memory, memory_len, "pinned host memory (%d x %.1f MiB, allocated in %.3g "
                     "seconds, untimed)", 1 + n, (double)bytes / 1048576.0, *pin_s);
            if (n < want)
                fewer_slots(memory, memory_len, "pinned", n, want, perr.msg);
            return STENCIL_OK;
        }
        bench_host_free(*input, 1);
        *input = NULL;
        for (int i = 0; i < n; i++) {
            bench_host_free(slots[i], 1);
            slots[i] = NULL;
        }
        snprintf(memory, memory_len, "pageable host memory (no pinned memory: %.300s)", perr.msg);
        fprintf(stderr, "stencilbench model: note: %s: transfers will be slower\n", memory);
    }
    int n = 0;
    if ((*input = malloc(bytes)))
        while (n < want && (slots[n] = malloc(bytes)))
            n++;
    if (*input && n >= least) {
        *got = n;
        if (n < want)
            fewer_slots(memory, memory_len, "pageable", n, want, "out of memory");
        return STENCIL_OK;
    }
    free(*input);
    *input = NULL;
    for (int i = 0; i < n; i++) {
        free(slots[i]);
        slots[i] = NULL;
    }
    return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for %d fields of %.1f MiB",
                        1 + least, (double)bytes / 1048576.0);
}

static int model_main(int argc, char **argv)
{
    bench_model_args a = {NULL, NULL, NULL, IO_DEFAULT_VAR, 100, 0, 10, omp_get_num_procs(), 0.1,
                    STENCIL_SCHEME_COURSE, BENCH_MODEL_WRITER_AUTO};
    int status = parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    stencil_error err = {{0}};
    char why[400] = "";
    if (stencil_scheme_unstable(a.scheme, a.k, why, sizeof why))
        fprintf(stderr, "stencilbench model: warning: %s\n", why);
    why[0] = '\0';
    const int pick = !a.v; /* no --variant: the fastest that takes the dataset's grid, below */
    if (pick && !stencil_variant_fastest()) {
        fprintf(stderr, "stencilbench model: no variant can run here (stencilbench list says why)\n");
        return BENCH_EXIT_USAGE;
    } else if (!pick && !a.v->available(why, sizeof why)) {
        fprintf(stderr, "stencilbench model: variant %s cannot run here: %s (stencilbench list "
                        "shows the ones that can)\n", a.v->name, why);
        return BENCH_EXIT_USAGE;
    }
    char input[4096], output[4096];
    if (a.input)
        snprintf(input, sizeof input, "%s", a.input);
    else if (bench_default_input(input, sizeof input, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench model: %s\n", err.msg);
        return BENCH_EXIT_USAGE;
    }
    a.input = input;

    io_dataset ds;
    io_writer *w = NULL;
    float *field = NULL, **slots = NULL; /* the input; the snapshot ring's nslots buffers */
    int pinned = 0, nslots = 0;
    double pin_s = 0;
    char memory[512];
    status = BENCH_EXIT_USAGE;
    if (model_stop) { /* while the default dataset was generated */
        fprintf(stderr, "stencilbench model: interrupted before the first step; %s%s written\n",
                a.output ? a.output : "nothing", a.output ? " was not" : " was");
        return BENCH_EXIT_INTERRUPTED;
    }
    output[0] = '\0';
    if (io_dataset_open(input, a.var, &ds, &err) != STENCIL_OK)
        goto fail;
    stencil_problem problem = {ds.nz, ds.ny, ds.nx, (float)a.k, a.scheme, 1, {0}, 0, 0, NULL, 0, 0};
    const bench_caches caches = bench_cache_layout();
    bench_problem_caches(&problem, &caches);
    const stencil_variant *rivals[MODEL_RIVALS] = {NULL};
    size_t nrivals = 0;
    char declined[1024] = "";
    if (pick) {
        nrivals = stencil_variant_candidates_for(&problem, (int)a.threads, rivals, MODEL_RIVALS, declined,
                                                 sizeof declined, &err);
        if (!nrivals) {
            status = BENCH_EXIT_FAILED;
            goto fail;
        }
        a.v = rivals[0];
        if (nrivals > 1 && a.v->device != STENCIL_GPU)
            nrivals = 1; /* on a CPU the rank order decides (no trial) */
        if (declined[0] && nrivals == 1)
            fprintf(stderr, "stencilbench model: running %s, the fastest variant that takes this "
                            "%zux%zux%zu grid here (declined: %s)\n", a.v->name, ds.nz, ds.ny, ds.nx, declined);
    }
    problem.threads = a.v->uses_threads ? (int)a.threads : 1;
    if ((size_t)a.time_index >= ds.nt) {
        stencil_fail(&err, STENCIL_ERR_ARG, "--time-index %ld is out of range: '%s' in %s has %zu "
                     "time%s (0 to %zu)", a.time_index, ds.var, input, ds.nt, ds.nt == 1 ? "" : "s",
                     ds.nt - 1);
        goto fail;
    }
    if (name_output(&a, input, output, sizeof output, &err) != STENCIL_OK)
        goto fail;
    size_t cells, bytes;
    if (io_size_field(ds.nz, ds.ny, ds.nx, sizeof(float), &cells, &bytes, input, &err) != STENCIL_OK)
        goto fail;
    /* The input as step 0, then every save_every steps and the last. */
    const size_t snapshots = 1 + (size_t)((a.steps + a.save_every - 1) / a.save_every);
    const int threaded = a.writer == BENCH_MODEL_WRITER_THREAD ||
                         (a.writer == BENCH_MODEL_WRITER_AUTO && a.v->device == STENCIL_GPU);
    const int want = bench_model_ring_slots(snapshots, bytes, bench_model_ring_budget(), threaded);
    if (!(slots = calloc((size_t)want, sizeof *slots))) {
        stencil_fail(&err, STENCIL_ERR_NOMEM, "out of memory");
        status = BENCH_EXIT_FAILED;
        goto fail;
    }
    if (model_fields(bytes, a.v->device == STENCIL_GPU, want,
                     threaded ? BENCH_MODEL_RING_MIN_THREADED : 1, &field, slots, &nslots, &pinned,
                     &pin_s, memory, sizeof memory, &err) != STENCIL_OK) {
        status = BENCH_EXIT_FAILED;
        goto fail;
    }
    size_t fills = 0;
    if (io_dataset_read(&ds, (size_t)a.time_index, field, &fills, &err) != STENCIL_OK)
        goto fail;
    stencil_error bad;
    if (io_field_check(field, ds.nz, ds.ny, ds.nx, &bad) != STENCIL_OK) {
        stencil_fail(&err, STENCIL_ERR_IO, "'%s' in %s at time index %ld: %s", ds.var, input,
                     a.time_index, bad.msg);
        goto fail;
    }
    if (fills == cells) {
        stencil_fail(&err, STENCIL_ERR_IO, "'%s' in %s at time index %ld holds only fill values: "
                     "there is no water to model", ds.var, input, a.time_index);
        goto fail;
    }
    if (nrivals > 1) { /* the faster of the two on this field; its name may be the output's */
        if (trial(&a, rivals, (int)nrivals, &problem, field, slots[0], declined, &err) != STENCIL_OK)
            goto fail;
        problem.threads = a.v->uses_threads ? (int)a.threads : 1;
        if (name_output(&a, input, output, sizeof output, &err) != STENCIL_OK)
            goto fail;
    }
    io_axis axes[IO_AXES];
    memcpy(axes, ds.axes, sizeof axes);
    double *steps_done = malloc(snapshots * sizeof *steps_done);
    if (!steps_done) {
        stencil_fail(&err, STENCIL_ERR_NOMEM, "out of memory");
        status = BENCH_EXIT_FAILED;
        goto fail;
    }
    for (size_t i = 0; i < snapshots; i++)
        steps_done[i] = (double)((long)i * a.save_every < a.steps ? (long)i * a.save_every : a.steps);
    snprintf(axes[IO_AXIS_TIME].name, IO_NAME_LEN, "step");
    axes[IO_AXIS_TIME].units[0] = '\0';
    axes[IO_AXIS_TIME].len = snapshots;
    axes[IO_AXIS_TIME].values = steps_done;
    axes[IO_AXIS_TIME].nc_type = NC_INT;
    stencil_status st = io_writer_create(output, axes, ds.var, &ds, &w, &err);
    free(steps_done);
    if (st != STENCIL_OK || bench_model_describe(w, &a, &ds, snapshots, &err) != STENCIL_OK ||
        io_writer_put(w, 0, field, &err) != STENCIL_OK)
        goto fail;

    model_times tm = {0, 0, 0, 0};
    long completed = 0;
    st = run_model(&a, &problem, field, slots, nslots, threaded, w, &tm, &completed, &err);
    if (st == STENCIL_OK && (completed < a.steps || model_stop)) {
        fprintf(stderr, "stencilbench model: interrupted after %ld of %ld steps; %s was not "
                        "written (the partial file is removed)\n", completed, a.steps, output);
        io_writer_abort(w);
        status = BENCH_EXIT_INTERRUPTED;
        goto done;
    }
    if (st != STENCIL_OK) {
        status = st == STENCIL_ERR_IO || st == STENCIL_ERR_ARG ? BENCH_EXIT_USAGE : BENCH_EXIT_FAILED;
        goto fail;
    }
    st = io_writer_commit(w, &err); /* a stop now lets it finish: the file is whole or absent */
    w = NULL;
    if (st != STENCIL_OK)
        goto fail;
    printf("%s model completed in %.6g seconds. Average time per timestep: %.6g seconds.\n",
           a.v->name, tm.compute, tm.compute / (double)a.steps);
    double ours = bench_cell_updates(ds.nz, ds.ny, ds.nx, 1);
    double course = a.steps > 2 && ds.nz > 2 && ds.ny > 2
                        ? (double)(a.steps - 2) * (double)(ds.nz - 2) * (double)(ds.ny - 2) * (double)ds.nx
                        : 0.0;
    printf("(the course's NumPy/CuPy loop tiles the field into (%ld, %zu, %zu, %zu) and updates "
           "(steps-2)x%zux%zux%zu = %.3g cells per step, %.3gx this model's %.3g, so its seconds "
           "grow with the steps squared: compare cell updates per second, below, never seconds)\n",
           a.steps, ds.nz, ds.ny, ds.nx, ds.nz > 2 ? ds.nz - 2 : 0, ds.ny > 2 ? ds.ny - 2 : 0, ds.nx,
           course, ours > 0 ? course / ours : 0.0, ours);
    if (a.v->device == STENCIL_GPU) {
        char line[1024];
        bench_model_transfer_line(line, sizeof line, a.v->name, tm.h2d, tm.d2h, snapshots - 1,
                                  bytes, memory);
        printf("%s\n(timed after an untimed warm-up of %ld steps in this run's chunk lengths, "
               "with an upload and a download, as stencilbench run warms up)\n", line,
               tm.warm_steps);
    }
    printf("grid %zux%zux%zu (%.1f %% fill), %ld steps, scheme %s, k=%g: %.3g cell updates per "
           "second\n", ds.nz, ds.ny, ds.nx, 100.0 * (double)fills / (double)cells, a.steps,
           stencil_scheme_name(a.scheme), a.k,
           tm.compute > 0 ? bench_cell_updates(ds.nz, ds.ny, ds.nx, (int)a.steps) / tm.compute : 0.0);
    printf("wrote %s (%zu snapshots: the input as step 0, every %ld steps and the last)\n", output,
           snapshots, a.save_every);
    status = BENCH_EXIT_OK;
    if (model_stop) {
        fprintf(stderr, "stencilbench model: interrupted while writing %s, which was finished "
                        "first (it is complete)\n", output);
        status = BENCH_EXIT_INTERRUPTED;
    }
    goto done;
fail:
    fprintf(stderr, "stencilbench model: %s\n", err.msg);
    io_writer_abort(w);
done:
    bench_host_free(field, pinned);
    for (int i = 0; i < nslots; i++)
        bench_host_free(slots[i], pinned);
    free(slots);
    io_dataset_close(&ds);
    return status;
}

int bench_cmd_model(int argc, char **argv)
{
    /* The handler comes first, so that a stop at any point (while the default dataset is
     * generated, before the first step, during the final write) ends the run in order: the
     * output is written whole or not at all, and no temporary file is left. */
    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESTART; /* reads and writes go on; the flag is checked between stages */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    int status = model_main(argc, argv);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    return status;
}
