#!/usr/bin/env python3
"""Measures the Python peers of the benchmark app and writes imported/python-peers.json.

Suites covered: the kernel products (NumPy, PyTorch), exact kNN (scikit-learn, PyTorch), LogSumExp
(PyTorch), k-means (scikit-learn KMeans, Lloyd) and Gaussian mixtures (scikit-learn
GaussianMixture) on the peers' "d" and "e" inputs and starting parameters.

The peers are NumPy, PyTorch (CPU) and scikit-learn as Debian packages ship them
(apt-get install python3-numpy python3-torch python3-sklearn); a library that is not installed
is recorded as skipped, with the reason. The app reads the JSON and shows the rows labelled
"imported", with the machine they were measured on: they are never mixed with its own timings.

Same inputs as the app: the counter-based generator of shared/reference/peers.md (checked
against its published values at start-up), same seeds, same kernels, float32 data. Each row is a
warm-up run, then timed repeats (median, min, max); a size whose estimated time exceeds the budget
is skipped, as in the app. Each result is compared with a float64 NumPy computation on its first
rows and the error is written in the row's note.

Usage: python3 python/peers.py [--sizes 1000,10000] [--repeats 5] [--budget 30]
                               [--machine "AMD EPYC VM, 2 cores, 24 GiB"] [--out imported/python-peers.json]
It replaces the output file; the transcribed PyKeOps / FAISS / POT / GeomLoss rows stay in
shared/reference/peers.md and in git history.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import time
import warnings

# libgomp (torch) spinning against OpenBLAS threads doubles some timings on 2 cores: see peers.md.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

# The hash relies on uint32 wrap-around, which NumPy reports as overflow for scalars.
np.seterr(over="ignore")

try:
    import torch  # noqa: E402
except ImportError:
    torch = None
try:
    from sklearn.cluster import KMeans  # noqa: E402
    from sklearn.exceptions import ConvergenceWarning  # noqa: E402
    from sklearn.mixture import GaussianMixture  # noqa: E402
    from sklearn.neighbors import NearestNeighbors  # noqa: E402
except ImportError:
    KMeans = GaussianMixture = NearestNeighbors = None

HERE = os.path.dirname(os.path.abspath(__file__))
SCALE = 0.1
EPS = 0.05**2
K = 10
CHUNK = 2**22


# --- the counter-based generator (shared/reference/peers.md) -------------------------------------


def lowbias32(x):
    x = np.asarray(x, dtype=np.uint32)
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x7FEB352D)
    x = x ^ (x >> np.uint32(15))
    x = x * np.uint32(0x846CA68B)
    return x ^ (x >> np.uint32(16))


def word(seed, k):
    key = lowbias32(np.uint32((seed + 0x9E3779B9) & 0xFFFFFFFF))
    return lowbias32(lowbias32(np.asarray(k, dtype=np.uint32)) + key)


def uniform(seed, shape):
    k = np.arange(int(np.prod(shape)), dtype=np.uint32)
    return ((word(seed, k) >> np.uint32(8)).astype(np.float64) * 2.0**-24).astype(np.float32).reshape(shape)


def normal(seed, shape):
    k = np.arange(int(np.prod(shape)), dtype=np.uint32)
    u1 = ((word(seed, 2 * k) >> np.uint32(8)).astype(np.float64) + 1) * 2.0**-24
    u2 = (word(seed, 2 * k + 1) >> np.uint32(8)).astype(np.float64) * 2.0**-24
    return (np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)).astype(np.float32).reshape(shape)


def check_generator():
    assert [int(w) for w in word(0, np.arange(4))] == [2926543089, 3099006442, 3627623809, 610118454]
    assert np.allclose(uniform(1, (2, 3)), [[0.13681453, 0.35135692, 0.51055568], [0.79849017, 0.48924977, 0.90965164]])
    assert np.allclose(normal(2, (4,)), [0.58812588, 2.05208969, -0.54856938, -0.16582716])


# --- the problems, as the app states them ------------------------------------------------------

KERNELS = {
    "gaussian": lambda r2, s: np.exp(-r2 / (2 * s * s)),
    "laplace": lambda r2, s: np.exp(-np.sqrt(r2) / s),
    "cauchy": lambda r2, s: 1 / (1 + r2 / (s * s)),
    "imq": lambda r2, s: 1 / np.sqrt(1 + r2 / (s * s)),
}
TORCH_KERNELS = {
    "gaussian": lambda r2, s: torch.exp(-r2 / (2 * s * s)),
    "laplace": lambda r2, s: torch.exp(-torch.sqrt(r2) / s),
    "cauchy": lambda r2, s: 1 / (1 + r2 / (s * s)),
    "imq": lambda r2, s: torch.rsqrt(1 + r2 / (s * s)),
}


def sqdist_expansion(xc, y, y2):
    """|x|^2 + |y|^2 - 2 x.y, clamped at 0: the matmul expansion every dense peer uses."""
    return np.maximum((xc * xc).sum(1, keepdims=True) + y2[None, :] - 2 * xc @ y.T, 0)


def numpy_kernel(name, x, y, b):
    y2 = (y * y).sum(1)
    rows = max(1, CHUNK // len(y))
    return np.concatenate([KERNELS[name](sqdist_expansion(x[i : i + rows], y, y2), SCALE) @ b for i in range(0, len(x), rows)])


def torch_kernel(name, x, y, b):
    y2 = (y * y).sum(1)
    rows = max(1, CHUNK // len(y))
    parts = []
    for i in range(0, len(x), rows):
        xc = x[i : i + rows]
        r2 = ((xc * xc).sum(1, keepdim=True) + y2[None, :] - 2 * xc @ y.T).clamp_min_(0)
        parts.append(TORCH_KERNELS[name](r2, SCALE) @ b)
    return torch.cat(parts)


def torch_knn(x, y):
    y2 = (y * y).sum(1)
    rows = max(1, CHUNK // len(y))
    parts = []
    for i in range(0, len(x), rows):
        xc = x[i : i + rows]
        r2 = (xc * xc).sum(1, keepdim=True) + y2[None, :] - 2 * xc @ y.T
        parts.append(r2.topk(K, dim=1, largest=False).indices)
    return torch.cat(parts)


def torch_softmin(x, y, h):
    y2 = (y * y).sum(1)
    rows = max(1, CHUNK // len(y))
    parts = []
    for i in range(0, len(x), rows):
        xc = x[i : i + rows]
        r2 = (xc * xc).sum(1, keepdim=True) + y2[None, :] - 2 * xc @ y.T
        parts.append(torch.logsumexp(-r2 / EPS + h[None, :], dim=1))
    return torch.cat(parts)


KM_K, KM_ITER, GMM_K, GMM_ITER = 100, 10, 10, 10


def sklearn_kmeans(x):
    """10 Lloyd iterations from centroids x[:100] (peers "d"), tol 0."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(n_clusters=KM_K, init=x[:KM_K], n_init=1, max_iter=KM_ITER, tol=0.0, algorithm="lloyd").fit(x)


def gmm_points(n):
    """Peers "e": x_i = f32(centre_(i mod 10) + 0.5 normal(502)_i), centres f32(10 uniform(501))."""
    centres = (10 * uniform(501, (GMM_K, 2))).astype(np.float32)
    noise = normal(502, (n, 2))
    return (centres[np.arange(n) % GMM_K].astype(np.float64) + 0.5 * noise.astype(np.float64)).astype(np.float32)


def sklearn_gmm(x, covariance):
    """10 EM iterations from means x[:10], uniform weights, identity precisions, tol 0 (peers "e")."""
    precisions = np.tile(np.eye(2), (GMM_K, 1, 1)) if covariance == "full" else np.ones((GMM_K, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return GaussianMixture(
            GMM_K,
            covariance_type=covariance,
            tol=0.0,
            max_iter=GMM_ITER,
            reg_covar=1e-6,
            weights_init=np.full(GMM_K, 1 / GMM_K),
            means_init=x[:GMM_K],
            precisions_init=precisions,
        ).fit(x)


def f64_rows(problem, x, y, extra, rows):
    """The float64 answer on the first `rows` rows (direct (x - y)^2, no expansion)."""
    xs, ys = x[:rows].astype(np.float64), y.astype(np.float64)
    r2 = ((xs[:, None, :] - ys[None, :, :]) ** 2).sum(2)
    if problem in KERNELS:
        return KERNELS[problem](r2, SCALE) @ extra.astype(np.float64)
    if problem == "knn":
        return np.sort(r2, axis=1)[:, :K]
    v = -r2 / EPS + extra.astype(np.float64)[None, :, 0]
    m = v.max(1)
    return m + np.log(np.exp(v - m[:, None]).sum(1))


# --- timing ---------------------------------------------------------------------------------------


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def measure(fn, repeats, budget):
    first, out = timed(fn)
    n = max(1, min(repeats, int(budget // max(first, 1e-9))))
    times = [timed(fn)[0] for _ in range(n)]
    return first, times, out


def row(suite, library, n, size, first=None, times=None, note="", status="measured"):
    return {
        "suite": suite,
        "library": library,
        "size": size,
        "n": n,
        "medianS": statistics.median(times) if times else None,
        "minS": min(times) if times else None,
        "maxS": max(times) if times else None,
        "runs": str(len(times)) if times else None,
        "status": status,
        "note": note if first is None else f"{note}; first_run_s={first:.4g}",
    }


def describe_machine(threads):
    """'<cpu model>, <n> cores, <m> GiB' from /proc on Linux, the platform module elsewhere."""
    cpu, mem = platform.processor() or platform.machine(), ""
    if os.path.exists("/proc/cpuinfo"):
        models = [ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")]
        cpu = models[0] if models else cpu
    if os.path.exists("/proc/meminfo"):
        mem = f", {int(open('/proc/meminfo').read().split()[1]) / 2**20:.0f} GiB"
    return f"{cpu}, {threads} cores{mem}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,30000", help="N sweep (N = M), comma-separated")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--budget", type=float, default=30.0, help="seconds per measurement; larger sizes are skipped")
    ap.add_argument("--machine", default=None, help="machine description (default: detected)")
    ap.add_argument("--out", default=os.path.join(HERE, "..", "imported", "python-peers.json"))
    args = ap.parse_args()
    check_generator()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    threads = os.cpu_count() or 1
    if torch is not None:
        torch.set_num_threads(threads)
    machine = args.machine or describe_machine(threads)
    today = datetime.date.today().isoformat()

    rows = []
    last = {}  # (suite, library) -> (pairs, median): the budget estimate for the next size

    def run(suite, library, n, size, fn, check, pairs=None):
        key = (suite, library)
        pairs = n * n if pairs is None else pairs
        if key in last and last[key][1] * pairs / last[key][0] > args.budget:
            est = last[key][1] * pairs / last[key][0]
            rows.append(row(suite, library, n, size, note=f"estimated {est:.3g} s > budget", status="skipped"))
            return
        first, times, out = measure(fn, args.repeats, args.budget)
        last[key] = (pairs, statistics.median(times))
        rows.append(row(suite, library, n, size, first, times, check(out)))

    def missing(suite, library, n, size, what):
        rows.append(row(suite, library, n, size, note=f"{what} is not installed", status="skipped"))

    for n in sizes:
        x, y, b = uniform(101, (n, 3)), uniform(102, (n, 3)), uniform(103, (n, 1))
        check_rows = min(n, 200)
        for name in KERNELS:
            size = f"N={n}, M={n}, D=3, Dv=1"
            want = f64_rows(name, x, y, b, check_rows)

            def relerr(out, want=want):
                out = np.asarray(out, dtype=np.float64)
                err = np.abs(out[:check_rows] - want).max() / np.abs(want).max()
                return f"sum={out.sum():.7g}; relerr_vs_f64_first{check_rows}={err:.3e}"

            run(name, "numpy (matmul expansion, 2^22-entry row blocks)", n, size, lambda: numpy_kernel(name, x, y, b), relerr)
            if torch is None:
                missing(name, "torch chunked (2^22-entry row blocks)", n, size, "torch")
            else:
                tx, ty, tb = map(torch.from_numpy, (x, y, b))
                run(name, "torch chunked (2^22-entry row blocks)", n, size, lambda: torch_kernel(name, tx, ty, tb).numpy(), relerr)

        for D in (3, 50):
            suite, size = f"knn-d{D}", f"N={n}, M={n}, D={D}, K={K}"
            qx, qy = uniform(201, (n, D)), uniform(202, (n, D))
            want = f64_rows("knn", qx, qy, None, check_rows)

            def knn_err(idx, qx=qx, qy=qy, want=want):
                idx = np.asarray(idx)[:check_rows]
                got = ((qx[:check_rows, None, :].astype(np.float64) - qy[idx].astype(np.float64)) ** 2).sum(2)
                return f"sum_idx={int(np.asarray(idx).sum())}; max_sqdist_err_first{check_rows}={np.abs(got - want).max():.3e}"

            if NearestNeighbors is None:
                missing(suite, "sklearn NearestNeighbors brute", n, size, "scikit-learn")
            else:
                nn = NearestNeighbors(n_neighbors=K, algorithm="brute").fit(qy)
                run(suite, "sklearn NearestNeighbors brute", n, size, lambda: nn.kneighbors(qx, return_distance=False), knn_err)
            if torch is None:
                missing(suite, "torch chunked topk", n, size, "torch")
            else:
                tx, ty = torch.from_numpy(qx), torch.from_numpy(qy)
                run(suite, "torch chunked topk", n, size, lambda: torch_knn(tx, ty).numpy(), knn_err)

        sx, sy, sh = uniform(301, (n, 3)), uniform(302, (n, 3)), uniform(303, (n, 1))
        size = f"N={n}, M={n}, D=3, eps={EPS}"
        want = f64_rows("lse", sx, sy, sh, check_rows)
        if torch is None:
            missing("lse", "torch chunked logsumexp", n, size, "torch")
        else:
            tx, ty, th = map(torch.from_numpy, (sx, sy, sh[:, 0]))
            run(
                "lse",
                "torch chunked logsumexp",
                n,
                size,
                lambda: torch_softmin(tx, ty, th).numpy(),
                lambda out: f"max_err_first{check_rows}={np.abs(out[:check_rows] - want).max():.3e}",
            )

        for D in (2, 10):
            suite, size = f"kmeans-d{D}", f"N={n}, D={D}, K={KM_K}, iters={KM_ITER}"
            if n < KM_K:
                rows.append(row(suite, "sklearn KMeans lloyd", n, size, note=f"N < K = {KM_K}", status="skipped"))
            elif KMeans is None:
                missing(suite, "sklearn KMeans lloyd", n, size, "scikit-learn")
            else:
                kx = normal(401, (n, D))
                run(
                    suite,
                    "sklearn KMeans lloyd",
                    n,
                    size,
                    lambda kx=kx: sklearn_kmeans(kx),
                    lambda km: f"inertia_={km.inertia_:.7g}; n_iter_={km.n_iter_}",
                    pairs=n * KM_K * KM_ITER,
                )

        gx = gmm_points(n)
        for covariance in ("full", "diag"):
            suite, size = f"gmm-{covariance}", f"N={n}, D=2, K={GMM_K}, iters={GMM_ITER}"
            library = f"sklearn GaussianMixture {covariance} (float32)"
            if GaussianMixture is None:
                missing(suite, library, n, size, "scikit-learn")
            else:
                run(
                    suite,
                    library,
                    n,
                    size,
                    lambda covariance=covariance: sklearn_gmm(gx, covariance),
                    lambda g: f"lower_bound_={g.lower_bound_:.7g}; n_iter_={g.n_iter_}",
                    pairs=n * GMM_K * GMM_ITER,
                )

    versions = [f"NumPy {np.__version__}"]
    versions.append(f"PyTorch {torch.__version__} (CPU)" if torch is not None else "PyTorch not installed")
    if NearestNeighbors is not None:
        import sklearn

        versions.append(f"scikit-learn {sklearn.__version__}")
    else:
        versions.append("scikit-learn not installed")
    doc = {
        "label": "imported",
        "machine": f"{machine}, measured {today}",
        "source": "python/peers.py",
        "settings": f"float32, {threads} threads, OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}, warm-up then median of up to {args.repeats} runs, budget {args.budget} s",
        "libraries": ", ".join(versions),
        "rows": rows,
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    print(f"wrote {len(rows)} rows to {args.out}")


if __name__ == "__main__":
    main()
