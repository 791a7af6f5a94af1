#!/usr/bin/env python3
"""PyTorch baselines for bench/run.ts, on the same GPU, in the same run.

Reads one JSON case from argv[1] ({"kind", "n", "m", "d", "k", "sigma", "eps", "reps"}), times
the same computation in PyTorch (float32) and prints {"ms": median milliseconds, "mode": "dense"
or "chunked", "device": name}. Dense when the N x M matrix fits in a quarter of the free GPU
memory, else chunked over rows (each chunk dense). Data are random: only the time is compared
(bench/run.ts checks symtensor's own results against a float64 reference).
"""
import json
import sys
import time

import torch


def main():
    c = json.loads(sys.argv[1])
    dev = torch.device("cuda")
    n, m, d = c["n"], c["m"], c["d"]
    x = torch.rand(n, d, device=dev)
    y = torch.rand(m, d, device=dev)
    b = torch.rand(m, 1, device=dev)
    g = torch.rand(m, device=dev)
    free, _ = torch.cuda.mem_get_info()
    # A dense row block holds a few rows x M float32 temporaries (differences d of them, squared
    # distances, exponentials): keep them within a quarter of the free memory.
    rows = max(1, min(n, int(free / 4 / ((d + 3) * m * 4))))
    mode = "dense" if rows >= n else "chunked"

    def block(xs):
        d2 = torch.cdist(xs, y).square_() if d > 3 else ((xs[:, None, :] - y[None, :, :]) ** 2).sum(-1)
        if c["kind"] == "gaussian":
            return torch.exp(d2 * (-1 / (2 * c["sigma"] ** 2))) @ b
        if c["kind"] == "knn":
            return d2.topk(c["k"], dim=1, largest=False).indices
        return torch.logsumexp((g[None, :] - d2) / c["eps"], dim=1)

    def run():
        return [block(x[i : i + rows]) for i in range(0, n, rows)]

    run()
    torch.cuda.synchronize()
    times = []
    for _ in range(c["reps"]):
        t = time.perf_counter()
        run()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(json.dumps({"ms": times[len(times) // 2], "mode": mode, "device": torch.cuda.get_device_name()}))


if __name__ == "__main__":
    main()
