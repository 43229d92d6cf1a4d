/* The run folder of `stencilbench run`: a name that cannot corrupt its own timings.csv, and one
 * process at a time (a lock file). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli/cli.h"

int bench_run_dir_check(const char *flag, const char *dir, size_t max)
{
    if (strlen(dir) >= max) {
        fprintf(stderr, "stencilbench run: %s: the folder's path has %zu characters; at most %zu "
                        "are allowed: choose a shorter path\n", flag, strlen(dir), max - 1);
        return 0;
    }
    for (const unsigned char *p = (const unsigned char *)dir; *p; p++)
        if (*p == ',' || *p == '"' || *p < 0x20 || *p == 0x7F) {
            fprintf(stderr, "stencilbench run: %s: the folder's path holds %s%s%c%s; its name is "
                            "the run_id column of timings.csv, so use letters, digits and "
                            "-_.+@/ and blanks\n", flag,
                    *p == ',' ? "a comma" : *p == '"' ? "a double quote" : "a control character",
                    *p == ',' || *p == '"' ? " ('" : "", *p == ',' || *p == '"' ? *p : ' ',
                    *p == ',' || *p == '"' ? "')" : " (a newline or tab?)");
            return 0;
        }
    return 1;
}

int bench_run_dir_lock(const char *dir, int *fd)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/.lock", dir);
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*fd < 0) {
        fprintf(stderr, "stencilbench run: cannot create %s: %s\n", path, strerror(errno));
        return 0;
    }
    if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(*fd);
        *fd = -1;
        if (e == EWOULDBLOCK)
            fprintf(stderr, "stencilbench run: %s is in use by another stencilbench run (it holds "
                            "%s); wait for it to finish, or stop it, and try again\n", dir, path);
        else
            fprintf(stderr, "stencilbench run: cannot lock %s: %s\n", path, strerror(e));
        return 0;
    }
    return 1;
}
