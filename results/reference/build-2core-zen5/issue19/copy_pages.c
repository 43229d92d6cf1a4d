#define _DEFAULT_SOURCE
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
static double now(void){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+1e-9*t.tv_nsec;}
static float *alloc(size_t b, int huge){ float *p = aligned_alloc(2u<<20, b); madvise(p, b, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE); return p; }
static void copy(float *restrict b, const float *restrict a, size_t n){
#pragma omp parallel for simd num_threads(2) schedule(static)
    for (size_t i = 0; i < n; i++) b[i] = a[i];
}
int cmpd(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(void){
    size_t n = (size_t)128 << 20 >> 2 << 2; /* 128 M floats = 512 MiB */
    float *a[2], *b[2];
    for (int h = 0; h < 2; h++) { a[h] = alloc(n*4, h); b[h] = alloc(n*4, h);
#pragma omp parallel for num_threads(2) schedule(static)
        for (size_t i = 0; i < n; i++) { a[h][i] = i; b[h][i] = 0; } }
    double g[2][32], r[32]; int R = 15;
    for (int k = 0; k < R; k++) { for (int j = 0; j < 2; j++) { int h = (j + k) & 1; double t0 = now(); copy(b[h], a[h], n); g[h][k] = 8.0*n/(now()-t0)/1e9; } r[k] = g[1][k]/g[0][k]; }
    for (int h = 0; h < 2; h++) { qsort(g[h], R, sizeof(double), cmpd); printf("%s median %.1f GB/s (min %.1f max %.1f)\n", h ? "THP" : "4K ", g[h][R/2], g[h][0], g[h][R-1]); }
    qsort(r, R, sizeof(double), cmpd); printf("paired THP/4K median %.2f (min %.2f max %.2f)\n", r[R/2], r[0], r[R-1]);
}
