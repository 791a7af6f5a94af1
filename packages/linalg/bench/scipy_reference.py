#!/usr/bin/python3
"""SciPy's side of the linalg benchmark: kernel ridge solve and top-5 eigenpairs of a Gaussian
kernel with a stored dense matrix, on the same inputs as bench/kernel-bench.ts (peers.md's
generator), written to bench/scipy-reference.json, which the TypeScript bench imports and prints
labelled with the machine it was measured on (never mixed with its own timings).

Run with Debian's python3 (numpy 1.24, scipy 1.10):
    /usr/bin/python3 packages/linalg/bench/scipy_reference.py [--sizes 10000,100000]

Problems (D = 3, float32 inputs):
  ridge: (I + K) a = b, K_ij = exp(-|x_i - x_j|^2 / (2 0.1^2)), x = uniform(611, (N, 3)),
         b = normal(612, (N,)); SciPy cg (tol 1e-5) on the dense float32 matrix, and
         scipy.linalg.solve (Cholesky, float64) as the direct reference.
  eigen: top-5 (which='LA') of K_ij = exp(-|x_i - x_j|^2 / 2), x = normal(601, (N, 3));
         SciPy eigsh on the dense float64 matrix (tol 0: machine precision).
A size whose dense matrices do not fit in memory is recorded as skipped, with the reason.
"""
import argparse
import datetime
import json
import os
import platform
import sys
import time

import numpy as np
import scipy
import scipy.linalg
import scipy.sparse.linalg

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from peers_random import normal, uniform  # noqa: E402

RIDGE_SIGMA, RIDGE_ALPHA, RIDGE_TOL = 0.1, 1.0, 1e-5
EIGEN_SIGMA, EIGEN_K = 1.0, 5


def gaussian(x, sigma, dtype):
    """Dense exp(-|x_i - x_j|^2 / (2 sigma^2)), built in row blocks to bound the temporaries."""
    x = x.astype(np.float64)
    n = len(x)
    k = np.empty((n, n), dtype=dtype)
    sq = (x * x).sum(1)
    for start in range(0, n, 1000):
        rows = slice(start, min(n, start + 1000))
        d2 = np.maximum(sq[rows, None] + sq[None, :] - 2 * x[rows] @ x.T, 0)
        k[rows] = np.exp(-d2 / (2 * sigma * sigma))
    return k


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def available_bytes():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def ridge(n):
    x = uniform(611, (n, 3))
    b = normal(612, (n,)).astype(np.float64)
    a32, t_build = timed(lambda: gaussian(x, RIDGE_SIGMA, np.float32))
    a32[np.diag_indices(n)] += RIDGE_ALPHA
    count = [0]
    # A float32 right-hand side keeps every product in float32 (a float64 one would make NumPy
    # convert the whole matrix at each product).
    (sol, info), t_cg = timed(
        lambda: scipy.sparse.linalg.cg(
            a32, b.astype(np.float32), tol=RIDGE_TOL, atol=0, callback=lambda _: count.__setitem__(0, count[0] + 1)
        )
    )
    sol = sol.astype(np.float64)
    a64 = a32.astype(np.float64)
    del a32
    relres = float(np.linalg.norm(a64 @ sol - b) / np.linalg.norm(b))
    direct, t_direct = timed(lambda: scipy.linalg.solve(a64, b, assume_a="pos", overwrite_a=True))
    size = f"N={n}, D=3, sigma={RIDGE_SIGMA}, alpha={RIDGE_ALPHA}"
    return [
        {
            "task": "ridge",
            "n": n,
            "size": size,
            "library": f"scipy cg (tol {RIDGE_TOL}) on a dense float32 matrix (excl. build)",
            "seconds": t_cg,
            "buildSeconds": t_build,
            "iterations": count[0],
            "info": int(info),
            "trueRelativeResidual": relres,
            "sum": float(sol.sum()),
            "norm": float(np.linalg.norm(sol)),
            "relativeErrorVsDirect": float(np.linalg.norm(sol - direct) / np.linalg.norm(direct)),
        },
        {
            "task": "ridge",
            "n": n,
            "size": size,
            "library": "scipy.linalg.solve, dense float64 Cholesky (direct reference, excl. build)",
            "seconds": t_direct,
            "sum": float(direct.sum()),
            "norm": float(np.linalg.norm(direct)),
            "a0": float(direct[0]),
        },
    ]


def eigen(n):
    x = normal(601, (n, 3))
    k, t_build = timed(lambda: gaussian(x, EIGEN_SIGMA, np.float64))
    products = [0]

    def matvec(v):
        products[0] += 1
        return k @ v

    op = scipy.sparse.linalg.LinearOperator((n, n), matvec=matvec, dtype=np.float64)
    (vals, vecs), t_eig = timed(lambda: scipy.sparse.linalg.eigsh(op, k=EIGEN_K, which="LA", v0=np.ones(n)))
    order = np.argsort(-vals)
    vals, vecs = vals[order], vecs[:, order]
    residuals = [float(np.linalg.norm(k @ vecs[:, c] - vals[c] * vecs[:, c]) / vals[c]) for c in range(EIGEN_K)]
    return [
        {
            "task": "eigen",
            "n": n,
            "size": f"N={n}, D=3, sigma={EIGEN_SIGMA}, k={EIGEN_K}",
            "library": "scipy eigsh (tol 0) on a dense float64 matrix (excl. build)",
            "seconds": t_eig,
            "buildSeconds": t_build,
            "products": products[0],
            "top": [float(v) for v in vals],
            "maxRelativeResidual": max(residuals),
        }
    ]


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "scipy-reference.json")
    )
    args = parser.parse_args()
    rows, skipped = [], []
    load_before = os.getloadavg()
    for n in [int(s) for s in args.sizes.split(",")]:
        # ridge holds a float32 and a float64 copy of the matrix at once; eigen one float64 copy.
        need = 12 * n * n
        if need > 0.8 * available_bytes():
            reason = f"the dense matrices need {need / 1e9:.0f} GB, {available_bytes() / 1e9:.0f} GB available"
            skipped.append({"n": n, "reason": reason})
            print(f"N={n}: skipped, {reason}")
            continue
        for task in (ridge, eigen):
            for row in task(n):
                rows.append(row)
                print(json.dumps(row))
    report = {
        "label": "imported: SciPy, dense matrices",
        "script": "packages/linalg/bench/scipy_reference.py",
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        "loadAverage": {"before": [round(v, 2) for v in load_before], "after": [round(v, 2) for v in os.getloadavg()]},
        "libraries": f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}",
        "rows": rows,
        "skipped": skipped,
    }
    with open(args.out, "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
