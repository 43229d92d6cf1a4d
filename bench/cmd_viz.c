#include "cli.h"
#include <stdio.h>
int bench_cmd_viz(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "todo\n"); return BENCH_EXIT_FAILED; }
