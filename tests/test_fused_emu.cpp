/* cuda_fused's sweep (kernels/cuda_fused_sweep.h) run on the CPU, one std::thread per CUDA
 * thread with a real barrier, against the naive variant, bit for bit: every steps_per_sweep
 * 1..8, 1, 2 and 4 rows a thread, the smallest tiles the halo allows and larger ones, runs of 1
 * to 7 planes, odd shapes, 0 to 100 % land, both schemes, step counts the sweep does not
 * divide (ending, as cuda_fused does, with one shorter sweep). Shared memory starts as junk
 * (the sweep must clear what it reads). Needs no GPU: this is the check of the wavefront's
 * indexing on machines without one; tests/test_cuda runs the real kernels. */
#include <chrono>
#include <condition_variable>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "cuda_fused_sweep.h"
#include "test_fields.h"
#include "variant.h"

namespace {

class emu_barrier {
  public:
    explicit emu_barrier(int n) : n_(n) {}
    void wait()
    {
        std::unique_lock<std::mutex> lock(m_);
        const unsigned long gen = gen_;
        if (++waiting_ == n_) {
            waiting_ = 0;
            gen_++;
            cv_.notify_all();
        } else {
            cv_.wait(lock, [&] { return gen_ != gen; });
        }
    }

  private:
    std::mutex m_;
    std::condition_variable cv_;
    int n_, waiting_ = 0;
    unsigned long gen_ = 0;
};

struct emu_sync {
    emu_barrier *barrier;
    void operator()() const { barrier->wait(); }
};

typedef void (*emu_body)(const fused_args &, const fused_thread &, float *, const emu_sync &);

template <int R> emu_body body_for(int S)
{
    static const emu_body table[FUSED_MAX_S] = {
        fused_body<1, R, emu_sync>, fused_body<2, R, emu_sync>, fused_body<3, R, emu_sync>,
        fused_body<4, R, emu_sync>, fused_body<5, R, emu_sync>, fused_body<6, R, emu_sync>,
        fused_body<7, R, emu_sync>, fused_body<8, R, emu_sync>};
    return table[S - 1];
}

/* One launch of an S-step sweep: the block's threads run every block in turn (each block
 * ends on the sweep's last barrier, so the shared buffer is free for the next). */
void emu_launch(int S, int rows, int bx, int by, int tile_z, const float *in, float *out,
                size_t nz, size_t ny, size_t nx, float k, int insulated)
{
    fused_args a;
    unsigned tiles, runs;
    fused_grid(nz, ny, nx, S, bx, by * rows, tile_z, &a, &tiles, &runs);
    a.in = in;
    a.out = out;
    a.nz = (int)nz;
    a.ny = (int)ny;
    a.nx = (int)nx;
    a.k = k;
    a.insulated = insulated;
    const emu_body body = rows == 1 ? body_for<1>(S) : rows == 2 ? body_for<2>(S) : body_for<4>(S);
    std::vector<float> shared(fused_shared_bytes(S, bx, by * rows) / sizeof(float), 12345.0f);
    emu_barrier barrier(bx * by);
    const emu_sync sync = {&barrier};
    std::vector<std::thread> threads;
    for (int ty = 0; ty < by; ty++)
        for (int tx = 0; tx < bx; tx++)
            threads.emplace_back([&, tx, ty] {
                for (unsigned run = 0; run < runs; run++)
                    for (unsigned tile = 0; tile < tiles; tile++) {
                        const fused_thread th = {tx, ty, bx, by, (int)tile, (int)run};
                        body(a, th, shared.data(), sync);
                    }
            });
    for (std::thread &t : threads)
        t.join();
}

struct emu_case {
    size_t nz, ny, nx;
    int steps, S, rows, bx, by, tile_z;
    double land;
    int insulated;
    int kind = 0; /* the field: 0 random temperatures, 1 tiny values (updates below 2^-125, off the
                 division-free path), 2 mostly signed zeros, 3 flat (updates of exactly 0) */
};

} // namespace

int main()
{
    const stencil_variant *naive = stencil_variant_find("naive");
    if (!naive) {
        std::printf("test_fused_emu: no naive variant\n");
        return 1;
    }
    /* bx and by * rows at least 2S+1; the smallest halo-sized tiles, larger ones, one run of
     * planes for the whole grid and runs of 1 */
    const emu_case cases[] = {
        {7, 9, 11, 3, 2, 4, 9, 3, 5, 0.3, 0},    {7, 9, 11, 1, 2, 1, 5, 5, 5, 0.3, 1},
        {8, 9, 10, 13, 4, 4, 9, 3, 3, 0.3, 0},   {12, 13, 17, 13, 4, 2, 12, 6, 20, 0.5, 1},
        {6, 7, 8, 7, 1, 1, 3, 3, 1, 0.5, 0},     {6, 8, 9, 7, 3, 1, 7, 7, 3, 0.0, 1},
        {10, 8, 14, 7, 3, 2, 10, 4, 4, 1.0, 0},  {6, 11, 9, 5, 5, 4, 11, 3, 7, 0.3, 0},
        {10, 12, 13, 11, 5, 2, 13, 7, 3, 0.5, 1}, {9, 10, 11, 13, 6, 2, 16, 7, 5, 0.3, 0},
        {11, 14, 13, 8, 6, 4, 16, 4, 1, 0.5, 1}, {11, 12, 13, 15, 7, 2, 20, 9, 6, 0.3, 0},
        {12, 16, 15, 9, 7, 4, 18, 4, 2, 0.0, 1}, {10, 11, 12, 17, 8, 4, 20, 5, 4, 0.3, 0},
        {12, 9, 10, 16, 8, 2, 20, 9, 20, 0.5, 1}, {3, 3, 3, 5, 2, 1, 5, 5, 1, 0.0, 0},
        {3, 5, 4, 9, 4, 4, 9, 3, 1, 0.3, 1},     {4, 20, 3, 6, 3, 2, 7, 4, 2, 0.3, 0},
        {8, 9, 10, 13, 4, 4, 9, 3, 3, 0.3, 0, 1}, {12, 13, 17, 13, 4, 2, 12, 6, 20, 0.5, 1, 2},
        {10, 12, 13, 11, 5, 2, 13, 7, 3, 0.3, 0, 3}, {9, 10, 11, 13, 6, 2, 16, 7, 5, 0.2, 1, 1},
    };
    test_rng rng = {0x853c49e6748fea9bull};
    int failed = 0, checked = 0;
    for (const emu_case &c : cases) {
        const size_t cells = c.nz * c.ny * c.nx;
        std::vector<float> in(cells), ref(cells), buf[2];
        test_random_field(&rng, in.data(), cells, c.land, 30.0);
        for (size_t i = 0; c.kind && i < cells; i++)
            if (in[i] == in[i])
                in[i] = c.kind == 1   ? std::ldexp(in[i], -128)
                        : c.kind == 2 ? (i % 89 == 0 ? in[i] : i % 3 ? -0.0f : 0.0f)
                                      : (i % 97 == 0 ? in[i] : 10.0f);
        stencil_problem p = {};
        p.nz = c.nz, p.ny = c.ny, p.nx = c.nx, p.k = 0.15f, p.threads = 1;
        p.scheme = c.insulated ? STENCIL_SCHEME_INSULATED : STENCIL_SCHEME_COURSE;
        stencil_error err = {};
        void *state = nullptr;
        if (naive->prepare(&p, &state, &err) != STENCIL_OK ||
            naive->upload(state, in.data(), &err) != STENCIL_OK ||
            naive->run(state, c.steps, &err) != STENCIL_OK ||
            naive->download(state, ref.data(), &err) != STENCIL_OK) {
            std::printf("naive: %s\n", err.msg);
            return 1;
        }
        naive->release(state);
        /* as cuda_common runs it: both buffers start as the input, sweeps of S then fewer */
        const auto t0 = std::chrono::steady_clock::now();
        buf[0] = in;
        buf[1] = in;
        int cur = 0;
        for (int done = 0, n; done < c.steps; done += n, cur ^= 1) {
            n = c.steps - done < c.S ? c.steps - done : c.S;
            emu_launch(n, c.rows, c.bx, c.by, c.tile_z, buf[cur].data(), buf[cur ^ 1].data(), c.nz,
                       c.ny, c.nx, p.k, c.insulated);
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        size_t bad = 0, first = 0;
        for (size_t i = 0; i < cells; i++)
            if (std::memcmp(&buf[cur][i], &ref[i], sizeof(float)) != 0 && bad++ == 0)
                first = i;
        checked++;
        if (getenv("EMU_TIMES"))
            std::printf("%zux%zux%zu S %d rows %d block %dx%d: %.2f s\n", c.nz, c.ny, c.nx, c.S,
                        c.rows, c.bx, c.by, seconds);
        if (bad) {
            failed++;
            std::printf("FAILED %zux%zux%zu steps %d S %d rows %d block %dx%d tile_z %d land %.1f %s field %d: "
                        "%zu cells differ, first %zu: %.9g, naive %.9g\n",
                        c.nz, c.ny, c.nx, c.steps, c.S, c.rows, c.bx, c.by, c.tile_z, c.land,
                        c.insulated ? "insulated" : "course", c.kind, bad, first, buf[cur][first], ref[first]);
        }
    }
    std::printf("test_fused_emu: %d cases, %d failed\n", checked, failed);
    return failed ? 1 : 0;
}
