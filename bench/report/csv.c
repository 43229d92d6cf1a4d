#include "report/report.h"

stencil_status bench_csv_report(void *ctx, const bench_event *ev, stencil_error *err)
{
    bench_csv_reporter *c = ctx;
    if (!ev->row || (ev->kind != BENCH_EV_REP && ev->kind != BENCH_EV_POINT_SKIPPED &&
                     ev->kind != BENCH_EV_POINT_FAILED))
        return STENCIL_OK;
    stencil_status st = bench_csv_write(c->f, c->version, ev->row, err);
    if (st == STENCIL_OK)
        c->rows++;
    return st;
}
