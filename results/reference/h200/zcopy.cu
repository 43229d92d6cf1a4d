/* Issue 15: what the stencil's memory access pattern alone can reach on this GPU. A copy that
 * walks the grid as cuda_shared does (blocks own an x-y tile and stream a run of tile_z planes
 * in z, one float4 of one row per thread), with D planes in flight per thread, a barrier per
 * plane or not, and the tile's halo rows read too or not, against cudaMemcpy device to device
 * (the harness's copy probe) and a grid-stride float4 copy, on the same buffers. Bytes: read
 * plus written, as the probe counts them.
 *   nvcc -O3 -arch=sm_90 -o zcopy zcopy.cu && ./zcopy 512 */
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CK(x)                                                                                    \
    do {                                                                                         \
        cudaError_t e_ = (x);                                                                    \
        if (e_ != cudaSuccess) {                                                                 \
            std::fprintf(stderr, "%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(e_));      \
            std::exit(1);                                                                        \
        }                                                                                        \
    } while (0)

__global__ void stride_copy(const float4 *__restrict__ in, float4 *__restrict__ out, size_t n)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
        out[i] = __ldg(in + i);
}

/* blockIdx.x: tile (tiles_x across), blockIdx.y: run of tile_z planes. */
template <int D, bool SYNC, bool HALO>
__global__ void zcopy(const float *__restrict__ in, float *__restrict__ out, int nz, int ny, int nx,
                      int tiles_x, int tile_z)
{
    const int x = (int)(blockIdx.x % tiles_x) * blockDim.x * 4 + threadIdx.x * 4;
    const int y = (int)(blockIdx.x / tiles_x) * blockDim.y + threadIdx.y;
    const int z0 = (int)blockIdx.y * tile_z, z1 = min(z0 + tile_z, nz);
    const bool mine = x < nx && y < ny;
    const size_t sz = (size_t)nx * ny;
    const float *p = in + (size_t)z0 * sz + (size_t)(mine ? y : 0) * nx + (mine ? x : 0);
    float *q = out + (p - in);
    const int dy = threadIdx.y == 0 ? -1 : 1;
    const bool halo = HALO && mine && (threadIdx.y == 0 || threadIdx.y == blockDim.y - 1) &&
                      y + dy >= 0 && y + dy < ny;
    float4 r[D], h[D];
#pragma unroll
    for (int i = 0; i < D; i++) {
        r[i] = h[i] = make_float4(0, 0, 0, 0);
        if (mine && z0 + i < z1)
            r[i] = __ldg(reinterpret_cast<const float4 *>(p + (size_t)i * sz));
        if (halo && z0 + i < z1)
            h[i] = __ldg(reinterpret_cast<const float4 *>(p + (size_t)i * sz + (ptrdiff_t)dy * nx));
    }
    for (int z = z0; z < z1; z += D) {
#pragma unroll
        for (int i = 0; i < D; i++) {
            if (z + i < z1) {
                float4 v = r[i];
                if (HALO) {
                    v.x += h[i].x * 0.0f;
                }
                if (mine && z + i + D < z1)
                    r[i] = __ldg(reinterpret_cast<const float4 *>(p + (size_t)(i + D) * sz));
                if (halo && z + i + D < z1)
                    h[i] = __ldg(reinterpret_cast<const float4 *>(p + (size_t)(i + D) * sz + (ptrdiff_t)dy * nx));
                if (SYNC)
                    __syncthreads();
                if (mine)
                    *reinterpret_cast<float4 *>(q + (size_t)i * sz) = v;
            }
        }
        p += (size_t)D * sz;
        q += (size_t)D * sz;
    }
}

static float time_ms(cudaEvent_t a, cudaEvent_t b, int reps, void (*launch)(void *), void *ctx)
{
    std::vector<float> t;
    launch(ctx);
    for (int r = 0; r < reps; r++) {
        CK(cudaEventRecord(a));
        launch(ctx);
        CK(cudaEventRecord(b));
        CK(cudaEventSynchronize(b));
        float ms;
        CK(cudaEventElapsedTime(&ms, a, b));
        t.push_back(ms);
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

struct ctx {
    float *in, *out;
    int nz, ny, nx, bx, by, tile_z, d, sync, halo;
    size_t bytes;
};

template <int D, bool S, bool H> static void launch_z(const ctx &c)
{
    const int tiles_x = (c.nx + c.bx * 4 - 1) / (c.bx * 4), tiles_y = (c.ny + c.by - 1) / c.by;
    dim3 grid(tiles_x * tiles_y, (c.nz + c.tile_z - 1) / c.tile_z);
    zcopy<D, S, H><<<grid, dim3(c.bx, c.by)>>>(c.in, c.out, c.nz, c.ny, c.nx, tiles_x, c.tile_z);
}

static void launch_any(void *v)
{
    const ctx &c = *(const ctx *)v;
#define L(D)                                                                                     \
    if (c.d == D) {                                                                              \
        if (c.sync && c.halo) launch_z<D, true, true>(c);                                        \
        else if (c.sync) launch_z<D, true, false>(c);                                            \
        else if (c.halo) launch_z<D, false, true>(c);                                            \
        else launch_z<D, false, false>(c);                                                       \
    }
    L(1) L(2) L(4) L(8)
#undef L
}

static void launch_memcpy(void *v)
{
    const ctx &c = *(const ctx *)v;
    CK(cudaMemcpyAsync(c.out, c.in, c.bytes, cudaMemcpyDeviceToDevice));
}

static void launch_stride(void *v)
{
    const ctx &c = *(const ctx *)v;
    int sms = 0;
    CK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
    stride_copy<<<sms * 8, 256>>>((const float4 *)c.in, (float4 *)c.out, c.bytes / 16);
}

int main(int argc, char **argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 512;
    ctx c = {};
    c.nz = c.ny = c.nx = n;
    c.bytes = (size_t)n * n * n * sizeof(float);
    CK(cudaMalloc(&c.in, c.bytes));
    CK(cudaMalloc(&c.out, c.bytes));
    CK(cudaMemset(c.in, 0x3f, c.bytes));
    CK(cudaMemset(c.out, 0, c.bytes));
    cudaEvent_t a, b;
    CK(cudaEventCreate(&a));
    CK(cudaEventCreate(&b));
    const int reps = 15;
    const double mc = 2.0 * c.bytes / (time_ms(a, b, reps, launch_memcpy, &c) * 1e-3) / 1e9;
    const double sc = 2.0 * c.bytes / (time_ms(a, b, reps, launch_stride, &c) * 1e-3) / 1e9;
    std::printf("%d^3: cudaMemcpy D2D %.0f GB/s, grid-stride float4 copy %.0f GB/s (%.1f %%)\n", n, mc, sc,
                100 * sc / mc);
    std::printf("%5s %5s %6s %3s %4s %4s %8s %7s\n", "bx", "by", "tile_z", "D", "sync", "halo", "GB/s", "of_copy");
    const int cfg[][6] = {
        /* bx, by, tile_z, D, sync, halo */
        {32, 4, 32, 1, 1, 1}, {32, 4, 32, 1, 1, 0}, {32, 4, 32, 1, 0, 0}, {32, 4, 32, 2, 1, 1},
        {32, 4, 32, 2, 0, 0}, {32, 4, 32, 4, 1, 1}, {32, 4, 32, 4, 0, 0}, {32, 4, 8, 1, 1, 1},
        {32, 4, 8, 2, 1, 1},  {32, 4, 128, 1, 1, 1}, {32, 4, 128, 2, 1, 1}, {32, 4, 128, 4, 1, 1},
        {32, 4, 512, 4, 1, 1}, {32, 8, 32, 1, 1, 1}, {32, 8, 32, 2, 1, 1}, {32, 2, 32, 2, 1, 1},
        {64, 4, 32, 1, 1, 1}, {64, 4, 32, 2, 1, 1}, {128, 2, 32, 1, 1, 1}, {128, 2, 32, 2, 1, 1},
        {128, 4, 32, 2, 1, 1}, {128, 2, 128, 4, 1, 1}, {32, 4, 32, 8, 1, 1}, {32, 4, 64, 2, 1, 1},
    };
    for (const auto &k : cfg) {
        c.bx = k[0], c.by = k[1], c.tile_z = k[2], c.d = k[3], c.sync = k[4], c.halo = k[5];
        const double g = 2.0 * c.bytes / (time_ms(a, b, reps, launch_any, &c) * 1e-3) / 1e9;
        CK(cudaGetLastError());
        std::printf("%5d %5d %6d %3d %4d %4d %8.0f %6.1f%%\n", c.bx, c.by, c.tile_z, c.d, c.sync, c.halo, g,
                    100 * g / mc);
    }
    return 0;
}
