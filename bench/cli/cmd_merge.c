/* stencilbench merge: run folders (a Slurm array's tasks) joined into one run: their rows in
 * one timings.csv (read and written by the timings model, in this build's schema version, the
 * run_id made the merged run's; each row keeps its machine), and one machine.json whose top
 * level is the first task's record, with one record per node under "nodes" and the tasks'
 * run ids under "merged_from". */
#define _XOPEN_SOURCE 700
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

enum { MAX_INPUTS = 1024 };

static void merge_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench merge RUN_DIR               (a folder from stencilbench slurm)\n"
            "       stencilbench merge --out DIR RUN_DIR...  (any run folders)\n\n"
            "Joins run folders into one run: DIR/timings.csv holds every row of theirs\n"
            "(results/SCHEMA.md), DIR/machine.json one record per node. Given the folder written by\n"
            "stencilbench slurm, it merges its tasks/task-* folders into it (again after more tasks\n"
            "finish). A task with no timings.csv is reported (its log is in RUN_DIR/log) and the\n"
            "others are merged.\n\n"
            "Exit status: 0 merged; 1 merged, but a task had no rows; 2 bad input.\n");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = NULL;
    long len = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (len >= 0 && fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)len + 1))) {
        size_t n = fread(text, 1, (size_t)len, f);
        text[n] = '\0';
    }
    fclose(f);
    return text;
}

static int by_name(const void *a, const void *b)
{
    /* task-2 before task-10 */
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strlen(x), ly = strlen(y);
    return lx != ly ? (lx > ly) - (lx < ly) : strcmp(x, y);
}

/* The task folders of a slurm run folder, sorted; returns their count (0: not one). */
static int list_tasks(const char *dir, char **out, int max)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/job.sbatch", dir);
    if (access(path, F_OK) != 0)
        return 0;
    snprintf(path, sizeof path, "%s/tasks", dir);
    DIR *d = opendir(path);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) && n < max;)
        if (strncmp(e->d_name, "task-", 5) == 0) {
            out[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
            if (out[n])
                sprintf(out[n++], "%s/%s", path, e->d_name);
        }
    if (d)
        closedir(d);
    qsort(out, (size_t)n, sizeof *out, by_name);
    return n;
}

/* The merged machine.json: the first record, plus "nodes" (one record per hostname) and
 * "merged_from" (every input's run_id). */
static int write_machine(const char *dir, char **inputs, int n, const char *run_id)
{
    cJSON *top = NULL, *nodes = cJSON_CreateArray(), *from = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + 16];
        snprintf(path, sizeof path, "%s/machine.json", inputs[i]);
        char *text = slurp(path);
        cJSON *rec = text ? cJSON_Parse(text) : NULL;
        free(text);
        if (!rec)
            continue;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "run_id");
        const cJSON *host = cJSON_GetObjectItemCaseSensitive(rec, "hostname");
        cJSON_AddItemToArray(from, cJSON_CreateString(cJSON_IsString(id) ? id->valuestring : inputs[i]));
        int known = 0;
        const cJSON *node;
        cJSON_ArrayForEach(node, nodes) {
            const cJSON *h = cJSON_GetObjectItemCaseSensitive(node, "hostname");
            known |= cJSON_IsString(h) && cJSON_IsString(host) && strcmp(h->valuestring, host->valuestring) == 0;
        }
        if (!top)
            top = cJSON_Duplicate(rec, 1);
        if (!known)
            cJSON_AddItemToArray(nodes, rec);
        else
            cJSON_Delete(rec);
    }
    if (!top)
        top = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(top, "run_id");
    cJSON_AddStringToObject(top, "run_id", run_id);
    cJSON_AddItemToObject(top, "merged_from", from);
    cJSON_AddItemToObject(top, "nodes", nodes);
    char *text = cJSON_Print(top);
    cJSON_Delete(top);
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/machine.json", dir);
    FILE *f = text ? fopen(path, "w") : NULL;
    int ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    ok = f && fclose(f) == 0 && ok;
    free(text);
    return ok ? 0 : -1;
}

int bench_cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'h') {
            merge_usage(stdout);
            return BENCH_EXIT_OK;
        } else {
            merge_usage(stderr);
            return BENCH_EXIT_USAGE;
        }
    }
    int given = argc - optind;
    char **inputs = calloc(MAX_INPUTS, sizeof *inputs);
    int n = 0, owned = 0, status = BENCH_EXIT_USAGE, missing = 0;
    bench_timings t = {0};
    stencil_error err = {{0}};
    char dir[PATH_MAX], path[PATH_MAX + 32], tmp[PATH_MAX + 32], run_id[128];
    FILE *csv = NULL;
    if (!inputs)
        return BENCH_EXIT_FAILED;
    if (given == 1 && !out && (n = list_tasks(argv[optind], inputs, MAX_INPUTS)) > 0) {
        owned = 1;
        snprintf(dir, sizeof dir, "%s", argv[optind]);
    } else if (given == 1 && !out) {
        fprintf(stderr, "stencilbench merge: %s is not a folder from stencilbench slurm with "
                        "tasks/task-* in it: to join run folders, give --out DIR and the folders\n",
                argv[optind]);
        goto done;
    } else if (given < 1 || !out) {
        fprintf(stderr, "stencilbench merge: give a slurm run folder, or --out DIR and run folders\n");
        merge_usage(stderr);
        goto done;
    } else {
        for (int i = optind; i < argc && n < MAX_INPUTS; i++)
            inputs[n++] = argv[i];
        snprintf(dir, sizeof dir, "%s", out);
    }
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/timings.csv", inputs[i]);
        if (access(path, F_OK) != 0) {
            if (!owned) {
                fprintf(stderr, "stencilbench merge: %s has no timings.csv: not a run folder\n", inputs[i]);
                goto done;
            }
            fprintf(stderr, "stencilbench merge: %s wrote no timings.csv (its log: %s/log/)\n",
                    inputs[i], dir);
            missing++;
            continue;
        }
        if (bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench merge: %s\n", err.msg);
            goto done;
        }
    }
    if (!owned && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "stencilbench merge: cannot create %s: %s\n", dir, strerror(errno));
        goto done;
    }
    snprintf(path, sizeof path, "%s/timings.csv", dir);
    if (!owned && access(path, F_OK) == 0) {
        fprintf(stderr, "stencilbench merge: %s exists: choose another --out\n", path);
        goto done;
    }
    status = BENCH_EXIT_FAILED;
    char *abs = realpath(dir, NULL);
    const char *base = abs && strrchr(abs, '/') ? strrchr(abs, '/') + 1 : dir;
    snprintf(run_id, sizeof run_id, "%.127s", base);
    free(abs);
    /* a new file beside the old, renamed over it once whole */
    snprintf(tmp, sizeof tmp, "%s/.timings.csv.merging", dir);
    unlink(tmp);
    int version;
    if (bench_csv_open(tmp, &csv, &version, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench merge: %s\n", err.msg);
        goto done;
    }
    for (size_t i = 0; i < t.count; i++) {
        snprintf(t.rows[i].run_id, sizeof t.rows[i].run_id, "%.127s", run_id);
        if (bench_csv_write(csv, version, &t.rows[i], &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench merge: %s\n", err.msg);
            goto done;
        }
    }
    int closed = fclose(csv);
    csv = NULL;
    if (closed != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "stencilbench merge: cannot write %s: %s\n", path, strerror(errno));
        goto done;
    }
    if (write_machine(dir, inputs, n, run_id) != 0) {
        fprintf(stderr, "stencilbench merge: cannot write %s/machine.json\n", dir);
        goto done;
    }
    printf("%s: %zu rows from %d run folder%s%s\n", path, t.count, n - missing, n - missing == 1 ? "" : "s",
           missing ? "; some tasks wrote nothing (above)" : "");
    status = missing ? BENCH_EXIT_FAILED : BENCH_EXIT_OK;
done:
    if (csv)
        fclose(csv);
    bench_timings_free(&t);
    if (owned)
        for (int i = 0; i < n; i++)
            free(inputs[i]);
    free(inputs);
    return status;
}
