#!/usr/bin/env python3
"""Coefficients of the WebAssembly path's float32 exp (src/wasm/vmath.ts, expF32), and its error.

exp(r) = 1 + r + r^2 q(r) on [-ln2/2, ln2/2], q of degree 4 (c2..c6), fitted for the least
maximum relative error of exp(r): weighted least squares on Chebyshev points, the weights updated
by Lawson's rule (w *= |error|) until they settle on the minimax solution. Then the whole float32
algorithm of expF32 is replayed in numpy float32 (every operation rounded as f32x4 rounds it) on
every 61st float32 in [-104, 89] and compared with float64 exp, in float32 ulps.

    python3 packages/backend-cpu/bench/fit-exp.py [stride]

Needs numpy (Debian: python3-numpy). test/wasm-math.test.ts measures the generated code itself.
"""
import sys

import numpy as np

F = np.float32
HALF_LN2 = np.log(2) / 2


def fit(degree=4, iterations=60):
    r = np.cos(np.linspace(0, np.pi, 4001)) * HALF_LN2
    r = r[np.abs(r) > 1e-6]
    er = np.exp(r)
    # Relative error of 1 + r + r^2 q(r): columns r^(k+2) / e^r, target (e^r - 1 - r) / e^r.
    a = np.vstack([r ** (k + 2) for k in range(degree + 1)]).T / er[:, None]
    b = (np.expm1(r) - r) / er
    w = np.ones_like(r)
    for _ in range(iterations):
        c, *_ = np.linalg.lstsq(a * np.sqrt(w)[:, None], b * np.sqrt(w), rcond=None)
        w *= np.abs(a @ c - b)
        w /= w.sum()
    return [float(F(v)) for v in c], float(np.max(np.abs(a @ c - b)))


def exp_f32(x, c):
    """expF32, operation by operation in float32."""
    x = np.minimum(np.maximum(x, F(-104)), F(89))
    n = np.rint(x * F(np.log2(np.e))).astype(F)
    r = (x - n * F(0.693359375)).astype(F)
    r = (r - n * F(-2.12194440e-4)).astype(F)
    c2, c3, c4, c5, c6 = (F(v) for v in c)
    r2 = r * r
    q = (c2 + c3 * r) + r2 * ((c4 + c5 * r) + c6 * r2)
    p = (r2 * q + r) + F(1)
    nb = (n + F(12582912 + 254)).astype(F).view(np.uint32)
    half = nb >> np.uint32(1)
    f1 = (half << np.uint32(23)).view(F)
    f2 = ((nb - half) << np.uint32(23)).view(F)
    return ((p * f1).astype(F) * f2).astype(F)


def ulps(got, x):
    want = np.exp(x.astype(np.float64))
    a = np.abs(want)
    ulp = np.where(a < 2.0**-126, 2.0**-149, 2.0 ** (np.floor(np.log2(np.maximum(a, 2.0**-149))) - 23))
    representable = np.isfinite(want.astype(F)) & (want.astype(F) != 0)
    return np.where(representable, np.abs(got.astype(np.float64) - want) / ulp, 0)


def main():
    stride = int(sys.argv[1]) if len(sys.argv) > 1 else 61
    c, err = fit()
    print('c2..c6 =', c)
    print(f'relative error of the polynomial: {err:.3e} ({err / 2**-24:.3f} x 2^-24)')
    negative = np.arange(0x80000000, 0xC2D00001, stride, dtype=np.uint64).astype(np.uint32)  # down to -104
    positive = np.arange(0, 0x42B20001, stride, dtype=np.uint64).astype(np.uint32)  # up to 89
    xs = np.concatenate([negative, positive]).view(F)
    worst, at = 0.0, 0.0
    for k in range(0, len(xs), 1 << 24):
        x = xs[k : k + (1 << 24)]
        with np.errstate(all='ignore'):
            e = ulps(exp_f32(x, c), x)
        i = int(np.argmax(e))
        if e[i] > worst:
            worst, at = float(e[i]), float(x[i])
    print(f'float32 exp over every {stride}th float in [-104, 89]: max {worst:.3f} ulp at x = {at}')


main()
