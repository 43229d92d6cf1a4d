/* The HTML players of stencilbench viz (plot_internal.h): a self-contained page stepping
 * through PNG frames, embedded as base64; text HTML-escaped, labels as JavaScript strings
 * with ", \, < and control characters as \u escapes. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "plot.h"
#include "plot_internal.h"

stencil_status plot_viz_player(const char *path, const char *title, char (*frames)[PLOT_PATH_MAX],
                               char (*labels)[160], size_t n, int speed_ms, stencil_error *err)
{
    plot_buf h = {0};
    stencil_status st = STENCIL_OK;
    plot_buf_printf(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
    plot_buf_html(&h, title);
    plot_buf_printf(&h, "</title>\n<style>body{font-family:sans-serif;margin:1em}#controls{margin:.5em 0}"
                        "#slider{width:60%%;vertical-align:middle}img{max-width:100%%;height:auto}</"
                        "style>\n</head><body>\n<h1>");
    plot_buf_html(&h, title);
    plot_buf_printf(
        &h,
        "</h1>\n<div id=\"controls\"><button id=\"play\">Pause</button>\n"
        "<input id=\"slider\" type=\"range\" min=\"0\" max=\"%zu\" value=\"0\" aria-label=\"frame\">\n"
        "<span id=\"label\"></span></div>\n<img id=\"frame\" alt=\"frame\">\n<script>\n"
        "const speed = %d;\nconst labels = [",
        n - 1, speed_ms);
    for (size_t i = 0; i < n; i++) {
        plot_buf_printf(&h, "%s\"", i ? ", " : "");
        for (const char *p = labels[i]; *p; p++)
            if (*p == '"' || *p == '\\' || *p == '<' || (unsigned char)*p < 0x20 || *p == 0x7f)
                plot_buf_printf(&h, "\\u%04x", (unsigned)(unsigned char)*p);
            else
                plot_buf_append(&h, p, 1);
        plot_buf_printf(&h, "\"");
    }
    plot_buf_printf(&h, "];\nconst frames = [\n");
    for (size_t i = 0; i < n && st == STENCIL_OK; i++) {
        plot_buf_printf(&h, "\"data:image/png;base64,");
        st = plot_buf_base64_file(&h, frames[i], err);
        plot_buf_printf(&h, "\",\n");
    }
    plot_buf_printf(
        &h,
        "];\nconst img = document.getElementById(\"frame\"), slider = document.getElementById(\"slider\"),\n"
        "      button = document.getElementById(\"play\"), label = document.getElementById(\"label\");\n"
        "let i = 0, timer = null;\n"
        "function show(k) { i = k; img.src = frames[k]; slider.value = k;\n"
        "  label.textContent = \"frame \" + (k + 1) + \" of \" + frames.length + \": \" + labels[k]; }\n"
        "function play() { if (frames.length > 1) { timer = setInterval(() => show((i + 1) %% "
        "frames.length), speed); }\n"
        "  button.textContent = \"Pause\"; }\n"
        "function pause() { clearInterval(timer); timer = null; button.textContent = \"Play\"; }\n"
        "button.addEventListener(\"click\", () => timer ? pause() : play());\n"
        "slider.addEventListener(\"input\", () => { pause(); show(Number(slider.value)); });\n"
        "show(0);\nplay();\n</script>\n</body></html>\n");
    if (st == STENCIL_OK)
        st = plot_buf_write(&h, path, err);
    plot_buf_free(&h);
    return st;
}
