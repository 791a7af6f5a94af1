#!/usr/bin/python3
"""Writes the scikit-learn reference values the @symtensor/ml tests compare with.

Run from anywhere with Debian's interpreter (numpy 1.24, scipy 1.10, scikit-learn 1.2):

    /usr/bin/python3 packages/ml/scripts/make-fixtures.py

Everything is float64 and seeded, so the output is the same on every run. The fixtures are small
(a few hundred points) to keep the test suite fast; each one stores its inputs too, so the tests
need nothing but the JSON.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import NearestNeighbors

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")


def write(name, payload):
    payload = {"generator": f"make-fixtures.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}", **payload}
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")


def blobs(rng, n, d, k, spread):
    centers = rng.uniform(-10, 10, size=(k, d))
    return centers[np.arange(n) % k] + spread * rng.standard_normal((n, d))


def kmeans_case(x, init, max_iter, tol=0.0):
    km = KMeans(n_clusters=len(init), init=init, n_init=1, max_iter=max_iter, tol=tol, algorithm="lloyd")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        km.fit(x)
    return {
        "init": init.tolist(),
        "maxIter": max_iter,
        "tol": tol,
        "labels": km.labels_.tolist(),
        "centroids": km.cluster_centers_.tolist(),
        "inertia": float(km.inertia_),
        "iterations": int(km.n_iter_),
    }


def spherical_kmeans(x, init, iters):
    """Spherical k-means written out directly (scikit-learn has none): cosine assignment, normalised means."""
    xn = x / np.linalg.norm(x, axis=1, keepdims=True)
    c = init / np.linalg.norm(init, axis=1, keepdims=True)
    for _ in range(iters):
        labels = np.argmax(xn @ c.T, axis=1)
        sums = np.zeros_like(c)
        np.add.at(sums, labels, xn)
        c = sums / np.linalg.norm(sums, axis=1, keepdims=True)
    labels = np.argmax(xn @ c.T, axis=1)
    inertia = float(np.sum(1 - np.sum(xn * c[labels], axis=1)))
    return {"init": init.tolist(), "maxIter": iters, "labels": labels.tolist(), "centroids": c.tolist(), "inertia": inertia}


def make_kmeans():
    rng = np.random.default_rng(401)
    x = blobs(rng, 400, 3, 6, 1.5)
    init = x[rng.choice(len(x), 6, replace=False)]
    far1 = np.vstack([init[:5], [[60.0, 60.0, 60.0]]])
    far2 = np.vstack([init[:4], [[60.0, 60.0, 60.0], [-80.0, 0.0, 0.0]]])
    write(
        "kmeans.json",
        {
            "x": x.tolist(),
            "converged": kmeans_case(x, init, 100),
            "threeSteps": kmeans_case(x, init, 3),
            "withTol": kmeans_case(x, init, 100, tol=1e-2),
            # One (then two) initial centroids far from every point: scikit-learn relocates them.
            "oneEmpty": kmeans_case(x, far1, 100),
            "twoEmpty": kmeans_case(x, far2, 100),
            "spherical": spherical_kmeans(x + 1.0, init + 1.0, 20),
        },
    )


def gmm_case(x, queries, k, cov, iters):
    d = x.shape[1]
    init = {
        "weights": np.full(k, 1.0 / k),
        "means": x[:k].copy(),
        "precisions": {"full": np.tile(np.eye(d), (k, 1, 1)), "diag": np.ones((k, d)), "spherical": np.ones(k)}[cov],
    }
    path = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for t in range(1, iters + 1):
            g = GaussianMixture(
                n_components=k,
                covariance_type=cov,
                tol=0.0,
                max_iter=t,
                weights_init=init["weights"],
                means_init=init["means"],
                precisions_init=init["precisions"],
                reg_covar=1e-6,
                random_state=0,
            ).fit(x)
            path.append(float(g.lower_bound_))
    return {
        "covariance": cov,
        "k": k,
        "iterations": iters,
        "init": {key: v.tolist() for key, v in init.items()},
        # lower_bound_ after t iterations: the mean log-likelihood of the E-step of iteration t.
        "logLikelihoodPath": path,
        "weights": g.weights_.tolist(),
        "means": g.means_.tolist(),
        "covariances": g.covariances_.tolist(),
        "score": float(g.score(x)),
        "scoreSamples": g.score_samples(queries).tolist(),
        "predictProba": g.predict_proba(queries).tolist(),
        "predict": g.predict(queries).tolist(),
    }


class FromResponsibilities(GaussianMixture):
    """GaussianMixture started from given responsibilities: what each init_params method draws
    before scikit-learn's first M-step (`_initialize`), here fixed so both sides start alike."""

    responsibilities = None

    def _initialize_parameters(self, X, random_state):
        self._initialize(X, self.responsibilities)


def gmm_from_responsibilities(x, resp, cov, iters):
    path = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for t in range(1, iters + 1):
            g = FromResponsibilities(
                n_components=resp.shape[1], covariance_type=cov, tol=0.0, max_iter=t, reg_covar=1e-6, random_state=0
            )
            g.responsibilities = resp
            g.fit(x)
            path.append(float(g.lower_bound_))
    return {
        "covariance": cov,
        "iterations": iters,
        "responsibilities": resp.tolist(),
        "logLikelihoodPath": path,
        "weights": g.weights_.tolist(),
        "means": g.means_.tolist(),
        "covariances": g.covariances_.tolist(),
    }


def make_gmm():
    rng = np.random.default_rng(501)
    centers = 10 * rng.uniform(size=(4, 2))
    x = centers[np.arange(300) % 4] + 1.5 * rng.standard_normal((300, 2))
    # Queries: some data points, and far-away points where a naive exp underflows to 0.
    queries = np.vstack([x[:20], [[1e3, 1e3], [-500.0, 20.0], [5.0, 1e4]]])
    # The three shapes of initial responsibilities scikit-learn's init_params produce: soft random
    # rows ('random'), one row per component ('random_from_data', 'k-means++'), hard labels of every
    # row ('kmeans').
    rng_init = np.random.default_rng(503)
    soft = rng_init.uniform(size=(len(x), 4))
    soft /= soft.sum(axis=1, keepdims=True)
    one_each = np.zeros((len(x), 4))
    one_each[rng_init.choice(len(x), 4, replace=False), np.arange(4)] = 1
    labelled = np.zeros((len(x), 4))
    labelled[np.arange(len(x)), rng_init.integers(0, 4, size=len(x))] = 1
    rng3 = np.random.default_rng(502)
    x3 = blobs(rng3, 240, 3, 3, 6.0)
    write(
        "gmm.json",
        {
            "x": x.tolist(),
            "queries": queries.tolist(),
            "full": gmm_case(x, queries, 4, "full", 10),
            "diag": gmm_case(x, queries, 4, "diag", 10),
            "spherical": gmm_case(x, queries, 4, "spherical", 10),
            "x3": x3.tolist(),
            "full3": gmm_case(x3, x3[:10], 3, "full", 8),
            "fromResponsibilities": {
                "soft": gmm_from_responsibilities(x, soft, "diag", 6),
                # Full covariances: scikit-learn's diag/spherical estimate E[x^2] - E[x]^2 would
                # cancel down to ~1e-14 noise on the regCovar (1e-6) of a one-point component.
                "oneRowEach": gmm_from_responsibilities(x, one_each, "full", 6),
                "labelled": gmm_from_responsibilities(x, labelled, "spherical", 6),
            },
        },
    )


def knn_direct(dist, k):
    """Indices and distances of the k smallest entries per row of a dense float64 matrix (stable order)."""
    idx = np.argsort(dist, axis=1, kind="stable")[:, :k]
    return idx.tolist(), np.take_along_axis(dist, idx, axis=1).tolist()


def make_knn():
    rng = np.random.default_rng(201)
    q = rng.uniform(size=(60, 4))
    y = rng.uniform(size=(250, 4))
    k = 7
    diff = q[:, None, :] - y[None, :, :]
    sq = np.sum(diff**2, axis=2)
    cos = (q @ y.T) / np.outer(np.linalg.norm(q, axis=1), np.linalg.norm(y, axis=1))
    # Poincare half-space model: the last coordinate is the height above the boundary (> 0).
    hyp = np.arccosh(1 + sq / (2 * np.outer(q[:, -1], y[:, -1])))
    dense = {
        "euclidean": np.sqrt(sq),
        "sqeuclidean": sq,
        "manhattan": np.sum(np.abs(diff), axis=2),
        "cosine": 1 - cos,
        "angular": np.arccos(np.clip(cos, -1, 1)),
        "hyperbolic": hyp,
    }
    out = {"k": k, "query": q.tolist(), "data": y.tolist(), "metrics": {}}
    for name, dist in dense.items():
        idx, dst = knn_direct(dist, k)
        out["metrics"][name] = {"indices": idx, "distances": dst}
    # Cross-check the direct formulas with scikit-learn's brute-force search where it has the metric.
    for name in ["euclidean", "manhattan", "cosine"]:
        nn = NearestNeighbors(n_neighbors=k, algorithm="brute", metric=name).fit(y)
        dst, idx = nn.kneighbors(q)
        assert (idx == np.array(out["metrics"][name]["indices"])).all(), name
        assert np.allclose(dst, out["metrics"][name]["distances"], rtol=1e-12, atol=1e-12), name
    # The kNN graph of the data itself, self-matches excluded (scikit-learn's kneighbors(X=None)).
    dst, idx = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(y).kneighbors()
    out["graph"] = {"indices": idx.tolist(), "distances": dst.tolist()}
    write("knn.json", out)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_kmeans()
    make_gmm()
    make_knn()
    print("fixtures written to", os.path.normpath(OUT))
