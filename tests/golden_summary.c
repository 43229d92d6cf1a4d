/* Prints the end-of-run summary table and its notes (bench_summary_print and _notes, what `stencilbench run` prints
 * after a study) for a committed timings.csv, for the golden-file tests (tests/golden/).
 * usage: golden_summary TIMINGS.csv */
#include <stdio.h>

#include "report/report.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: golden_summary TIMINGS.csv\n");
        return 2;
    }
    bench_timings t = {0};
    stencil_error err = {{0}};
    if (bench_timings_read(argv[1], BENCH_READ_STRICT, &t, &err) != STENCIL_OK) {
        fprintf(stderr, "golden_summary: %s\n", err.msg);
        return 1;
    }
    bench_summary_print(stdout, t.rows, t.count, 0);
    bench_summary_notes(stdout, t.rows, t.count, NULL);
    bench_timings_free(&t);
    return 0;
}
