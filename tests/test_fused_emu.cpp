/* cuda_fused's sweep (kernels/cuda_fused_sweep.h) run on the CPU, one fiber per CUDA thread
 * with a barrier and emulated shuffles, votes and asynchronous copies, against the naive
 * variant, bit for bit: every steps_per_sweep 1..8, warps of 4, 6 and 32 lanes, the smallest
 * tiles the halo allows and larger ones, one to three tiles across x, vector and scalar rows,
 * runs of 1 to 20 planes, odd shapes, 0 to 100 % land, both schemes, step counts the sweep does
 * not divide (ending, as cuda_fused does, with one shorter sweep). Shared memory starts as junk
 * (the sweep must clear what it reads). Needs no GPU: this is the check of the wavefront's
 * indexing on machines without one; tests/test_cuda runs the real kernels. */
#include <ucontext.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "cuda_fused_sweep.h"
#include "test_fields.h"
#include "variant.h"

namespace {

/* A block's threads as fibers (ucontext) on one OS thread: wait() is the barrier. Each pass of
 * the scheduler runs every fiber from one barrier to the next, in turn forwards and backwards, so
 * a thread that reads what another writes in the same phase sees it stale in one of the orders.
 * A fiber that ends while others wait at a barrier is a barrier miscount: reported, as a
 * failure. Fibers, not OS threads: a barrier costs microseconds instead of a context switch a
 * thread. */
class emu_block {
  public:
    explicit emu_block(int n) : n_(n), fibers_((size_t)n) {}
    void wait() { swapcontext(&fibers_[(size_t)cur_].ctx, &sched_); }
    /* runs fn(i) for every thread i; false on a barrier miscount */
    bool run(const std::function<void(int)> &fn)
    {
        fn_ = &fn;
        for (int i = 0; i < n_; i++) {
            fiber &f = fibers_[(size_t)i];
            f.stack.resize(1 << 17);
            f.done = false;
            getcontext(&f.ctx);
            f.ctx.uc_stack.ss_sp = f.stack.data();
            f.ctx.uc_stack.ss_size = f.stack.size();
            f.ctx.uc_link = &sched_;
            makecontext(&f.ctx, (void (*)())entry, 0);
        }
        emu_block *const outer = current_;
        current_ = this;
        bool ok = true;
        for (int alive = n_, pass = 0; alive > 0; pass++) {
            int ended = 0;
            for (int q = 0; q < n_; q++) {
                cur_ = pass & 1 ? n_ - 1 - q : q;
                if (fibers_[(size_t)cur_].done)
                    continue;
                swapcontext(&sched_, &fibers_[(size_t)cur_].ctx);
                ended += fibers_[(size_t)cur_].done;
            }
            if (ended != 0 && ended != alive) {
                ok = false; /* some threads ended, others wait at a barrier */
                break;
            }
            alive -= ended;
        }
        current_ = outer;
        return ok;
    }

  private:
    struct fiber {
        ucontext_t ctx;
        std::vector<char> stack;
        bool done;
    };
    static void entry()
    {
        emu_block *b = current_;
        const int i = b->cur_;
        (*b->fn_)(i);
        b->fibers_[(size_t)i].done = true; /* returns to the scheduler through uc_link */
    }
    static emu_block *current_;
    int n_, cur_ = 0;
    std::vector<fiber> fibers_;
    ucontext_t sched_;
    const std::function<void(int)> *fn_ = nullptr;
};
emu_block *emu_block::current_ = nullptr;

/* The block's barrier and its warps' shuffles and votes, through slots per thread (row * lanes +
 * lane) in two sets used in turn, so that one barrier per exchange suffices: a thread writes a set
 * again only after the barrier that follows everyone's reads of it. Every thread of the block
 * calls them at the same points (kernels/cuda_fused_sweep.h). */
struct emu_ops {
    emu_block *barrier;
    float *vals; /* 2 sets of 2 floats a thread */
    int *preds;  /* 2 sets of 1 */
    int lane, row, lanes, threads;
    mutable int turn = 0;
    void sync() const { barrier->wait(); }
    void swap(float w, float e, float &l, float &r) const
    {
        float *set = vals + (size_t)(turn++ & 1) * 2 * threads;
        const int me = row * lanes + lane;
        set[2 * me] = w;
        set[2 * me + 1] = e;
        barrier->wait();
        l = set[2 * (lane > 0 ? me - 1 : me)];
        r = set[2 * (lane < lanes - 1 ? me + 1 : me) + 1];
    }
    void copy4(float *d, const float *s) const { std::memcpy(d, s, 4 * sizeof *d); }
    void copy1(float *d, const float *s) const { *d = *s; }
    void commit() const {}
    void wait() const {}
    bool all(bool p) const
    {
        int *set = preds + (size_t)(turn++ & 1) * threads;
        set[row * lanes + lane] = p;
        barrier->wait();
        bool r = true;
        for (int l = 0; l < lanes; l++)
            r = r && set[row * lanes + l];
        return r;
    }
};

typedef void (*emu_body)(const fused_args &, const fused_thread &, float *, const emu_ops &);

template <bool V, int L> emu_body body_for(int S)
{
    static const emu_body table[FUSED_MAX_S] = {
        fused_body<1, V, L, emu_ops>, fused_body<2, V, L, emu_ops>, fused_body<3, V, L, emu_ops>,
        fused_body<4, V, L, emu_ops>, fused_body<5, V, L, emu_ops>, fused_body<6, V, L, emu_ops>,
        fused_body<7, V, L, emu_ops>, fused_body<8, V, L, emu_ops>};
    return table[S - 1];
}

/* Warps of 4 lanes (a 16-cell tile) or 6 (24 cells, room for the 8-cell halo from S = 5 on), so
 * that a block is a few dozen threads, and the GPU's 32 */
template <bool V> emu_body body_for(int S, int lanes)
{
    return lanes == 4 ? body_for<V, 4>(S) : lanes == 6 ? body_for<V, 6>(S) : body_for<V, 32>(S);
}

/* One launch of an S-step sweep: the block's threads run every block in turn (each block
 * ends on the sweep's last barrier, so the shared buffer is free for the next). */
bool emu_launch(int S, int lanes, int rows, int tile_z, const float *in, float *out, size_t nz,
                size_t ny, size_t nx, float k, int insulated)
{
    fused_args a;
    unsigned tiles, runs;
    fused_grid(nz, ny, nx, S, lanes, rows, tile_z, &a, &tiles, &runs);
    a.in = in;
    a.out = out;
    a.nz = (int)nz;
    a.ny = (int)ny;
    a.nx = (int)nx;
    a.k = k;
    a.insulated = insulated;
    const emu_body body = nx % 4 == 0 ? body_for<true>(S, lanes) : body_for<false>(S, lanes);
    std::vector<float> shared(fused_shared_bytes(S, lanes, rows) / sizeof(float), 12345.0f);
    const int threads_n = lanes * rows;
    std::vector<float> vals(4 * (size_t)threads_n);
    std::vector<int> preds(2 * (size_t)threads_n);
    emu_block block(threads_n);
    for (unsigned run = 0; run < runs; run++)
        for (unsigned tile = 0; tile < tiles; tile++) {
            const std::function<void(int)> thread = [&](int i) {
                const int lane = i % lanes, row = i / lanes;
                const emu_ops ops = {&block, vals.data(), preds.data(), lane, row, lanes, threads_n};
                const fused_thread th = {lane, row, rows, (int)tile, (int)run};
                body(a, th, shared.data(), ops);
            };
            if (!block.run(thread))
                return false;
        }
    return true;
}

struct emu_case {
    size_t nz, ny, nx;
    int steps, S, lanes, rows, tile_z;
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
    /* rows at least 2S+1: the smallest tiles the halo allows and larger ones; nx a multiple of 4
     * (vector loads and stores) or not; one x tile or several (8 cells a tile with 4 lanes, or 6
     * lanes from S = 5 on; 120 with the GPU's 32 up to S = 4); one run of planes for the whole
     * grid and runs of 1 */
    const emu_case cases[] = {
        {7, 9, 11, 3, 2, 4, 5, 5, 0.3, 0},      {7, 9, 12, 1, 2, 4, 5, 5, 0.3, 1},
        {8, 9, 20, 13, 4, 4, 9, 3, 0.3, 0},     {12, 13, 18, 13, 4, 4, 12, 20, 0.5, 1},
        {6, 7, 8, 7, 1, 4, 3, 1, 0.5, 0},       {6, 8, 9, 7, 3, 4, 7, 3, 0.0, 1},
        {10, 8, 24, 7, 3, 4, 8, 4, 1.0, 0},     {6, 11, 9, 5, 5, 6, 11, 7, 0.3, 0},
        {10, 12, 28, 11, 5, 6, 13, 3, 0.5, 1},  {9, 10, 17, 13, 6, 6, 16, 5, 0.3, 0},
        {11, 14, 36, 8, 6, 6, 13, 1, 0.5, 1},   {11, 12, 13, 15, 7, 6, 15, 6, 0.3, 0},
        {12, 16, 16, 9, 7, 6, 15, 2, 0.0, 1},   {10, 11, 12, 17, 8, 6, 17, 4, 0.3, 0},
        {12, 9, 21, 16, 8, 6, 17, 20, 0.5, 1},  {3, 3, 3, 5, 2, 4, 5, 1, 0.0, 0},
        {3, 5, 4, 9, 4, 4, 9, 1, 0.3, 1},       {4, 20, 3, 6, 3, 4, 7, 2, 0.3, 0},
        {9, 30, 16, 5, 2, 4, 6, 4, 0.0, 0},     {9, 23, 26, 6, 2, 4, 7, 3, 0.0, 1},
        {8, 9, 20, 13, 4, 4, 9, 3, 0.3, 0, 1},  {12, 13, 17, 13, 4, 4, 12, 20, 0.5, 1, 2},
        {10, 12, 36, 11, 5, 6, 13, 3, 0.3, 0, 3}, {9, 10, 11, 13, 6, 6, 16, 5, 0.2, 1, 1},
        {6, 8, 132, 5, 2, 32, 5, 2, 0.3, 0},    {5, 7, 130, 4, 3, 32, 7, 3, 0.0, 1},
    };
    /* the default rows: as many as the shared memory holds, up to what the registers allow */
    const struct {
        int S;
        size_t smem;
        int rows;
    } defaults[] = {{3, 232448, 32}, {8, 232448, 18},         {4, 232448, 18},
                    {3, 101376, 19}, {5, 101376, 14},         {8, 101376, 0},
                    {1, 49152, 16},  {2, 7 * 4096 - 1, 6},   {2, 4 * 4096, 0}};
    int failed_rows = 0;
    for (const auto &d : defaults)
        if (fused_default_rows(d.S, d.smem) != d.rows) {
            failed_rows++;
            std::printf("FAILED fused_default_rows(%d, %zu) = %d, not %d\n", d.S, d.smem,
                        fused_default_rows(d.S, d.smem), d.rows);
        }
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
        bool barriers = true;
        for (int done = 0, n; done < c.steps && barriers; done += n, cur ^= 1) {
            n = c.steps - done < c.S ? c.steps - done : c.S;
            barriers = emu_launch(n, c.lanes, c.rows, c.tile_z, buf[cur].data(), buf[cur ^ 1].data(),
                                  c.nz, c.ny, c.nx, p.k, c.insulated);
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        size_t bad = 0, first = 0;
        for (size_t i = 0; i < cells; i++)
            if (std::memcmp(&buf[cur][i], &ref[i], sizeof(float)) != 0 && bad++ == 0)
                first = i;
        checked++;
        if (getenv("EMU_TIMES"))
            std::printf("%zux%zux%zu S %d lanes %d rows %d: %.2f s\n", c.nz, c.ny, c.nx, c.S, c.lanes,
                        c.rows, seconds);
        if (!barriers) {
            failed++;
            std::printf("FAILED %zux%zux%zu S %d lanes %d rows %d: threads of a block passed different "
                        "numbers of barriers\n", c.nz, c.ny, c.nx, c.S, c.lanes, c.rows);
            continue;
        }
        if (bad) {
            failed++;
            std::printf("FAILED %zux%zux%zu steps %d S %d lanes %d rows %d tile_z %d land %.1f %s field %d: "
                        "%zu cells differ, first %zu: %.9g, naive %.9g\n",
                        c.nz, c.ny, c.nx, c.steps, c.S, c.lanes, c.rows, c.tile_z, c.land,
                        c.insulated ? "insulated" : "course", c.kind, bad, first, buf[cur][first], ref[first]);
        }
    }
    std::printf("test_fused_emu: %d cases, %d failed; default rows: %d failed\n", checked, failed,
                failed_rows);
    return failed || failed_rows ? 1 : 0;
}
