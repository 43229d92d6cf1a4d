"""A plain Numba version of the model beside the project's CPU variants, on the same field.

Run through bench/peers/numba_peer.sh (it makes the virtual environment). Rounds are
interleaved (Numba, then the project's variants, the order alternating), so a busy neighbour
slows both sides alike; medians over rounds are printed with each side's G cell updates/s,
the ratio project / Numba, and the largest difference between the two results.

The model (DESIGN.md, course scheme): every interior cell that is not NaN becomes
T + k (s - 6 T) / max(n, 1), s the sum of its non-NaN face neighbours and n their count;
NaN cells and the outer faces keep their value. float32 throughout, as the project.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numba
import numpy as np


@numba.njit(parallel=True, cache=True)
def step(t, out, k):
    nz, ny, nx = t.shape
    six = np.float32(6.0)
    for z in numba.prange(1, nz - 1):
        for y in range(1, ny - 1):
            for x in range(1, nx - 1):
                c = t[z, y, x]
                if np.isnan(c):
                    continue
                s = np.float32(0.0)
                n = 0
                for v in (t[z - 1, y, x], t[z + 1, y, x], t[z, y - 1, x],
                          t[z, y + 1, x], t[z, y, x - 1], t[z, y, x + 1]):
                    if not np.isnan(v):
                        s += v
                        n += 1
                out[z, y, x] = c + k * (s - six * c) / np.float32(max(n, 1))


def run_numba(field, steps, k):
    """Seconds for `steps` timesteps from field (faces and land copied once, then ping-pong)."""
    a = field.copy()
    b = field.copy()
    t0 = time.perf_counter()
    for _ in range(steps):
        step(a, b, k)
        a, b = b, a
    return time.perf_counter() - t0, a


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer-binary", required=True, help="build/stencilbench-peer")
    ap.add_argument("--grid", type=int, nargs=3, default=[256, 256, 256], metavar=("NZ", "NY", "NX"))
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--variants", default="openmp,openmp_counts,openmp_fused")
    a = ap.parse_args()
    nz, ny, nx = a.grid
    variants = a.variants.split(",")
    numba.set_num_threads(a.threads)
    k = np.float32(0.1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "field.f32")
        subprocess.run([a.peer_binary, "field", str(nz), str(ny), str(nx), path], check=True)
        field = np.fromfile(path, dtype=np.float32).reshape(nz, ny, nx)
        print(f"grid {nz}x{ny}x{nx}, {np.isnan(field).mean():.0%} land, {a.steps} steps, "
              f"{a.threads} threads, numba {numba.__version__}, load {os.getloadavg()[0]:.2f} at start")
        run_numba(field, 1, k)  # compile (cached in __pycache__ for the next run)
        rates = {name: [] for name in ["numba"] + variants}
        updates = (nz - 2) * (ny - 2) * (nx - 2) * a.steps  # as the project counts (land included)
        numba_out = None
        project_cmd = [a.peer_binary, "run", path, str(nz), str(ny), str(nx), str(a.steps),
                       str(a.threads), os.path.join(tmp, "out_")] + variants
        for r in range(a.rounds):
            sides = ["numba", "project"] if r % 2 == 0 else ["project", "numba"]
            for side in sides:
                if side == "numba":
                    run_numba(field, 1, k)  # warm-up, as the project side gets
                    sec, numba_out = run_numba(field, a.steps, k)
                    rates["numba"].append(updates / sec / 1e9)
                else:
                    res = subprocess.run(project_cmd, check=True, capture_output=True, text=True)
                    for line in res.stdout.split("\n"):
                        if line:
                            name, sec = line.split()
                            rates[name].append(updates / float(sec) / 1e9)
            print(f"round {r + 1}/{a.rounds}: " + ", ".join(
                f"{n} {v[-1]:.3f}" for n, v in rates.items()) + f"  (load {os.getloadavg()[0]:.2f})")
        # Validation: the project's own tolerance (README, Validation), everywhere.
        m = float(np.nanmax(np.abs(field)))
        tol = 16 * np.finfo(np.float32).eps * m * max(a.steps, 1)
        worst = 0.0
        print(f"\nmedians over {a.rounds} rounds (G cell updates/s):")
        base = statistics.median(rates["numba"])
        print(f"  {'numba (prange over z)':24s} {base:7.3f}")
        for name in variants:
            out = np.fromfile(os.path.join(tmp, f"out_{name}.f32"), dtype=np.float32).reshape(nz, ny, nx)
            same_nan = bool(np.array_equal(np.isnan(out), np.isnan(numba_out)))
            err = float(np.nanmax(np.abs(out.astype(np.float64) - numba_out)))
            worst = max(worst, err if same_nan else float("inf"))
            med = statistics.median(rates[name])
            print(f"  {name:24s} {med:7.3f}   {med / base:5.2f}x numba   max abs diff {err:.2e}"
                  f"{'' if same_nan else '   NaN MISMATCH'}")
        ok = worst <= tol
        print(f"validation: largest difference {worst:.2e}, tolerance {tol:.2e}: "
              f"{'ok' if ok else 'FAILED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
