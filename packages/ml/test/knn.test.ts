/**
 * Exact kNN against float64 brute force (scikit-learn's brute NearestNeighbors for euclidean,
 * manhattan and cosine; direct NumPy formulas for the others, cross-checked by the fixture script).
 * Indices must be equal except at exact ties of the reference distances; distances within 1e-12
 * relative (float64; the arccos/arccosh maps within 1e-9).
 */
import { tensor } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { type KnnMetricName, knn, knnGraph } from '../src/index.js';
import { expectClose, f64, fixture, read } from './helpers.js';

interface Neighbours {
  indices: number[][];
  distances: number[][];
}
const fx = fixture<{
  k: number;
  query: number[][];
  data: number[][];
  metrics: Record<KnnMetricName, Neighbours>;
  graph: Neighbours;
}>('knn.json');

/**
 * Row by row: equal index lists, except that where the lists differ, our neighbour's reference
 * distance must equal the reference distance at that rank (an exact tie).
 */
function expectSameNeighbours(got: number[], want: Neighbours, k: number, what: string): void {
  want.indices.forEach((row, i) => {
    row.forEach((w, c) => {
      const g = got[i * k + c]!;
      if (g === w) return;
      const pos = row.indexOf(g);
      expect(pos, `${what}: row ${i}, rank ${c}: got ${g}, want ${w} (not a tie)`).toBeGreaterThanOrEqual(0);
      expect(want.distances[i]![pos], `${what}: row ${i}, rank ${c}`).toBe(want.distances[i]![c]);
    });
  });
}

const tolerance: Record<KnnMetricName, number> = {
  euclidean: 1e-12,
  sqeuclidean: 1e-12,
  manhattan: 1e-12,
  cosine: 1e-12,
  angular: 1e-9,
  hyperbolic: 1e-9,
};

describe('knn vs float64 brute force', () => {
  const query = f64(fx.query);
  const data = f64(fx.data);
  for (const metric of Object.keys(tolerance) as KnnMetricName[]) {
    it(`${metric}: same neighbours, same distances`, async () => {
      const want = fx.metrics[metric];
      const r = await knn(query, data, { k: fx.k, metric });
      expect(r.indices.dtype).toBe('int32');
      expect(r.indices.shape).toEqual([fx.query.length, fx.k]);
      expectSameNeighbours(await read(r.indices), want, fx.k, metric);
      const atol = metric === 'cosine' ? 1e-15 : 0;
      expectClose(await read(r.distances), want.distances.flat(), { rtol: tolerance[metric], atol }, metric);
    });
  }

  it('a user distance function (Chebyshev, written as a LazyTensor) matches brute force', async () => {
    const r = await knn(query, data, { k: 3, metric: (xi, yj) => xi.sub(yj).abs().vmax() });
    const want: Neighbours = { indices: [], distances: [] };
    for (const q of fx.query) {
      const d = fx.data.map((y, j) => [Math.max(...y.map((v, c) => Math.abs(v - q[c]!))), j] as const);
      d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      want.indices.push(d.slice(0, 3).map((e) => e[1]));
      want.distances.push(d.slice(0, 3).map((e) => e[0]));
    }
    expectSameNeighbours(await read(r.indices), want, 3, 'chebyshev');
    expectClose(await read(r.distances), want.distances.flat(), { rtol: 1e-15 }, 'chebyshev');
  });

  it('float32 data: indices agree with float64 brute force except at near-ties', async () => {
    const q32 = tensor(Float32Array.from(fx.query.flat()), [fx.query.length, 4]);
    const d32 = tensor(Float32Array.from(fx.data.flat()), [fx.data.length, 4]);
    const r = await knn(q32, d32, { k: fx.k, metric: 'euclidean' });
    const got = await read(r.indices);
    const want = fx.metrics.euclidean;
    want.indices.forEach((row, i) => {
      row.forEach((w, c) => {
        const g = got[i * fx.k + c]!;
        // A swap is allowed only between neighbours whose float64 distances differ by < 1e-6.
        if (g !== w)
          expect(Math.abs(want.distances[i]![row.indexOf(g)]! - want.distances[i]![c]!)).toBeLessThan(1e-6);
      });
    });
    expectClose(
      await read(r.distances),
      want.distances.flat(),
      { rtol: 1e-6, atol: 1e-7 },
      'float32 distances',
    );
  });
});

describe('knnGraph', () => {
  it('equals scikit-learn kneighbors() (self excluded) as number[][] rows', async () => {
    const g = await knnGraph(f64(fx.data), { k: fx.k });
    expect(g.indices).toHaveLength(fx.data.length);
    expect(g.indices.every((r) => Array.isArray(r) && r.length === fx.k)).toBe(true);
    expectSameNeighbours(g.indices.flat(), fx.graph, fx.k, 'graph');
    expectClose(g.distances.flat(), fx.graph.distances.flat(), { rtol: 1e-12 }, 'graph distances');
  });

  it('excludes the point itself even when a duplicate ties with it at distance 0', async () => {
    // Rows 0 and 2 coincide: each must list the other first, never itself.
    const x = tensor(new Float64Array([0, 0, 5, 5, 0, 0, 1, 0, 9, 9]), [5, 2], { dtype: 'float64' });
    const g = await knnGraph(x, { k: 2 });
    expect(g.indices).toEqual([
      [2, 3],
      [4, 3],
      [0, 3],
      [0, 2],
      [1, 3],
    ]);
    expect(g.distances[0]).toEqual([0, 1]);
    expect(g.distances[1]![0]).toBeCloseTo(Math.hypot(4, 4), 14);
  });

  it('works with the hyperbolic metric (self excluded, arccosh distances)', async () => {
    const g = await knnGraph(f64(fx.data), { k: 2, metric: 'hyperbolic' });
    fx.data.forEach((y, i) => {
      const [j] = g.indices[i]!;
      expect(j).not.toBe(i);
      const z = fx.data[j!]!;
      const sq = y.reduce((s, v, c) => s + (v - z[c]!) ** 2, 0);
      expect(g.distances[i]![0]).toBeCloseTo(Math.acosh(1 + sq / (2 * y[3]! * z[3]!)), 10);
    });
  });
});

describe('user distance functions', () => {
  it('xi is the query, yj the data (an asymmetric distance)', async () => {
    const q = tensor(new Float64Array([0, 10]), [2, 1], { dtype: 'float64' });
    const d = tensor(new Float64Array([1, 2, 3]), [3, 1], { dtype: 'float64' });
    // (y - x)^2 + y: asymmetric, so swapping operands would change the answer.
    const r = await knn(q, d, { k: 1, metric: (xi, yj) => yj.sub(xi).square().add(yj) });
    expect(await read(r.indices)).toEqual([0, 2]);
    expect(await read(r.distances)).toEqual([2, 52]);
  });
});
