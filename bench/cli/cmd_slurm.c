/* stencilbench slurm: a study as a Slurm job array. Writes a new run folder with the study
 * (study.ini, resolved on each compute node as `stencilbench run` resolves it) and job.sbatch:
 * one array task per set of points (a variant, and for MPI variants a rank count), each task
 * a `stencilbench run` into tasks/task-<i>/, MPI tasks launched with srun (or mpirun). When
 * the tasks are done, `stencilbench merge RUN_DIR` joins them into RUN_DIR. --submit runs
 * sbatch and queues the merge after the array. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cli/cli.h"
#include "harness/machine.h"
#include "harness/plan.h"

enum { MAX_TASKS = 256 };

typedef struct slurm_task {
    const stencil_variant *variant;
    int ranks;
} slurm_task;

static void slurm_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench slurm --config STUDY.ini [--set KEY=VALUE]... [--nodes N]\n"
            "                          [--partition P] [--time T] [--account A] [--out DIR]\n"
            "                          [--launcher srun|mpirun] [--srun-flags FLAGS] [--submit]\n\n"
            "Writes a Slurm job array for a study into a new run folder (default\n"
            "results/runs/<utc-time>-slurm): study.ini, job.sbatch (one array task per variant,\n"
            "and per rank count for MPI variants; MPI tasks start under srun, or mpirun), log/.\n"
            "Each task runs `stencilbench run` into DIR/tasks/task-<i>; then\n"
            "`stencilbench merge DIR` joins them into DIR/timings.csv and DIR/machine.json.\n\n"
            "  --config FILE      the study (configs/*.ini)\n"
            "  --set KEY=VALUE    override a key of [study] (e.g. --set variants=naive,mpi)\n"
            "  --nodes N          nodes per task (default 1); MPI ranks spread over them\n"
            "  --partition P, --time T, --account A    passed to #SBATCH as given\n"
            "  --launcher L       srun (default) or mpirun, for the MPI tasks\n"
            "  --srun-flags F     extra srun flags, e.g. --mpi=pmix\n"
            "  --submit           sbatch the array now, and the merge after it (needs sbatch)\n\n"
            "Exit status: 0 written (and submitted); 2 bad input, or --submit without Slurm.\n");
}

static int mkdirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%.4000s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Single-quoted for the shell. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

typedef struct slurm_options {
    const char *config, *out, *partition, *time, *account, *launcher, *srun_flags;
    long nodes;
    int submit;
} slurm_options;

static int write_script(const char *path, const char *dir, const char *binary, const slurm_options *o,
                        const slurm_task *tasks, int ntasks, int max_ranks)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "#!/bin/bash\n# A stencilbench study as a Slurm job array (stencilbench slurm). Submit it with\n"
               "#   sbatch %s/job.sbatch\n# and, when every task is done, join the tasks' runs:\n"
               "#   stencilbench merge %s\n", dir, dir);
    fprintf(f, "#SBATCH --job-name=stencilbench\n#SBATCH --array=0-%d\n", ntasks - 1);
    fprintf(f, "#SBATCH --output=%s/log/task-%%a.out\n#SBATCH --nodes=%ld\n#SBATCH --ntasks=%d\n",
            dir, o->nodes, max_ranks);
    fprintf(f, "#SBATCH --exclusive\n");
    if (o->partition)
        fprintf(f, "#SBATCH --partition=%s\n", o->partition);
    if (o->time)
        fprintf(f, "#SBATCH --time=%s\n", o->time);
    if (o->account)
        fprintf(f, "#SBATCH --account=%s\n", o->account);
    fprintf(f, "set -u\nsb=");
    put_quoted(f, binary);
    fprintf(f, "\ndir=");
    put_quoted(f, dir);
    fprintf(f, "\nvariants=(");
    for (int i = 0; i < ntasks; i++)
        fprintf(f, "%s%s", i ? " " : "", tasks[i].variant->name);
    fprintf(f, ")\nranks=(");
    for (int i = 0; i < ntasks; i++)
        fprintf(f, "%s%d", i ? " " : "", tasks[i].ranks);
    fprintf(f, ")\nmpi=(");
    for (int i = 0; i < ntasks; i++)
        fprintf(f, "%s%d", i ? " " : "", tasks[i].variant->uses_ranks);
    fprintf(f, ")\ni=${SLURM_ARRAY_TASK_ID:?run this script with sbatch}\n"
               "args=(run --config \"$dir/study.ini\" --variant \"${variants[$i]}\" --ranks \"${ranks[$i]}\"\n"
               "      --out \"$dir/tasks/task-$i\" --no-plots)\n"
               "echo \"task $i on $(hostname): ${variants[$i]}, ${ranks[$i]} rank(s)\"\n"
               "if [ \"${mpi[$i]}\" = 1 ]; then\n");
    if (o->launcher && strcmp(o->launcher, "mpirun") == 0)
        fprintf(f, "    exec mpirun -n \"${ranks[$i]}\" \"$sb\" \"${args[@]}\"\n");
    else
        fprintf(f, "    exec srun --ntasks=\"${ranks[$i]}\" %s \"$sb\" \"${args[@]}\"\n",
                o->srun_flags ? o->srun_flags : "");
    fprintf(f, "fi\nexec \"$sb\" \"${args[@]}\"\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* sbatch the array, then the merge after it; 0, or the exit status. */
static int submit(const char *dir, const char *binary)
{
    char cmd[4 * PATH_MAX], jid[64] = "";
    snprintf(cmd, sizeof cmd, "sbatch --parsable '%.4000s/job.sbatch'", dir);
    FILE *p = popen(cmd, "r");
    if (!p || !fgets(jid, sizeof jid, p)) {
        if (p)
            pclose(p);
        fprintf(stderr, "stencilbench slurm: sbatch failed: %s (the script stays in %s)\n", cmd, dir);
        return BENCH_EXIT_FAILED;
    }
    int rc = pclose(p);
    jid[strcspn(jid, ";\n")] = '\0';
    if (rc != 0 || !*jid) {
        fprintf(stderr, "stencilbench slurm: sbatch failed (exit %d)\n", rc);
        return BENCH_EXIT_FAILED;
    }
    snprintf(cmd, sizeof cmd, "sbatch --parsable --dependency=afterany:%s --job-name=stencilbench-merge "
             "--output='%.3000s/log/merge.out' --wrap \"'%.3000s' merge '%.3000s'\" >/dev/null", jid, dir,
             binary, dir);
    rc = system(cmd);
    printf("submitted job array %s; the merge runs after it (%s/log/merge.out)%s\n", jid, dir,
           rc == 0 ? "" : " -- no: submitting the merge failed; run stencilbench merge yourself");
    return rc == 0 ? BENCH_EXIT_OK : BENCH_EXIT_FAILED;
}

int bench_cmd_slurm(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'}, {"set", required_argument, 0, 's'},
        {"nodes", required_argument, 0, 'N'},  {"partition", required_argument, 0, 'p'},
        {"time", required_argument, 0, 't'},   {"account", required_argument, 0, 'A'},
        {"out", required_argument, 0, 'o'},    {"launcher", required_argument, 0, 'L'},
        {"srun-flags", required_argument, 0, 'F'}, {"submit", no_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    slurm_options o = {.nodes = 1};
    const char *sets[32];
    int nsets = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o.config = optarg; break;
        case 's':
            if (nsets == 32) {
                fprintf(stderr, "stencilbench slurm: at most 32 --set\n");
                return BENCH_EXIT_USAGE;
            }
            sets[nsets++] = optarg;
            break;
        case 'N':
            if (!bench_cli_int("--nodes", optarg, 1, 100000, &o.nodes))
                return BENCH_EXIT_USAGE;
            break;
        case 'p': o.partition = optarg; break;
        case 't': o.time = optarg; break;
        case 'A': o.account = optarg; break;
        case 'o': o.out = optarg; break;
        case 'L': o.launcher = optarg; break;
        case 'F': o.srun_flags = optarg; break;
        case 'S': o.submit = 1; break;
        case 'h': slurm_usage(stdout); return BENCH_EXIT_OK;
        default: slurm_usage(stderr); return BENCH_EXIT_USAGE;
        }
    }
    if (optind < argc || !o.config) {
        fprintf(stderr, optind < argc ? "stencilbench slurm: unexpected argument '%s'\n"
                                      : "stencilbench slurm: give the study: --config STUDY.ini\n",
                optind < argc ? argv[optind] : "");
        slurm_usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    if (o.launcher && strcmp(o.launcher, "srun") != 0 && strcmp(o.launcher, "mpirun") != 0) {
        fprintf(stderr, "stencilbench slurm: --launcher %s: use srun or mpirun\n", o.launcher);
        return BENCH_EXIT_USAGE;
    }
    if (o.submit && system("command -v sbatch >/dev/null 2>&1") != 0) {
        fprintf(stderr, "stencilbench slurm: --submit: sbatch is not on PATH here (Slurm absent): "
                        "run it on the cluster's login node, or leave out --submit and sbatch the "
                        "script there\n");
        return BENCH_EXIT_USAGE;
    }
    io_study_config *config = malloc(sizeof *config);
    bench_plan *plan = calloc(1, sizeof *plan);
    slurm_task *tasks = calloc(MAX_TASKS, sizeof *tasks);
    int status = BENCH_EXIT_USAGE, ntasks = 0;
    stencil_error err = {{0}};
    char dir[PATH_MAX], path[PATH_MAX + 32], binary[PATH_MAX];
    if (!config || !plan || !tasks) {
        fprintf(stderr, "stencilbench: out of memory\n");
        status = BENCH_EXIT_FAILED;
        goto done;
    }
    io_config_defaults(config);
    if (io_config_load(o.config, config, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench slurm: %s\n", err.msg);
        goto done;
    }
    for (int i = 0; i < nsets; i++) {
        char key[64];
        const char *eq = strchr(sets[i], '=');
        if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof key) {
            fprintf(stderr, "stencilbench slurm: --set %s: write KEY=VALUE\n", sets[i]);
            goto done;
        }
        snprintf(key, sizeof key, "%.*s", (int)(eq - sets[i]), sets[i]);
        if (io_config_set(config, key, eq + 1, "--set", &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench slurm: %s\n", err.msg);
            goto done;
        }
    }
    /* The plan here only checks the study and lists its sets of points; each task plans again
     * on its node (auto grids and cores are that node's). */
    bench_topology topo;
    if (bench_topology_read(&topo, &err) != STENCIL_OK)
        memset(&topo, 0, sizeof topo);
    if (bench_plan_build(config, &topo, plan, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench slurm: %s\n", err.msg);
        goto done;
    }
    for (size_t i = 0; i < plan->count; i++) {
        const bench_point *p = &plan->points[i];
        int seen = 0;
        for (int t = 0; t < ntasks && !seen; t++)
            seen = tasks[t].variant == p->variant && tasks[t].ranks == p->ranks;
        if (!seen && ntasks < MAX_TASKS)
            tasks[ntasks++] = (slurm_task){p->variant, p->ranks};
    }
    if (o.out) {
        snprintf(dir, sizeof dir, "%s", o.out);
    } else {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
        snprintf(dir, sizeof dir, "results/runs/%s-slurm", stamp);
    }
    snprintf(path, sizeof path, "%s/job.sbatch", dir);
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "stencilbench slurm: %s exists: choose another --out\n", path);
        goto done;
    }
    snprintf(path, sizeof path, "%s/log", dir);
    char *abs = NULL;
    if (mkdirs(path) != 0 || !(abs = realpath(dir, NULL))) {
        fprintf(stderr, "stencilbench slurm: cannot create %s: %s\n", path, strerror(errno));
        goto done;
    }
    snprintf(dir, sizeof dir, "%s", abs);
    free(abs);
    ssize_t n = readlink("/proc/self/exe", binary, sizeof binary - 1);
    binary[n > 0 ? n : 0] = '\0';
    snprintf(path, sizeof path, "%s/study.ini", dir);
    status = BENCH_EXIT_FAILED;
    if (io_config_write(config, path, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench slurm: %s\n", err.msg);
        goto done;
    }
    snprintf(path, sizeof path, "%s/job.sbatch", dir);
    if (write_script(path, dir, binary, &o, tasks, ntasks, plan->max_ranks > 1 ? plan->max_ranks : 1) != 0) {
        fprintf(stderr, "stencilbench slurm: cannot write %s: %s\n", path, strerror(errno));
        goto done;
    }
    printf("%s: a job array of %d task%s (%zu points", path, ntasks, ntasks == 1 ? "" : "s", plan->count);
    if (plan->any_mpi)
        printf("; MPI tasks of up to %d ranks under %s", plan->max_ranks, o.launcher ? o.launcher : "srun");
    printf(")\n");
    if (o.submit) {
        status = submit(dir, binary);
    } else {
        printf("submit it: sbatch %s\nthen, when the tasks are done: stencilbench merge %s\n", path, dir);
        status = BENCH_EXIT_OK;
    }
done:
    bench_plan_free(plan);
    free(plan);
    free(tasks);
    free(config);
    return status;
}
