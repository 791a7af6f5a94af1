#!/usr/bin/python3
"""Reference values for @symtensor/linalg's tests, computed with SciPy in float64.

Run with Debian's python3 (numpy 1.24, scipy 1.10):  /usr/bin/python3 scripts/make-fixtures.py
It rewrites test/fixtures/*.json. Inputs come from the counter-based generator of
shared/reference/peers.md, re-implemented in @symtensor/core-ir/peer-inputs, so the tests rebuild the same
float32 points without storing them.
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.linalg
import scipy.sparse.linalg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers_random import normal, uniform  # noqa: E402


def gaussian(x, sigma):
    x = x.astype(np.float64)
    d2 = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    return np.exp(-d2 / (2 * sigma * sigma))


def sig(v, digits):
    return [float(f"{t:.{digits}g}") for t in np.asarray(v).ravel()]


out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")
os.makedirs(out_dir, exist_ok=True)
meta = {"numpy": np.__version__, "scipy": scipy.__version__, "script": "scripts/make-fixtures.py"}

# eigsh: top-5 of exp(-|x-y|^2/2) on x = normal(601, (2000, 2)) (the first rows of peers.md's f).
N = 2000
K = gaussian(normal(601, (N, 2)), 1.0)
vals, vecs = scipy.sparse.linalg.eigsh(K, k=5, which="LA", tol=0, v0=np.ones(N))
order = np.argsort(-vals)
vals, vecs = vals[order], vecs[:, order]
# Sign convention: the entry of largest magnitude is positive.
vecs = vecs * np.sign(vecs[np.abs(vecs).argmax(0), np.arange(5)])
dense = np.linalg.eigvalsh(K)[::-1][:6]
eig = {
    **meta,
    "problem": "top-5 eigenpairs (which='LA') of K_ij = exp(-|x_i - x_j|^2 / 2), x = normal(601, (2000, 2)) float32",
    "n": N,
    "values": [float(v) for v in vals],
    "sixth": float(dense[5]),
    "denseCheck": [float(v) for v in dense[:5]],
    "residuals": [float(np.linalg.norm(K @ vecs[:, c] - vals[c] * vecs[:, c])) for c in range(5)],
    "vectors": [sig(vecs[:, c], 7) for c in range(5)],
}
with open(os.path.join(out_dir, "eigsh-gaussian-2000.json"), "w") as f:
    json.dump(eig, f)

# cg: (I + K) a = b, K Gaussian with sigma 0.1, x = uniform(611, (2000, 3)), b = normal(612, (2000,)).
x = uniform(611, (N, 3))
b = normal(612, (N,)).astype(np.float64)
A = gaussian(x, 0.1) + np.eye(N)
a = scipy.linalg.solve(A, b, assume_a="pos")
count = [0]
a_cg, info = scipy.sparse.linalg.cg(A, b, tol=1e-5, atol=0, callback=lambda _: count.__setitem__(0, count[0] + 1))
ridge = {
    **meta,
    "problem": "(I + K) a = b, K_ij = exp(-|x_i - x_j|^2 / (2 0.1^2)), x = uniform(611, (2000, 3)), b = normal(612, (2000,)), both float32",
    "n": N,
    "a": sig(a, 10),
    "scipyCgIterations": count[0],
    "scipyCgInfo": int(info),
    "relresDirect": float(np.linalg.norm(A @ a - b) / np.linalg.norm(b)),
    "conditionNumber": float(np.linalg.cond(A)),
}
with open(os.path.join(out_dir, "cg-ridge-2000.json"), "w") as f:
    json.dump(ridge, f)
print("eigsh", vals, "residuals", eig["residuals"])
print("cg", count[0], "iterations, info", info, "cond", ridge["conditionNumber"])
