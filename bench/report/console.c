#define _DEFAULT_SOURCE
#include <math.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <string.h>

#include "analysis/noise.h"
#include "analysis/stats.h"
#include "harness/sysstate.h"
#include "report/report.h"

static void fmt_time(char *buf, size_t len, double s)
{
    if (!isfinite(s) || s < 0)
        s = 0;
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else
        snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
}

static void progress(const bench_console *c, const bench_event *ev)
{
    const bench_plan *plan = ev->plan;
    const bench_point *p = ev->point;
    double done = ev->est_done_s;
    double scale = done > 0 && ev->elapsed_s > 1.0 ? ev->elapsed_s / done : 1.0;
    double left = (ev->est_total_s - done) * scale;
    double frac = ev->est_total_s > 0 ? done / ev->est_total_s : 1.0;
    if (frac > 1)
        frac = 1;
    char bar[26], eta[32];
    int fill = (int)(frac * 24);
    for (int i = 0; i < 24; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[24] = '\0';
    fmt_time(eta, sizeof eta, left);
    char reps[48];
    if (plan->max_reps > plan->reps)
        snprintf(reps, sizeof reps, "%d/%d..%d", ev->rep + 1, plan->reps, plan->max_reps);
    else
        snprintf(reps, sizeof reps, "%d/%d", ev->rep + 1, plan->reps);
    char line[512];
    int len = snprintf(line, sizeof line, "[%s] %3.0f%% point %zu/%zu %s t=%d %zux%zux%zu steps=%d rep %s  ETA %s",
            bar, 100 * frac, ev->index + 1, plan->count, p->variant->name, p->threads, p->nz,
            p->ny, p->nx, p->steps, reps, eta);
    /* one terminal line: a line that wraps leaves its first part behind at every update */
    int cols = bench_console_columns(fileno(c->err));
    if (cols > 1 && len >= cols)
        line[cols - 1] = '\0';
    fprintf(c->err, "\r\033[K%s", line);
    fflush(c->err);
}

static void clear_progress(const bench_console *c)
{
    if (c->tty)
        fprintf(c->err, "\r\033[K");
}

int bench_console_compact(const bench_console *c)
{
    return c->cols > 0 && c->cols < BENCH_CONSOLE_WIDE;
}

int bench_console_columns(int fd)
{
    const char *env = getenv("COLUMNS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (!*end && v > 0 && v < 100000)
            return (int)v;
    }
    struct winsize ws;
    if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 0;
}

/* A GPU point held down for power or temperature, or whose SM clock fell, after the note. */
static void gpu_note(const bench_gpu_watch *w, char *note, size_t cap, size_t used)
{
    if (!w || used >= cap)
        return;
    if (bench_gpu_watch_throttled(w)) {
        char words[160];
        bench_gpu_reasons_text(w->throttled, words, sizeof words);
        used += (size_t)snprintf(note + used, cap - used, "  GPU THROTTLED: %s", words);
    }
    if (used < cap && bench_gpu_watch_dropped(w))
        snprintf(note + used, cap - used, "  GPU SM clock fell %.0f%% (%.0f -> %.0f MHz)",
                 100 * w->drop, w->drop_from, w->drop_to);
}

static void point_line(const bench_console *c, const bench_event *ev)
{
    const bench_point *p = ev->point;
    FILE *o = c->out;
    clear_progress(c);
    char grid[48], mem[16] = "", tag[32];
    snprintf(grid, sizeof grid, "%zux%zux%zu", p->nz, p->ny, p->nx);
    if (p->host_memory != BENCH_HOST_NONE)
        snprintf(mem, sizeof mem, "%s", bench_host_memory_name(p->host_memory));
    snprintf(tag, sizeof tag, "[%zu/%zu]", ev->index + 1, ev->plan->count);
    size_t n = ev->nrep > 0 ? (size_t)ev->nrep : 0;
    double med = n ? bench_median(ev->compute_s, n) : NAN;
    double rate = bench_cell_updates(p->nz, p->ny, p->nx, p->steps) / med;
    double gbps = rate * p->variant->bytes_per_cell / 1e9;
    /* the point's noise and the machine beside it, after its status */
    char note[360] = "";
    if (n && ev->kind == BENCH_EV_POINT_DONE) {
        size_t used = 0;
        if (bench_noisy(ev->ci_rel, ev->plan->target_noise))
        {
            char by[32] = "over 100%";
            if (ev->ci_rel < 1)
                snprintf(by, sizeof by, "%.1f%%", 100 * ev->ci_rel);
            used += (size_t)snprintf(note, sizeof note, "  NOISY: median +-%s after %zu reps%s", by,
                                     n, ev->stop == BENCH_STOP_TIME ? " (time cap)" : "");
        }
        if (used < sizeof note && ((isfinite(ev->other_cpu) && ev->other_cpu > BENCH_BUSY_OTHER) ||
                                   (isfinite(ev->steal) && ev->steal > BENCH_BUSY_STEAL)))
            used += (size_t)snprintf(note + used, sizeof note - used, "  busy: other processes %.0f%% of the CPUs%s",
                     100 * ev->other_cpu, isfinite(ev->steal) && ev->steal > BENCH_BUSY_STEAL ? ", steal" : "");
        gpu_note(ev->gpu, note, sizeof note, used);
    }
    if (bench_console_compact(c)) {
        /* a narrow terminal: the figures that matter on one line, the rest on the next */
        char rate_s[16] = "-", copy_s[16] = "-";
        if (n) {
            snprintf(rate_s, sizeof rate_s, "%.3f", rate / 1e9);
            snprintf(copy_s, sizeof copy_s, "%.0f%%", 100 * gbps / ev->copy_gbps);
        }
        /* a status longer than the line has room for: its first word here, all of it below */
        int fits = 64 + (int)strlen(ev->status) <= c->cols;
        fprintf(o, "%-7s %-13s %3d %-14s %5d %8s %5s  %.*s\n", tag, p->variant->name, p->threads,
                grid, p->steps, rate_s, copy_s,
                fits ? (int)strlen(ev->status) : (int)strcspn(ev->status, ": "), ev->status);
        if (!fits)
            fprintf(o, "        %s\n", ev->status);
        int tuned = strcmp(p->tuning_text, "default") != 0;
        if (tuned || *mem || *note)
            fprintf(o, "        %s%s%s%s%s\n", tuned ? "tuning " : "", tuned ? p->tuning_text : "",
                    *mem && tuned ? ", " : "", mem, *note ? note + (tuned || *mem ? 0 : 2) : "");
    } else if (n)
        fprintf(o, "%-7s %-13s %3d %-20s %-14s %5d %-8s %10.6f %8.3f %8.2f %5.0f%% %9.3g  %s%s\n",
                tag, p->variant->name, p->threads, p->tuning_text, grid, p->steps, mem, med,
                rate / 1e9, gbps, 100 * gbps / ev->copy_gbps, ev->max_abs_err, ev->status, note);
    else
        fprintf(o, "%-7s %-13s %3d %-20s %-14s %5d %-8s %10s %8s %8s %6s %9s  %s\n", tag,
                p->variant->name, p->threads, p->tuning_text, grid, p->steps, mem, "-", "-", "-",
                "-", "-", ev->status);
    const bench_probes *pr = ev->probes;
    if (n && p->variant->device == STENCIL_GPU && pr->have_gpu) {
        /* GPU: time per step, and transfers beside the probe for this host memory */
        int pinned = p->host_memory == BENCH_HOST_PINNED;
        double gb = (double)(p->nz * p->ny * p->nx) * sizeof(float) / 1e9;
        double up = gb / bench_median(ev->h2d_s, n), down = gb / bench_median(ev->d2h_s, n);
        double up_probe = pinned ? pr->pinned_h2d_gbps : pr->pageable_h2d_gbps;
        double down_probe = pinned ? pr->pinned_d2h_gbps : pr->pageable_d2h_gbps;
        fprintf(o, "        %.2f us/step; %s h2d %.1f GB/s (%.0f%% of probe), d2h %.1f GB/s (%.0f%%)\n",
                p->steps ? 1e6 * med / p->steps : 0.0, mem, up, 100 * up / up_probe, down,
                100 * down / down_probe);
    }
    fflush(o);
}

stencil_status bench_console_report(void *ctx, const bench_event *ev, stencil_error *err)
{
    (void)err;
    bench_console *c = ctx;
    if (c->quiet) { /* failures still reach stderr */
        if (ev->detail)
            fprintf(c->err, "stencilbench: %s\n", ev->detail);
        return STENCIL_OK;
    }
    switch (ev->kind) {
    case BENCH_EV_STUDY_START:
        if (bench_console_compact(c))
            fprintf(c->out, "%-7s %-13s %3s %-14s %5s %8s %5s  %s\n", "point", "variant", "thr",
                    "grid", "steps", "Gcell/s", "copy", "status");
        else
        fprintf(c->out, "%-7s %-13s %3s %-20s %-14s %5s %-8s %10s %8s %8s %6s %9s  %s\n", "point",
                "variant", "thr", "tuning", "grid", "steps", "memory", "compute_s", "Gcell/s", "GB/s",
                "copy", "max_err", "status");
        break;
    case BENCH_EV_POINT_START:
    case BENCH_EV_REP:
        if (c->tty)
            progress(c, ev);
        break;
    case BENCH_EV_POINT_SKIPPED:
        if (ev->row && strncmp(ev->row->status, "skipped:unavailable", 19) == 0) {
            /* a variant that cannot run here: said once, at its first point */
            int said = 0;
            for (int i = 0; i < c->nunavailable && !said; i++)
                said = c->unavailable[i] == ev->point->variant;
            if (said) {
                clear_progress(c);
                break;
            }
            if (c->nunavailable < BENCH_CONSOLE_MAX_UNAVAILABLE)
                c->unavailable[c->nunavailable++] = ev->point->variant;
            bench_event once = *ev;
            char status[160];
            snprintf(status, sizeof status, "%s; its other points too", ev->status);
            once.status = status;
            point_line(c, &once);
            break;
        }
        /* fall through */
    case BENCH_EV_POINT_DONE:
    case BENCH_EV_POINT_FAILED:
        point_line(c, ev);
        if (ev->detail) {
            clear_progress(c);
            fprintf(c->err, "stencilbench: %s\n", ev->detail);
        }
        break;
    case BENCH_EV_STUDY_END:
        clear_progress(c);
        break;
    }
    return STENCIL_OK;
}
