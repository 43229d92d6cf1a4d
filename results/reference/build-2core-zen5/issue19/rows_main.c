#define _DEFAULT_SOURCE
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
void sweep_old(const float *, float *, const unsigned char *, size_t, size_t, size_t, int, int, int);
void sweep_new(const float *, float *, const unsigned char *, size_t, size_t, size_t, int, int, int);
static double now(void){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+1e-9*t.tv_nsec;}
static void *alloc(size_t b, int huge, size_t off){
    size_t al = huge ? (2u<<20) : 4096;
    size_t n = (b + off + al - 1) / al * al;
    char *p = aligned_alloc(al, n);
    if (huge) madvise(p, n, MADV_HUGEPAGE); else madvise(p, n, MADV_NOHUGEPAGE);
    return p + off;
}
int cmpd(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
    size_t n = 256, cells = n*n*n; int threads = atoi(argv[1]), rounds = atoi(argv[2]), steps = 5;
    /* configs: code (old/new), stream (1/0), pages (4K/THP), kind (counts/row) */
    enum { NC = 18 };
    const char *names[NC] = {"counts old-stream 4K","counts new-stream 4K","counts plain 4K","counts old-stream THP","counts new-stream THP","counts plain THP","counts old-stream THP+2K","counts new-stream THP+2K","counts plain THP+2K",
        "ROW old-stream 4K","ROW new-stream 4K","ROW plain 4K","ROW old-stream THP","ROW new-stream THP","ROW plain THP","ROW old-stream THP+2K","ROW new-stream THP+2K","ROW plain THP+2K"};
    float *f[3][2]; unsigned char *c[3];
    for (int h = 0; h < 3; h++) {
        for (int i = 0; i < 2; i++) f[h][i] = alloc(cells*4, h > 0, h == 2 && i == 1 ? 2048 : 0);
        c[h] = alloc(cells, h, 0);
#pragma omp parallel for num_threads(threads)
        for (size_t i = 0; i < cells; i++) { float v = (i*2654435761u % 1000) * 0.01f; f[h][0][i] = f[h][1][i] = (i/n)%7==3 ? 0.f : v; c[h][i] = (i/n)%7==3 ? 255 : 6; }
    }
    double t[NC][64];
    for (int r = 0; r < rounds; r++) for (int k0 = 0; k0 < NC; k0++) {
        int k = (k0 + r * 7) % NC;
        int kind = k / 9, j = k % 9, h = j / 3, m = j % 3;
        double t0 = now();
        for (int s = 0; s < steps; s++) {
            const float *in = f[h][s&1]; float *out = f[h][(s+1)&1];
            if (m == 0) sweep_old(in, out, c[h], n, n, n, 1, threads, kind);
            else if (m == 1) sweep_new(in, out, c[h], n, n, n, 1, threads, kind);
            else sweep_new(in, out, c[h], n, n, n, 0, threads, kind);
        }
        t[k][r] = 254.0*254*254*steps / (now() - t0) / 1e9;
    }
    for (int k = 0; k < NC; k++) { printf("RAW %d", k); for (int r = 0; r < rounds; r++) printf(" %.4f", t[k][r]); printf("\n"); }
    for (int k = 0; k < NC; k++) { qsort(t[k], rounds, sizeof(double), cmpd);
        printf("%-20s median %.3f  (min %.3f max %.3f) G/s\n", names[k], t[k][rounds/2], t[k][0], t[k][rounds-1]); }
    return 0;
}
