/* The course's flag names (its Python scripts: diffusion_numpy/cupy --num_timesteps,
 * visualise_slice --target_depth --animation_speed --data_file, visualise_cube --num_depths
 * --num_time_steps), answered: renamed to stencilbench's where a command takes the same thing,
 * else a one-line pointer instead of a usage page. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct course_flag {
    const char *course, *command, *ours; /* ours NULL: the value becomes a positional argument */
} course_flag;

static const course_flag aliases[] = {
    {"--num_timesteps", "model", "--steps"},  {"--num_timesteps", "run", "--steps"},
    {"--data_file", "model", "--input"},      {"--data_file", "viz", "--input"},
    {"--data_file", "summary", NULL},         {"--target_depth", "viz", "--depth"},
    {"--animation_speed", "viz", "--speed"},  {"--num_depths", "viz", "--depths"},
    {"--num_time_steps", "viz", "--times"},
};

/* Where each course flag belongs, for the one line a command without it prints. */
static const struct {
    const char *course, *where;
} homes[] = {
    {"--num_timesteps", "use --steps (stencilbench model --steps N runs the model; run --steps N times it)"},
    {"--data_file", "use --input F (stencilbench viz, model) or stencilbench summary F"},
    {"--target_depth", "use stencilbench viz slice|animate --depth M"},
    {"--animation_speed", "use stencilbench viz animate --speed MS"},
    {"--num_depths", "use stencilbench viz cube --depths N"},
    {"--num_time_steps", "use stencilbench viz cube --times N"},
};

int bench_cli_course_flags(const char *command, int argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        size_t n = strcspn(a, "=");
        size_t h = 0;
        while (h < sizeof homes / sizeof homes[0] &&
               (strlen(homes[h].course) != n || strncmp(a, homes[h].course, n) != 0))
            h++;
        if (h == sizeof homes / sizeof homes[0]) {
            argv[out++] = a;
            continue;
        }
        const course_flag *f = NULL;
        for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
            if (strcmp(aliases[k].course, homes[h].course) == 0 && strcmp(aliases[k].command, command) == 0)
                f = &aliases[k];
        if (!f) {
            fprintf(stderr, "stencilbench %s: %s is the course's flag: %s\n", command, homes[h].course,
                    homes[h].where);
            return -1;
        }
        if (!f->ours) { /* "--data_file F" -> "F" */
            if (a[n] == '=')
                argv[out++] = a + n + 1;
            else if (i + 1 < argc)
                argv[out++] = argv[++i];
            continue;
        }
        if (a[n] != '=') {
            argv[out++] = (char *)f->ours;
            continue;
        }
        size_t len = strlen(f->ours) + strlen(a + n) + 1;
        char *s = malloc(len); /* lives as long as argv */
        if (!s)
            return -1;
        snprintf(s, len, "%s%s", f->ours, a + n);
        argv[out++] = s;
    }
    argv[out] = NULL;
    return out;
}
