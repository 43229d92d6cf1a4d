/* Text buffers, files, the embedded scripts and the gnuplot runner (plot_internal.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"
#include "plot_internal.h"

#define PLOT_GNUPLOT_HINT "install the package gnuplot-nox (apt-get install gnuplot-nox)"

void plot_msg(stencil_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

void plot_fmt(char *dst, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, len, fmt, ap);
    va_end(ap);
}

void plot_buf_append(plot_buf *b, const char *text, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, text, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void plot_buf_printf(plot_buf *b, const char *fmt, ...)
{
    char small[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        plot_buf_append(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->failed = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    plot_buf_append(b, big, (size_t)n);
    free(big);
}

void plot_buf_gp_string(plot_buf *b, const char *text)
{
    /* gnuplot substitutes `command` and @macros inside double quotes; inside single quotes it
     * reads every byte as it is, but a single-quoted string cannot hold a newline, and its ''
     * escape fails at the start of a string (gnuplot 5.4 reads ''' as an empty string and an
     * opening quote). So each quote and newline is a piece of its own: '."'".' and '."\n".' */
    plot_buf_append(b, "'", 1);
    for (const char *p = text; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (*p == '\'')
            plot_buf_append(b, "'.\"'\".'", 7);
        else if (*p == '\n')
            plot_buf_append(b, "'.\"\\n\".'", 8);
        else if (ch < 0x20 || ch == 0x7f)
            plot_buf_append(b, " ", 1);
        else
            plot_buf_append(b, p, 1);
    }
    plot_buf_append(b, "'", 1);
}

void plot_buf_gp_array_str(plot_buf *b, const char *name, const char *const *v, int n)
{
    plot_buf_printf(b, "array %s[%d]\n", name, n > 0 ? n : 1);
    if (n == 0)
        plot_buf_printf(b, "%s[1] = ''\n", name);
    for (int i = 0; i < n; i++) {
        plot_buf_printf(b, "%s[%d] = ", name, i + 1);
        plot_buf_gp_string(b, v[i]);
        plot_buf_printf(b, "\n");
    }
}

void plot_buf_gp_array_num(plot_buf *b, const char *name, const double *v, int n)
{
    plot_buf_printf(b, "array %s[%d]\n", name, n > 0 ? n : 1);
    if (n == 0)
        plot_buf_printf(b, "%s[1] = 0\n", name);
    for (int i = 0; i < n; i++)
        plot_buf_printf(b, "%s[%d] = %.9g\n", name, i + 1, v[i]);
}

void plot_buf_gp_var(plot_buf *b, const char *name, const char *text)
{
    plot_buf_printf(b, "%s = ", name);
    plot_buf_gp_string(b, text);
    plot_buf_printf(b, "\n");
}

void plot_human_bytes(double b, char *out, size_t len)
{
    if (b >= 1024.0 * 1024 * 1024)
        snprintf(out, len, "%.3g GiB", b / (1024.0 * 1024 * 1024));
    else if (b >= 1024.0 * 1024)
        snprintf(out, len, "%.3g MiB", b / (1024.0 * 1024));
    else
        snprintf(out, len, "%.3g KiB", b / 1024.0);
}

void plot_buf_line_text(plot_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        plot_buf_append(b, ch < 0x20 || ch == 0x7f ? " " : p, 1);
    }
}

void plot_buf_html(plot_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        switch (*p) {
        case '&': plot_buf_append(b, "&amp;", 5); break;
        case '<': plot_buf_append(b, "&lt;", 4); break;
        case '>': plot_buf_append(b, "&gt;", 4); break;
        case '"': plot_buf_append(b, "&quot;", 6); break;
        case '\'': plot_buf_append(b, "&#39;", 5); break;
        default: plot_buf_append(b, p, 1);
        }
    }
}

void plot_safe_name(char *dst, size_t len, const char *text, int force_tag)
{
    size_t n = 0;
    int changed = force_tag || !*text;
    for (const char *p = text; *p && n + 1 < len; p++) {
        char ch = *p;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '_' || ch == '-' || (ch == '.' && n > 0 && dst[n - 1] != '.');
        dst[n++] = ok ? ch : '_';
        changed |= !ok;
    }
    changed |= text[n] != '\0'; /* cut short */
    dst[n] = '\0';
    if (changed) { /* a tag from the whole text keeps different texts apart */
        unsigned long h = 2166136261UL;
        for (const char *p = text; *p; p++)
            h = ((h ^ (unsigned char)*p) * 16777619UL) & 0xffffffffUL;
        size_t keep = len > 10 ? len - 10 : 0;
        if (n > keep)
            n = keep;
        snprintf(dst + n, len - n, "_%08lx", h);
    }
}

stencil_status plot_buf_base64_file(plot_buf *b, const char *path, stencil_error *err)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *f = fopen(path, "rb");
    if (!f) {
        plot_msg(err, "cannot read %s: %s", path, strerror(errno));
        return STENCIL_ERR_IO;
    }
    unsigned char in[3 * 1024];
    char out[4 * 1024];
    size_t n;
    while ((n = fread(in, 1, sizeof in, f)) > 0) {
        size_t o = 0;
        for (size_t i = 0; i < n; i += 3) {
            unsigned v = (unsigned)in[i] << 16;
            if (i + 1 < n)
                v |= (unsigned)in[i + 1] << 8;
            if (i + 2 < n)
                v |= in[i + 2];
            out[o++] = abc[(v >> 18) & 63];
            out[o++] = abc[(v >> 12) & 63];
            out[o++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
            out[o++] = i + 2 < n ? abc[v & 63] : '=';
        }
        plot_buf_append(b, out, o);
        if (n < sizeof in)
            break; /* a short read ends the file (or is an error, checked below) */
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        plot_msg(err, "cannot read %s", path);
        return STENCIL_ERR_IO;
    }
    return STENCIL_OK;
}

void plot_buf_free(plot_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

stencil_status plot_buf_write(const plot_buf *b, const char *path, stencil_error *err)
{
    if (b->failed) {
        plot_msg(err, "out of memory composing %s", path);
        return STENCIL_ERR_NOMEM;
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        plot_msg(err, "cannot write %s: %s", path, strerror(errno));
        return STENCIL_ERR_IO;
    }
    size_t w = b->len ? fwrite(b->s, 1, b->len, f) : 0;
    if (fclose(f) != 0 || w != b->len) {
        plot_msg(err, "cannot write %s (disk full?)", path);
        return STENCIL_ERR_IO;
    }
    return STENCIL_OK;
}

stencil_status plot_path(char *dst, size_t len, stencil_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= len) {
        plot_msg(err, "path too long: %.200s...", dst);
        return STENCIL_ERR_ARG;
    }
    return STENCIL_OK;
}

stencil_status plot_mkdir_p(const char *path, stencil_error *err)
{
    char p[PLOT_PATH_MAX];
    if (plot_path(p, sizeof p, err, "%s", path) != STENCIL_OK)
        return STENCIL_ERR_ARG;
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                plot_msg(err, "cannot create folder %s: %s", p, strerror(errno));
                return STENCIL_ERR_IO;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        plot_msg(err, "%s is not a folder", path);
        return STENCIL_ERR_IO;
    }
    return STENCIL_OK;
}

int plot_file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *plot_script_text(const char *name)
{
    for (size_t i = 0; i < plot_scripts_count; i++)
        if (strcmp(plot_scripts[i].name, name) == 0)
            return plot_scripts[i].text;
    return NULL;
}

void plot_buf_terminal(plot_buf *b, const char *fmt, const char *out, int width, int height)
{
    if (strcmp(fmt, "svg") == 0)
        plot_buf_printf(b,
                        "set terminal svg size %d,%d fixed noenhanced font 'Sans,12' background '#ffffff' "
                        "mouse standalone\n",
                        width, height);
    else
        plot_buf_printf(b,
                        "set terminal pngcairo size %d,%d noenhanced font 'Sans,10' background '#ffffff'\n",
                        width, height);
    if (!out)
        return;
    plot_buf_printf(b, "set output ");
    char name[PLOT_PATH_MAX];
    /* "./": an output name that starts with '|' would be a command to gnuplot. */
    snprintf(name, sizeof name, "%s%s.%s", out[0] == '/' ? "" : "./", out, fmt);
    plot_buf_gp_string(b, name);
    plot_buf_printf(b, "\n");
}

/* The gnuplot program to run: $STENCILBENCH_GNUPLOT, else "gnuplot" found on PATH. */
static stencil_status find_gnuplot(char *path, size_t len, stencil_error *err)
{
    const char *env = getenv("STENCILBENCH_GNUPLOT");
    if (env && *env) {
        if (access(env, X_OK) == 0 && plot_path(path, len, err, "%s", env) == STENCIL_OK)
            return STENCIL_OK;
        snprintf(err->msg, sizeof err->msg,
                 "gnuplot not found at STENCILBENCH_GNUPLOT=%.200s: fix the variable or " PLOT_GNUPLOT_HINT,
                 env);
        return STENCIL_ERR_UNAVAILABLE;
    }
    const char *dirs = getenv("PATH");
    if (!dirs || !*dirs)
        dirs = "/usr/local/bin:/usr/bin:/bin";
    while (*dirs) {
        size_t n = strcspn(dirs, ":");
        int w = snprintf(path, len, "%.*s/gnuplot", (int)n, dirs);
        if (n > 0 && w > 0 && (size_t)w < len && access(path, X_OK) == 0)
            return STENCIL_OK;
        dirs += n + (dirs[n] == ':');
    }
    plot_msg(err, "gnuplot not found on PATH: " PLOT_GNUPLOT_HINT);
    return STENCIL_ERR_UNAVAILABLE;
}

stencil_status plot_gnuplot_check(stencil_error *err)
{
    char path[PLOT_PATH_MAX];
    return find_gnuplot(path, sizeof path, err);
}

/* Is this line of gnuplot's output not about the script: gif's frame count, or fontconfig
 * complaining about its cache (a read-only HOME in CI)? */
static int benign_line(const char *line, size_t n)
{
    static const char tail[] = " frames in animation sequence", fc[] = "Fontconfig ";
    size_t d = 0;
    while (d < n && line[d] >= '0' && line[d] <= '9')
        d++;
    if (n >= sizeof fc - 1 && memcmp(line, fc, sizeof fc - 1) == 0)
        return 1;
    return d > 0 && n - d == sizeof tail - 1 && memcmp(line + d, tail, sizeof tail - 1) == 0;
}

stencil_status plot_gnuplot_run(const char *dir, const char *script, stencil_error *err)
{
    char prog[PLOT_PATH_MAX], log[PLOT_PATH_MAX];
    stencil_status st = find_gnuplot(prog, sizeof prog, err);
    if (st != STENCIL_OK)
        return st;
    if ((st = plot_path(log, sizeof log, err, "%s/%s.log", dir, script)) != STENCIL_OK)
        return st;
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) {
        plot_msg(err, "cannot write %s: %s", log, strerror(errno));
        return STENCIL_ERR_IO;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd);
        plot_msg(err, "cannot start gnuplot: %s", strerror(errno));
        return STENCIL_ERR_IO;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (chdir(dir) != 0)
            _exit(126);
        execl(prog, "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    close(fd);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0) {
        if (errno != EINTR) {
            plot_msg(err, "waiting for gnuplot: %s", strerror(errno));
            return STENCIL_ERR_IO;
        }
    }
    char text[2048] = "";
    FILE *f = fopen(log, "r");
    size_t got = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[got] = '\0';
    /* Drop the benign lines, keep the rest. */
    char kept[2048] = "";
    size_t k = 0;
    for (char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        if (n > 0 && !benign_line(line, n) && k + n + 2 < sizeof kept) {
            memcpy(kept + k, line, n);
            k += n;
            kept[k++] = '\n';
            kept[k] = '\0';
        }
        line += n + (line[n] == '\n');
    }
    int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    if (code != 0 || k > 0) {
        /* a failure with nothing but benign lines shows them all: they may be its cause */
        const char *shown = code != 0 && k == 0 ? text : kept;
        size_t shown_len = strlen(shown);
        if (shown_len && shown[shown_len - 1] == '\n')
            shown_len--;
        if (shown_len > 380)
            shown_len = 380;
        char status[96] = "";
        if (WIFSIGNALED(ws))
            snprintf(status, sizeof status, " (killed by signal %d, %s)", WTERMSIG(ws), strsignal(WTERMSIG(ws)));
        else if (code != 0 && code != 126 && code != 127)
            snprintf(status, sizeof status, " (exit status %d)", code);
        plot_msg(err, "gnuplot %s/%s %s%s%s%.*s", dir, script,
                 code == 127   ? "could not be started"
                 : code == 126 ? "could not enter the folder"
                 : code != 0   ? "failed"
                               : "warned",
                 status, shown_len ? ": " : "", (int)shown_len, shown);
        return STENCIL_ERR_IO;
    }
    remove(log);
    return STENCIL_OK;
}
