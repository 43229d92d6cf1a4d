/* plots/index.html (chart.h): the machine summary and every chart, text HTML-escaped. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

static void html_row(plot_buf *h, const char *key, const char *value)
{
    plot_buf_printf(h, "<tr><th>");
    plot_buf_html(h, key);
    plot_buf_printf(h, "</th><td>");
    plot_buf_html(h, value && *value ? value : "unknown");
    plot_buf_printf(h, "</td></tr>\n");
}

static void machine_table(const plot_ctx *c, plot_buf *h)
{
    const cJSON *j = c->run.m.json, *cpu = cJSON_GetObjectItemCaseSensitive(j, "cpu"),
                *gpu = cJSON_GetObjectItemCaseSensitive(j, "gpu"),
                *probes = cJSON_GetObjectItemCaseSensitive(j, "probes"),
                *comp = cJSON_GetObjectItemCaseSensitive(j, "compiler");
    char v[512];
    plot_buf_printf(h, "<table class=\"machine\">\n");
    html_row(h, "machine", c->run.m.label);
    html_row(h, "run", plot_json_str(j, "run_id"));
    html_row(h, "host", plot_json_str(j, "hostname"));
    html_row(h, "CPU", cJSON_IsObject(cpu) ? plot_json_str(cpu, "model") : NULL);
    if (cJSON_IsObject(cpu)) {
        double pk = plot_json_num(cpu, "packages"), co = plot_json_num(cpu, "cores"),
               pu = plot_json_num(cpu, "pus"), nu = plot_json_num(cpu, "numa_nodes");
        snprintf(v, sizeof v,
                 "%.0f package%s, %.0f core%s, %.0f hardware thread%s, %.0f NUMA node%s, %.1f GiB memory", pk,
                 pk == 1 ? "" : "s", co, co == 1 ? "" : "s", pu, pu == 1 ? "" : "s", nu, nu == 1 ? "" : "s",
                 plot_json_num(cpu, "memory_bytes") / (1024.0 * 1024 * 1024));
        html_row(h, "CPU topology", v);
    }
    v[0] = '\0';
    for (int i = 0; i < c->run.m.ncpu_cache; i++) {
        size_t l = strlen(v);
        snprintf(v + l, sizeof v - l, "%s%s", i ? ", " : "", c->run.m.cpu_cache[i].label);
    }
    html_row(h, "caches (per instance)", v);
    if (cJSON_IsObject(gpu)) {
        char hb[32], l2[32];
        plot_human_bytes(plot_json_num(gpu, "memory_bytes"), hb, sizeof hb);
        plot_human_bytes(c->run.m.gpu_l2, l2, sizeof l2);
        snprintf(v, sizeof v, "%s, compute capability %s, %.0f SMs, %s memory, %s L2", c->run.m.gpu,
                 plot_json_str(gpu, "cc") ? plot_json_str(gpu, "cc") : "?", plot_json_num(gpu, "sms"), hb,
                 l2);
        html_row(h, "GPU", v);
    } else {
        html_row(h, "GPU", "none");
    }
    if (cJSON_IsObject(probes)) {
        const cJSON *cc = cJSON_GetObjectItemCaseSensitive(probes, "cpu_copy_gbps"), *e;
        v[0] = '\0';
        cJSON_ArrayForEach(e, cc)
        {
            size_t l = strlen(v);
            if (cJSON_IsNumber(e) && e->string)
                snprintf(v + l, sizeof v - l, "%s%.1f GB/s on %s thread%s", l ? ", " : "", e->valuedouble,
                         e->string, strcmp(e->string, "1") ? "s" : "");
        }
        html_row(h, "CPU copy bandwidth", v);
        double g = plot_json_num(probes, "gpu_copy_gbps");
        if (isfinite(g)) {
            snprintf(v, sizeof v,
                     "%.0f GB/s device to device; PCIe pinned %.1f / %.1f GB/s, pageable %.1f / %.1f GB/s "
                     "(h2d / d2h)",
                     g, plot_json_num(probes, "pinned_h2d_gbps"), plot_json_num(probes, "pinned_d2h_gbps"),
                     plot_json_num(probes, "pageable_h2d_gbps"), plot_json_num(probes, "pageable_d2h_gbps"));
            html_row(h, "GPU copy bandwidth", v);
        }
    }
    if (cJSON_IsObject(comp)) {
        snprintf(v, sizeof v, "%s %s%s%s", plot_json_str(comp, "c") ? plot_json_str(comp, "c") : "?",
                 plot_json_str(comp, "c_flags") ? plot_json_str(comp, "c_flags") : "",
                 plot_json_str(comp, "cuda") ? "; CUDA " : "",
                 plot_json_str(comp, "cuda") ? plot_json_str(comp, "cuda") : "");
        html_row(h, "compiler", v);
    }
    snprintf(v, sizeof v, "%s (git %s)",
             plot_json_str(j, "stencilbench_version") ? plot_json_str(j, "stencilbench_version") : "?",
             plot_json_str(j, "git_commit") ? plot_json_str(j, "git_commit") : "?");
    html_row(h, "stencilbench", v);
    snprintf(v, sizeof v, "%s to %s", plot_json_str(j, "started_utc") ? plot_json_str(j, "started_utc") : "?",
             plot_json_str(j, "finished_utc") ? plot_json_str(j, "finished_utc") : "(not finished)");
    html_row(h, "time (UTC)", v);
    const plot_run_data *r = &c->run;
    int l = snprintf(v, sizeof v, "%zu rows ok (drawn); not drawn: %zu failed, %zu skipped, %zu not measured here",
                     r->rows_ok, r->rows_failed, r->rows_skipped, r->rows_not_measured);
    if (r->rows_other_status && l > 0 && (size_t)l < sizeof v)
        snprintf(v + l, sizeof v - (size_t)l, ", %zu with another status", r->rows_other_status);
    html_row(h, "timings.csv", v);
    if (c->hidden) {
        snprintf(v, sizeof v,
                 "%zu points not drawn: each variant's charts hold its most common scheme and "
                 "tuning (default when measured) fixed, and one rank count outside the charts over "
                 "ranks; the others are in timings.csv",
                 c->hidden);
        html_row(h, "not drawn", v);
    }
    html_row(h, "dataset",
             plot_json_str(j, "dataset") ? plot_json_str(j, "dataset") : "none (synthetic grids)");
    plot_buf_printf(h, "</table>\n");
}

/* A JSON value as text: strings as they are, numbers %g, true/false, arrays joined by ", ",
 * objects as "key: value; ...". */
static void json_text(plot_buf *t, const cJSON *x)
{
    if (cJSON_IsString(x)) {
        plot_buf_printf(t, "%s", x->valuestring);
    } else if (cJSON_IsNumber(x)) {
        plot_buf_printf(t, "%g", x->valuedouble);
    } else if (cJSON_IsBool(x)) {
        plot_buf_printf(t, "%s", cJSON_IsTrue(x) ? "true" : "false");
    } else if (cJSON_IsArray(x) || cJSON_IsObject(x)) {
        const cJSON *e;
        int first = 1;
        cJSON_ArrayForEach(e, x)
        {
            plot_buf_printf(t, "%s", first ? "" : cJSON_IsArray(x) ? ", " : "; ");
            if (cJSON_IsObject(x) && e->string)
                plot_buf_printf(t, "%s: ", e->string);
            json_text(t, e);
            first = 0;
        }
    }
}

/* machine.json's "config" (what the study asked for) as a table, a row per setting. */
static void study_table(const plot_ctx *c, plot_buf *h)
{
    static const char *const names[][2] = {
        {"variants", "variants"},       {"grids", "grids (nz x ny x nx)"},
        {"threads", "threads"},         {"timesteps", "timesteps per repetition"},
        {"tunings", "tunings"},         {"host_memory", "host memory (GPU)"},
        {"reps", "repetitions"},        {"warmup", "warm-up runs"},
        {"scheme", "scheme"},           {"k", "diffusion coefficient k"},
        {"land_fraction", "land fraction (synthetic grids)"},
        {"seed", "seed (synthetic grids)"},
        {"dataset", "dataset"},         {"config_file", "configuration file"},
    };
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(c->run.m.json, "config"), *e;
    plot_buf_printf(h, "<h2>Study</h2>\n");
    if (!cJSON_IsObject(cfg) || !cfg->child) {
        plot_buf_printf(h, "<p>The study's settings were not recorded in machine.json.</p>\n");
        return;
    }
    plot_buf_printf(h, "<table class=\"study\">\n");
    cJSON_ArrayForEach(e, cfg)
    {
        const char *label = e->string ? e->string : "?";
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (e->string && strcmp(e->string, names[i][0]) == 0)
                label = names[i][1];
        plot_buf t = {0};
        json_text(&t, e);
        html_row(h, label, t.failed ? "(out of memory)" : t.s && *t.s ? t.s : "none");
        plot_buf_free(&t);
    }
    plot_buf_printf(h, "</table>\n");
}

stencil_status plot_index_write(plot_ctx *c, stencil_error *err)
{
    plot_buf h = {0};
    plot_buf_printf(
        &h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>stencilbench: ");
    plot_buf_html(&h, c->run.m.label);
    plot_buf_printf(
        &h,
        "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:1em auto;padding:0 1em}"
        "table.machine,table.study{border-collapse:collapse}table.machine th,table.study th{text-align:left;"
        "padding:2px 1em 2px 0;vertical-align:top;white-space:nowrap}td{overflow-wrap:anywhere}figure{margin:2em 0}img{max-width:100%%;height:auto;border:1px solid #ddd}"
        "object.chart{max-width:100%%;border:1px solid #ddd}.howto{background:#f4f4f4;padding:.5em}"
        "figcaption{margin-top:.4em}nav a{margin-right:1em}.warn{background:#fff4e0;border-left:4px solid #e08000;padding:0 1em}"
        ".warn pre{white-space:pre-wrap}</style>\n</head><body>\n<h1>stencilbench run: ");
    plot_buf_html(&h, c->run.m.label);
    plot_buf_printf(&h, "</h1>\n");
    if (c->warnings && *c->warnings) { /* where the reader looks first: figures to doubt */
        plot_buf_printf(&h, "<div class=\"warn\"><h2>Warnings</h2>\n<pre>");
        plot_buf_html(&h, c->warnings);
        plot_buf_printf(&h, "</pre></div>\n");
    }
    plot_buf_printf(&h, "<h2>Machine</h2>\n");
    machine_table(c, &h);
    study_table(c, &h);
    plot_buf_printf(
        &h, "<p>Every point is the median of its repetitions; error bars span their min..max. "
            "Rates count interior cells; bandwidth counts 8 B per cell update (read T, write T').</p>\n");
    if (c->ncharts > 0)
        plot_buf_printf(
            &h, "<p class=\"howto\"><strong>The charts are interactive:</strong> hold the mouse on a point "
                "for its values; the mouse wheel (or + and -) zooms, dragging pans, a right click "
                "resets; a click on a key entry hides or shows that series; a click in the chart "
                "toggles the coordinates under the mouse.</p>\n");
    if (c->ncharts == 0)
        plot_buf_printf(&h, "<p><strong>No charts:</strong> timings.csv has no rows with status ok.</p>\n");
    /* The comparing charts first, then each variant's, in sections. */
    int order[PLOT_MAX_CHARTS], n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < c->ncharts; i++)
            if ((pass == 0) == (c->charts[i].group[0] == '\0'))
                order[n++] = i;
    if (n)
        plot_buf_printf(&h, "<nav><strong>Sections:</strong>\n");
    for (int k = 0; k < n; k++) {
        const plot_chart *ch = &c->charts[order[k]];
        if (k == 0 || strcmp(ch->group, c->charts[order[k - 1]].group) != 0) {
            plot_buf_printf(&h, "<a href=\"#");
            plot_buf_html(&h, ch->name);
            plot_buf_printf(&h, "\">");
            plot_buf_html(&h, ch->group[0] ? ch->group : "all variants");
            plot_buf_printf(&h, "</a>\n");
        }
    }
    if (n)
        plot_buf_printf(&h, "</nav>\n");
    for (int k = 0; k < n; k++) {
        const plot_chart *ch = &c->charts[order[k]];
        if (k == 0 || strcmp(ch->group, c->charts[order[k - 1]].group) != 0) {
            plot_buf_printf(&h, "<h2>");
            plot_buf_html(&h, ch->group[0] ? ch->group : "All variants compared");
            plot_buf_printf(&h, "</h2>\n");
        }
        /* ch->name is a safe file name (chart_name): no escaping needed in the links. The
         * SVG, with gnuplot's mouse script, is the interactive chart; the PNG shows where a
         * browser does not run it. */
        plot_buf_printf(&h,
                        "<figure id=\"%s\"><object class=\"chart\" type=\"image/svg+xml\" data=\"%s.svg\" "
                        "width=\"%d\" height=\"%d\"><img src=\"%s.png\" alt=\"",
                        ch->name, ch->name, PLOT_CHART_WIDTH, PLOT_CHART_HEIGHT, ch->name);
        plot_buf_html(&h, ch->title);
        plot_buf_printf(&h, "\" width=\"%d\" height=\"%d\"></object>\n<figcaption>", PLOT_CHART_WIDTH,
                        PLOT_CHART_HEIGHT);
        plot_buf_html(&h, ch->caption);
        plot_buf_printf(&h,
                        " <a href=\"%s.svg\">SVG</a>, <a href=\"%s.png\">PNG</a>, <a href=\"data/%s.dat\">data</a>, "
                        "<a href=\"data/%s.gp\">script</a></figcaption></figure>\n",
                        ch->name, ch->name, ch->name, ch->name);
    }
    plot_buf_printf(&h, "</body></html>\n");
    char path[PLOT_PATH_MAX];
    stencil_status st = plot_path(path, sizeof path, err, "%s/index.html", c->plots_dir);
    if (st == STENCIL_OK)
        st = plot_buf_write(&h, path, err);
    plot_buf_free(&h);
    return st;
}
