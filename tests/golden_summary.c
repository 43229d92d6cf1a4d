/* Prints the end-of-run summary table (bench_summary_print, what `stencilbench run` prints
 * after a study) for a committed timings.csv, for the golden-file tests (tests/golden/).
 * usage: golden_summary TIMINGS.csv */
#include <stdio.h>
#include <stdlib.h>

#include "timings/results.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: golden_summary TIMINGS.csv\n");
        return 2;
    }
    bench_row *rows = NULL;
    size_t nrows = 0;
    stencil_error err = {{0}};
    if (bench_csv_read(argv[1], &rows, &nrows, &err) != STENCIL_OK) {
        fprintf(stderr, "golden_summary: %s\n", err.msg);
        return 1;
    }
    bench_summary_print(stdout, rows, nrows);
    free(rows);
    return 0;
}
