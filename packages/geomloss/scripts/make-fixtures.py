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


os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'assignment.json'), 'w') as f:
    json.dump({'generator': 'scipy.optimize.linear_sum_assignment', 'cases': assignment_cases()}, f, indent=1)
with open(os.path.join(OUT, 'pot-plans.json'), 'w') as f:
    json.dump({'generator': f'POT {ot.__version__} ot.sinkhorn(method="sinkhorn_log")',
               'cases': pot_plan_cases()}, f, indent=1)
print('wrote', OUT)
