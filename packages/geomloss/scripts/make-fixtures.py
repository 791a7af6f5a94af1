#!/usr/bin/python3
"""Writes the reference fixtures of the geomloss tests under test/fixtures/.

Run with Debian's Python (numpy 1.24, scipy 1.10, POT 0.8.2):
    /usr/bin/python3 packages/geomloss/scripts/make-fixtures.py
Everything is float64 and seeded, so the output is reproducible.
"""
import json
import os

import numpy as np
import ot
from scipy.linalg import sqrtm
from scipy.optimize import linear_sum_assignment

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures')
rng = np.random.default_rng(20261121)


def cost(x, y, p):
    d = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))
    return d if p == 1 else 0.5 * d ** 2


def assignment_cases():
    """Exact assignment cost with uniform weights 1/N: the blur -> 0 limit of OT_eps and S_eps."""
    cases = []
    for p in (1, 2):
        for n, d in ((5, 2), (7, 3)):
            x = rng.uniform(0, 1, (n, d))
            y = rng.uniform(0, 1, (n, d))
            C = cost(x, y, p)
            rows, cols = linear_sum_assignment(C)
            cases.append({'p': p, 'x': x.tolist(), 'y': y.tolist(), 'perm': cols.tolist(),
                          'value': float(C[rows, cols].sum() / n)})
    return cases


def pot_plan_cases():
    """Converged entropic plans from POT's log-domain Sinkhorn (cost 1/2|x-y|^2, eps = blur^2).

    POT regularises with sum(g log g) and GeomLoss with KL(g | a x b); with fixed marginals the two
    differ by a constant, so the optimal plans agree. The value is the primal
    <g, C> + eps KL(g | a x b), which the raw OT_eps (debias=False) equals at convergence.
    """
    cases = []
    for n, m, blur in ((6, 5, 0.3), (8, 9, 0.15)):
        x = rng.uniform(0, 1, (n, 2))
        y = rng.uniform(0, 1, (m, 2))
        a = rng.uniform(0.5, 1.5, n)
        a /= a.sum()
        b = rng.uniform(0.5, 1.5, m)
        b /= b.sum()
        C = cost(x, y, 2)
        eps = blur ** 2
        g = ot.sinkhorn(a, b, C, eps, method='sinkhorn_log', numItermax=100000, stopThr=1e-14)
        value = float((g * C).sum() + eps * (g * np.log(g / np.outer(a, b))).sum())
        cases.append({'blur': blur, 'a': a.tolist(), 'x': x.tolist(), 'b': b.tolist(), 'y': y.tolist(),
                      'plan': g.tolist(), 'value': value})
    return cases


def janati_ot(a, A, b, B, s2):
    """Janati, Muzellec, Peyre, Cuturi (2020), Thm. 1: entropic OT between N(a, A) and N(b, B) for
    the cost |x - y|^2 and regularisation 2 s2 KL(pi | alpha x beta). Returns the value and the
    cross-covariance C_s of the optimal (Gaussian) plan."""
    d = len(a)
    Ah = np.real(sqrtm(A))
    Ds = np.real(sqrtm(4 * Ah @ B @ Ah + s2 ** 2 * np.eye(d)))
    bures = (np.trace(A) + np.trace(B) - np.trace(Ds) + d * s2 * (1 - np.log(2 * s2))
             + s2 * np.log(np.linalg.det(Ds + s2 * np.eye(d))))
    cross = 0.5 * Ah @ Ds @ np.linalg.inv(Ah) - 0.5 * s2 * np.eye(d)
    return float(((a - b) ** 2).sum() + bures), cross


def gauss_hermite(mean, cov, n):
    """Product Gauss-Hermite rule for N(mean, cov): n^d weighted points x = mean + cov^(1/2) z."""
    t, w = np.polynomial.hermite_e.hermegauss(n)
    w = w / w.sum()
    d = len(mean)
    z = np.stack([g.ravel() for g in np.meshgrid(*[t] * d, indexing='ij')], 1)
    weights = np.prod(np.stack([g.ravel() for g in np.meshgrid(*[w] * d, indexing='ij')], 1), 1)
    return mean + z @ np.real(sqrtm(cov)).T, weights


def gaussian_cases():
    """Entropic OT between two 2-D Gaussians in GeomLoss's conventions (cost |x - y|^2 / 2,
    eps = blur^2): OT_eps = Janati / 2 with s2 = blur^2, the same plan. The measures are given as
    Gauss-Hermite rules with n = 6, 10, 14 points per axis. As a check of the formula, POT's
    log-domain Sinkhorn on the finest rule must reproduce it."""
    a, A = np.array([0.0, 0.3]), np.array([[0.5, 0.2], [0.2, 0.3]])
    b, B = np.array([1.0, -0.5]), np.array([[0.8, -0.3], [-0.3, 0.6]])
    blur = np.sqrt(0.5)
    s2 = blur ** 2
    ot_ab, cross = janati_ot(a, A, b, B, s2)
    ot_aa = janati_ot(a, A, a, A, s2)[0]
    ot_bb = janati_ot(b, B, b, B, s2)[0]
    rules = []
    for n in (6, 10, 14):
        x, wa = gauss_hermite(a, A, n)
        y, wb = gauss_hermite(b, B, n)
        rules.append({'n': n, 'x': x.tolist(), 'a': wa.tolist(), 'y': y.tolist(), 'b': wb.tolist()})
    C = cost(x, y, 2)
    g = ot.sinkhorn(wa, wb, C, s2, method='sinkhorn_log', numItermax=100000, stopThr=1e-14)
    primal = (g * C).sum() + s2 * (g * np.log(g / np.outer(wa, wb))).sum()
    assert abs(primal - ot_ab / 2) < 1e-8 * ot_ab, (primal, ot_ab / 2)
    return {'mean_a': a.tolist(), 'cov_a': A.tolist(), 'mean_b': b.tolist(), 'cov_b': B.tolist(),
            'blur': blur, 'ot_ab': ot_ab / 2, 'ot_aa': ot_aa / 2, 'ot_bb': ot_bb / 2,
            'divergence': (ot_ab - ot_aa / 2 - ot_bb / 2) / 2, 'cross_covariance': cross.tolist(),
            'rules': rules}


os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'assignment.json'), 'w') as f:
    json.dump({'generator': 'scipy.optimize.linear_sum_assignment', 'cases': assignment_cases()}, f, indent=1)
with open(os.path.join(OUT, 'pot-plans.json'), 'w') as f:
    json.dump({'generator': f'POT {ot.__version__} ot.sinkhorn(method="sinkhorn_log")',
               'cases': pot_plan_cases()}, f, indent=1)
with open(os.path.join(OUT, 'gaussians.json'), 'w') as f:
    json.dump({'generator': 'Janati et al. 2020 closed form (scipy.linalg.sqrtm), numpy hermegauss',
               **gaussian_cases()}, f, indent=1)
print('wrote', OUT)
