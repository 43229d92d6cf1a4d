#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <hwloc.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/machine.h"
#include "harness/probe.h"
#include "harness/study.h"
#include "stencilbench_git.h"
#include "stencilbench_version.h"
#include "harness/timer.h"

/* Build facts, passed by CMake as compile definitions of this file. */
#ifndef STENCILBENCH_C_COMPILER
#define STENCILBENCH_C_COMPILER ""
#endif
#ifndef STENCILBENCH_C_FLAGS
#define STENCILBENCH_C_FLAGS ""
#endif
#ifndef STENCILBENCH_CUDA_COMPILER
#define STENCILBENCH_CUDA_COMPILER ""
#endif


static void add_cache(bench_topology *t, int level, const char *type, size_t size)
{
    for (int i = 0; i < t->ncaches; i++)
        if (t->caches[i].level == level && t->caches[i].size_bytes == size &&
            strcmp(t->caches[i].type, type) == 0) {
            t->caches[i].count++;
            return;
        }
    if (t->ncaches == BENCH_MAX_CACHES)
        return;
    bench_cache *c = &t->caches[t->ncaches++];
    c->level = level;
    snprintf(c->type, sizeof c->type, "%s", type);
    c->size_bytes = size;
    c->count = 1;
}

stencil_status bench_topology_read(bench_topology *t, stencil_error *err)
{
    memset(t, 0, sizeof *t);
    t->cores = 1;
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return stencil_fail(err, STENCIL_ERR_DEVICE, "hwloc_topology_init failed");
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        return stencil_fail(err, STENCIL_ERR_DEVICE, "hwloc_topology_load failed");
    }
    int n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE);
    t->packages = n > 0 ? n : 1;
    n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
    t->cores = n > 0 ? n : 1;
    n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
    t->pus = n > 0 ? n : t->cores;
    n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
    t->numa_nodes = n > 0 ? n : 1;
    hwloc_obj_t root = hwloc_get_root_obj(topo);
    t->memory_bytes = root->total_memory;
    hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
    const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
    if (!model)
        model = hwloc_obj_get_info_by_name(root, "CPUModel");
    snprintf(t->cpu_model, sizeof t->cpu_model, "%s", model ? model : "");
    for (hwloc_obj_type_t type = HWLOC_OBJ_L1CACHE; type <= HWLOC_OBJ_L3ICACHE; type++) {
        if (!hwloc_obj_type_is_cache(type))
            continue;
        hwloc_obj_t obj = NULL;
        while ((obj = hwloc_get_next_obj_by_type(topo, type, obj)) != NULL) {
            const char *kind = obj->attr->cache.type == HWLOC_OBJ_CACHE_DATA          ? "data"
                               : obj->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION ? "instruction"
                                                                                      : "unified";
            size_t size = (size_t)obj->attr->cache.size;
            add_cache(t, (int)obj->attr->cache.depth, kind, size);
            if (obj->attr->cache.depth == 2 && size > t->l2_bytes)
                t->l2_bytes = size;
            if (obj->attr->cache.depth == 3 && size > t->l3_bytes)
                t->l3_bytes = size;
        }
    }
    size_t l2_total = 0;
    for (int i = 0; i < t->ncaches; i++) {
        if (t->caches[i].level == 3)
            t->llc_total_bytes += t->caches[i].size_bytes * (size_t)t->caches[i].count;
        if (t->caches[i].level == 2)
            l2_total += t->caches[i].size_bytes * (size_t)t->caches[i].count;
    }
    if (!t->llc_total_bytes)
        t->llc_total_bytes = l2_total;
    hwloc_topology_destroy(topo);
    return STENCIL_OK;
}

stencil_status bench_probes_run(const int *threads, int nthreads, int want_gpu, bench_probes *p,
                                stencil_error *err)
{
    double t0 = bench_now();
    memset(p, 0, sizeof *p);
    p->gpu_copy_gbps = p->pinned_h2d_gbps = p->pinned_d2h_gbps = -1.0;
    p->pageable_h2d_gbps = p->pageable_d2h_gbps = -1.0;
    size_t bytes = bench_copy_probe_bytes();
    for (int i = 0; i < nthreads && i < BENCH_MAX_THREAD_COUNTS; i++) {
        p->thread_counts[i] = threads[i];
        p->cpu_copy_gbps[i] = bench_cpu_copy_gbps(threads[i], bytes, 10);
        if (p->cpu_copy_gbps[i] <= 0)
            return stencil_fail(err, STENCIL_ERR_NOMEM,
                                "the copy probe could not allocate 2 x %zu bytes", bytes);
        p->nthreads = i + 1;
    }
    stencil_error gerr = {{0}};
    if (want_gpu) {
        if (bench_gpu_query(&p->gpu, &gerr) == STENCIL_OK) {
            p->have_gpu = 1;
            size_t gbytes = (size_t)256 << 20;
            if (p->gpu.l2_bytes && gbytes < 8 * p->gpu.l2_bytes)
                gbytes = 8 * p->gpu.l2_bytes;
            if (bench_gpu_copy_gbps(gbytes, 20, &p->gpu_copy_gbps, &gerr) != STENCIL_OK ||
                bench_gpu_transfer_gbps((size_t)256 << 20, 1, 5, &p->pinned_h2d_gbps,
                                        &p->pinned_d2h_gbps, &gerr) != STENCIL_OK ||
                bench_gpu_transfer_gbps((size_t)256 << 20, 0, 5, &p->pageable_h2d_gbps,
                                        &p->pageable_d2h_gbps, &gerr) != STENCIL_OK)
                snprintf(p->gpu_why, sizeof p->gpu_why, "GPU probe failed: %.200s", gerr.msg);
        } else {
            snprintf(p->gpu_why, sizeof p->gpu_why, "%.250s", gerr.msg);
        }
    } else {
        snprintf(p->gpu_why, sizeof p->gpu_why, "no GPU variant in the study");
    }
    p->seconds = bench_now() - t0;
    return STENCIL_OK;
}

double bench_probes_cpu(const bench_probes *p, int threads)
{
    int best = -1;
    for (int i = 0; i < p->nthreads; i++)
        if (best < 0 || abs(p->thread_counts[i] - threads) < abs(p->thread_counts[best] - threads))
            best = i;
    return best < 0 ? -1.0 : p->cpu_copy_gbps[best];
}

void bench_git_commit(char *buf, size_t len)
{
    snprintf(buf, len, "%s", STENCILBENCH_GIT_COMMIT);
}

static cJSON *number_or_null(double v)
{
    return v >= 0 ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *string_or_null(const char *s)
{
    return s && *s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *real_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *state_json(const bench_sys_facts *f)
{
    if (!f)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON *load = cJSON_AddArrayToObject(o, "loadavg");
    if (isfinite(f->load1)) {
        cJSON_AddItemToArray(load, cJSON_CreateNumber(f->load1));
        cJSON_AddItemToArray(load, cJSON_CreateNumber(f->load5));
        cJSON_AddItemToArray(load, cJSON_CreateNumber(f->load15));
    }
    cJSON_AddItemToObject(o, "online_cpus", f->online_cpus > 0 ? cJSON_CreateNumber(f->online_cpus)
                                                                : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "cgroup_cpu_quota", real_or_null(f->cgroup_cpus));
    cJSON_AddItemToObject(o, "governor", string_or_null(f->governor));
    cJSON_AddItemToObject(o, "cpu_max_mhz", real_or_null(f->max_mhz));
    cJSON_AddItemToObject(o, "smt", f->smt < 0 ? cJSON_CreateNull() : cJSON_CreateBool(f->smt));
    cJSON_AddItemToObject(o, "kernel", string_or_null(f->kernel));
    cJSON_AddItemToObject(o, "os", string_or_null(f->os));
    return o;
}

static cJSON *gpu_snap_json(const bench_gpu_snap *s)
{
    if (!s)
        return cJSON_CreateNull();
    char words[160];
    bench_gpu_reasons_text(s->reasons, words, sizeof words);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "sm_mhz", real_or_null(s->sm_mhz));
    cJSON_AddItemToObject(o, "mem_mhz", real_or_null(s->mem_mhz));
    cJSON_AddItemToObject(o, "temp_c", real_or_null(s->temp_c));
    cJSON_AddItemToObject(o, "power_w", real_or_null(s->power_w));
    cJSON_AddItemToObject(o, "throttle", string_or_null(words));
    return o;
}

/* state.gpu: NVML's facts and readings, null where it said nothing */
static cJSON *gpu_state_json(const bench_record_info *info)
{
    const bench_gpu_facts *f = info->gpu_facts;
    if (!f)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "nvml", f->nvml);
    cJSON_AddItemToObject(o, "why", string_or_null(f->nvml ? "" : f->why));
    cJSON_AddItemToObject(o, "matched_by", string_or_null(f->matched_by));
    cJSON_AddItemToObject(o, "name", string_or_null(f->name));
    cJSON_AddItemToObject(o, "driver_version", string_or_null(f->driver));
    cJSON_AddItemToObject(o, "max_sm_mhz", real_or_null(f->max_sm_mhz));
    cJSON_AddItemToObject(o, "max_mem_mhz", real_or_null(f->max_mem_mhz));
    cJSON_AddItemToObject(o, "power_limit_w", real_or_null(f->power_limit_w));
    cJSON_AddItemToObject(o, "before", gpu_snap_json(info->gpu_before));
    cJSON_AddItemToObject(o, "after", gpu_snap_json(info->gpu_after));
    return o;
}

static const char *const omp_vars[] = {"OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES",
                                       "OMP_SCHEDULE",    "OMP_DYNAMIC",   "OMP_WAIT_POLICY",
                                       "OMP_STACKSIZE",   "GOMP_CPU_AFFINITY"};

stencil_status bench_machine_json_write(const char *path, const bench_record_info *info,
                                        const bench_topology *t, const bench_probes *p,
                                        const void *config_json, stencil_error *err)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory writing %s", path);
    char commit[128], label[400];
    bench_git_commit(commit, sizeof commit);
    cJSON_AddNumberToObject(o, "schema_version", 1);
    cJSON_AddStringToObject(o, "run_id", info->run_id);
    cJSON_AddStringToObject(o, "stencilbench_version", STENCILBENCH_VERSION);
    cJSON_AddItemToObject(o, "git_commit", string_or_null(commit));
    cJSON_AddStringToObject(o, "hostname", info->hostname);
    snprintf(label, sizeof label, "%s (%d cores)", *t->cpu_model ? t->cpu_model : info->hostname,
             t->cores);
    if (p->have_gpu)
        snprintf(label, sizeof label, "%s", p->gpu.name);
    cJSON_AddStringToObject(o, "label", label);

    cJSON *cpu = cJSON_AddObjectToObject(o, "cpu");
    cJSON_AddItemToObject(cpu, "model", string_or_null(t->cpu_model));
    cJSON_AddNumberToObject(cpu, "packages", t->packages);
    cJSON_AddNumberToObject(cpu, "cores", t->cores);
    cJSON_AddNumberToObject(cpu, "pus", t->pus);
    cJSON_AddNumberToObject(cpu, "numa_nodes", t->numa_nodes);
    cJSON_AddNumberToObject(cpu, "memory_bytes", (double)t->memory_bytes);
    cJSON *caches = cJSON_AddArrayToObject(cpu, "caches");
    for (int i = 0; i < t->ncaches; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddNumberToObject(c, "level", t->caches[i].level);
        cJSON_AddStringToObject(c, "type", t->caches[i].type);
        cJSON_AddNumberToObject(c, "size_bytes", (double)t->caches[i].size_bytes);
        cJSON_AddNumberToObject(c, "count", t->caches[i].count);
        cJSON_AddItemToArray(caches, c);
    }

    cJSON *bind = cJSON_AddObjectToObject(o, "binding");
    cJSON_AddItemToObject(bind, "OMP_PROC_BIND", string_or_null(getenv("OMP_PROC_BIND")));
    cJSON_AddItemToObject(bind, "OMP_PLACES", string_or_null(getenv("OMP_PLACES")));
    cJSON_AddStringToObject(bind, "method",
                            "OpenMP places: one thread per core (OMP_PROC_BIND/OMP_PLACES as "
                            "above, set to close/cores unless the user set them); fields "
                            "first-touched by the threads that compute on them");
    static const char *const binds[] = {"false", "true", "master", "close", "spread"};
    int pb = (int)omp_get_proc_bind();
    cJSON_AddStringToObject(bind, "omp_proc_bind", pb >= 0 && pb <= 4 ? binds[pb] : "unknown");
    cJSON_AddNumberToObject(bind, "omp_num_places", omp_get_num_places());
    cJSON *env = cJSON_AddObjectToObject(o, "omp_env");
    for (size_t i = 0; i < sizeof omp_vars / sizeof omp_vars[0]; i++)
        cJSON_AddItemToObject(env, omp_vars[i], string_or_null(getenv(omp_vars[i])));

    cJSON *comp = cJSON_AddObjectToObject(o, "compiler");
    cJSON_AddStringToObject(comp, "c", STENCILBENCH_C_COMPILER);
    cJSON_AddStringToObject(comp, "c_flags", STENCILBENCH_C_FLAGS);
    cJSON_AddItemToObject(comp, "cuda", string_or_null(STENCILBENCH_CUDA_COMPILER));

    if (p->have_gpu) {
        cJSON *g = cJSON_AddObjectToObject(o, "gpu");
        char cc[16];
        snprintf(cc, sizeof cc, "%d.%d", p->gpu.cc_major, p->gpu.cc_minor);
        cJSON_AddStringToObject(g, "name", p->gpu.name);
        cJSON_AddStringToObject(g, "cc", cc);
        cJSON_AddNumberToObject(g, "sms", p->gpu.sms);
        cJSON_AddNumberToObject(g, "memory_bytes", (double)p->gpu.global_mem_bytes);
        cJSON_AddNumberToObject(g, "l2_bytes", (double)p->gpu.l2_bytes);
        cJSON_AddNumberToObject(g, "sm_clock_khz", p->gpu.sm_clock_khz);
        cJSON_AddNumberToObject(g, "mem_clock_khz", p->gpu.mem_clock_khz);
        cJSON_AddNumberToObject(g, "mem_bus_bits", p->gpu.mem_bus_bits);
        cJSON_AddNumberToObject(g, "driver_version", p->gpu.driver_version);
        cJSON_AddNumberToObject(g, "runtime_version", p->gpu.runtime_version);
        cJSON_AddStringToObject(g, "pci_bus_id", p->gpu.pci_bus_id);
    } else {
        cJSON_AddNullToObject(o, "gpu");
    }
    cJSON_AddItemToObject(o, "gpu_unavailable_reason", string_or_null(p->have_gpu ? "" : p->gpu_why));

    cJSON *pr = cJSON_AddObjectToObject(o, "probes");
    cJSON *cc = cJSON_AddObjectToObject(pr, "cpu_copy_gbps");
    for (int i = 0; i < p->nthreads; i++) {
        char key[16];
        snprintf(key, sizeof key, "%d", p->thread_counts[i]);
        cJSON_AddNumberToObject(cc, key, p->cpu_copy_gbps[i]);
    }
    cJSON_AddItemToObject(pr, "gpu_copy_gbps", number_or_null(p->gpu_copy_gbps));
    cJSON_AddItemToObject(pr, "pinned_h2d_gbps", number_or_null(p->pinned_h2d_gbps));
    cJSON_AddItemToObject(pr, "pinned_d2h_gbps", number_or_null(p->pinned_d2h_gbps));
    cJSON_AddItemToObject(pr, "pageable_h2d_gbps", number_or_null(p->pageable_h2d_gbps));
    cJSON_AddItemToObject(pr, "pageable_d2h_gbps", number_or_null(p->pageable_d2h_gbps));
    cJSON_AddNumberToObject(pr, "cpu_copy_bytes", (double)bench_copy_probe_bytes());
    cJSON_AddNumberToObject(pr, "seconds", p->seconds);
    cJSON *rounds = cJSON_AddArrayToObject(pr, "cpu_copy_rounds");
    for (int k = 0; k < info->nprobe_rounds && info->probe_rounds; k++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "at_s", info->probe_round_s ? info->probe_round_s[k] : 0.0);
        cJSON *g = cJSON_AddObjectToObject(r, "gbps");
        for (int i = 0; i < p->nthreads; i++) {
            char key[16];
            snprintf(key, sizeof key, "%d", p->thread_counts[i]);
            cJSON_AddItemToObject(g, key, number_or_null(info->probe_rounds[k][i]));
        }
        cJSON_AddItemToArray(rounds, r);
    }
    cJSON_AddItemToObject(pr, "cpu_copy_swing", real_or_null(info->probe_swing));
    cJSON_AddBoolToObject(pr, "cpu_copy_unsteady", isfinite(info->probe_swing) &&
                                                       info->probe_swing > BENCH_PROBE_SWING);
    cJSON *state = cJSON_AddObjectToObject(o, "state");
    cJSON_AddItemToObject(state, "before", state_json(info->state_before));
    cJSON_AddItemToObject(state, "after", state_json(info->state_after));
    cJSON_AddItemToObject(state, "sweep_other_cpu", real_or_null(info->sweep_other_cpu));
    cJSON_AddItemToObject(state, "sweep_steal", real_or_null(info->sweep_steal));
    cJSON_AddItemToObject(state, "gpu", gpu_state_json(info));

    cJSON *cfg = config_json ? cJSON_Duplicate((const cJSON *)config_json, 1) : cJSON_CreateNull();
    cJSON_AddItemToObject(o, "config", cfg);
    cJSON_AddItemToObject(o, "dataset", string_or_null(info->dataset));
    cJSON_AddStringToObject(o, "started_utc", info->started_utc);
    cJSON_AddItemToObject(o, "finished_utc", string_or_null(info->finished_utc));
    cJSON_AddBoolToObject(o, "interrupted", info->interrupted);
    cJSON_AddNumberToObject(o, "resumed", info->resumed);
    cJSON *ov = cJSON_AddObjectToObject(o, "overhead");
    cJSON_AddItemToObject(ov, "sweep_wall_s", number_or_null(info->sweep_wall_s));
    cJSON_AddItemToObject(ov, "sweep_measured_s", number_or_null(info->sweep_measured_s));
    cJSON_AddItemToObject(ov, "probes_s", number_or_null(p->seconds));

    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory writing %s", path);
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    stencil_status st = STENCIL_OK;
    if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0 || fclose(f) != 0 || rename(tmp, path) != 0)
        st = stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    free(text);
    return st;
}
