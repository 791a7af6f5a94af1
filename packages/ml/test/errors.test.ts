/** Bad input: typed errors (re-exported by lazytensor from core-ir) that name the argument. */
import { DTypeError, ShapeError, tensor, ValueError } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { gaussianMixture, kmeans, knn, knnGraph } from '../src/index.js';

const pts = (rows: number[][]) =>
  tensor(Float64Array.from(rows.flat()), [rows.length, rows[0]!.length], { dtype: 'float64' });
const x = pts([
  [0, 1],
  [1, 2],
  [2, 0.5],
  [3, 1],
]);

describe('bad input', () => {
  it('k > N and k <= 0', async () => {
    await expect(kmeans(x, { k: 5 })).rejects.toThrow(
      new ValueError('kmeans(options.k) is 5, larger than the number of points N (4); use k <= 4'),
    );
    await expect(kmeans(x, { k: 0 })).rejects.toThrow(
      /kmeans\(options\.k\) must be a positive integer, got 0/,
    );
    await expect(kmeans(x, { k: 1.5 })).rejects.toBeInstanceOf(ValueError);
    await expect(gaussianMixture(x, { k: -1 })).rejects.toThrow(
      /gaussianMixture\(options\.k\) must be a positive integer/,
    );
    await expect(knn(x, x, { k: 5 })).rejects.toThrow(
      /knn\(options\.k\) is 5, larger than the number of data points M \(4\)/,
    );
    // The graph excludes each point itself: at most N - 1 neighbours.
    await expect(knnGraph(x, { k: 4 })).rejects.toThrow(
      /knnGraph\(options\.k\) is 4, larger than the number of other points N - 1 \(3\)/,
    );
  });

  it('NaN and infinite rows, naming the first bad row', async () => {
    const bad = pts([
      [0, 1],
      [1, Number.NaN],
      [2, 0],
    ]);
    await expect(kmeans(bad, { k: 2 })).rejects.toThrow(
      new ValueError(
        'kmeans(x) has NaN or infinite values (first in row 1); remove or impute those rows before calling',
      ),
    );
    await expect(gaussianMixture(bad, { k: 2 })).rejects.toThrow(/gaussianMixture\(x\) has NaN .*row 1/);
    const inf = pts([
      [0, 1],
      [1, 2],
      [Number.POSITIVE_INFINITY, 0],
    ]);
    await expect(knn(x, inf, { k: 1 })).rejects.toThrow(
      /knn\(data\) has NaN or infinite values \(first in row 2\)/,
    );
    await expect(knnGraph(inf, { k: 1 })).rejects.toThrow(ValueError);
  });

  it('D mismatch between query and data (and dtypes, and centroids)', async () => {
    const q3 = pts([[0, 1, 2]]);
    await expect(knn(q3, x, { k: 1 })).rejects.toThrow(
      new ShapeError(
        'knn(data) has D = 2 coordinates per row but knn(query) has D = 3; both must live in the same space',
      ),
    );
    await expect(knn(tensor([[0, 1]]), x, { k: 1 })).rejects.toBeInstanceOf(DTypeError);
    await expect(kmeans(x, { k: 1, init: q3 })).rejects.toThrow(/kmeans\(options\.init\) has D = 3/);
    await expect(kmeans(x, { k: 2, init: pts([[0, 0]]) })).rejects.toThrow(
      /kmeans\(options\.init\) has 1 rows but options\.k is 2/,
    );
    const g = await gaussianMixture(x, { k: 1, seed: 1, maxIter: 2 });
    expect(() => g.predict(q3)).toThrow(/predict\(x\) has D = 3/);
    g.dispose();
  });

  it('hyperbolic metric with a non-positive last coordinate', async () => {
    const flat = pts([
      [0, 1],
      [1, 0],
    ]);
    await expect(knn(x, flat, { k: 1, metric: 'hyperbolic' })).rejects.toThrow(
      new ValueError(
        'knn(data): the hyperbolic metric (Poincare half-space) needs the last coordinate of every row > 0, found 0; shift or map the points into the upper half-space',
      ),
    );
    await expect(
      knnGraph(
        pts([
          [0, -1],
          [1, 2],
        ]),
        { k: 1, metric: 'hyperbolic' },
      ),
    ).rejects.toThrow(/knnGraph\(x\).*found -1/);
  });

  it('shapes, dtypes, unknown options and bad distance functions', async () => {
    await expect(kmeans(tensor([1, 2, 3]), { k: 1 })).rejects.toBeInstanceOf(ShapeError);
    await expect(kmeans(tensor(new Int32Array([1, 2]), [2, 1]), { k: 1 })).rejects.toBeInstanceOf(DTypeError);
    await expect(kmeans([[1, 2]] as never, { k: 1 })).rejects.toThrow(
      /kmeans\(x\) must be a Tensor.*an array/,
    );
    await expect(kmeans(x, { k: 2, metric: 'manhattan' as never })).rejects.toThrow(
      /kmeans\(options\.metric\) must be 'euclidean' or 'cosine'/,
    );
    await expect(knn(x, x, { k: 1, metric: 'chebyshev' as never })).rejects.toThrow(
      /knn\(options\.metric\) must be one of/,
    );
    await expect(knn(x, x, { k: 1, metric: (xi, yj) => xi.sub(yj) })).rejects.toThrow(
      /the distance function must return a scalar LazyTensor \(dim 1\), got dim 2/,
    );
    await expect(
      kmeans(
        pts([
          [0, 0],
          [1, 1],
        ]),
        { k: 1, metric: 'cosine' },
      ),
    ).rejects.toThrow(/kmeans\(x\) has a zero row/);
    await expect(gaussianMixture(x, { k: 2, covariance: 'tied' as never })).rejects.toThrow(
      /options\.covariance/,
    );
    await expect(
      gaussianMixture(x, { k: 2, init: { weights: tensor([0.5, 0.5]), means: x, precisions: x } }),
    ).rejects.toThrow(/gaussianMixture\(options\.init\.weights\) is float32 but x is float64/);
    await expect(gaussianMixture(x, { k: 2, init: 'kmeans++' as never })).rejects.toThrow(
      /gaussianMixture\(options\.init\) must be one of 'kmeans', 'k-means\+\+', 'random', 'random_from_data'.*got kmeans\+\+/,
    );
    await expect(gaussianMixture(x, { k: 3, init: { responsibilities: x } })).rejects.toThrow(
      new ShapeError(
        'gaussianMixture(options.init.responsibilities) must have shape [4,3] (N = 4 points, k = 3), got [4,2]',
      ),
    );
    const negative = pts([
      [1, 0],
      [0, 1],
      [0.5, -0.5],
      [1, 0],
    ]);
    await expect(gaussianMixture(x, { k: 2, init: { responsibilities: negative } })).rejects.toThrow(
      /gaussianMixture\(options\.init\.responsibilities\) has a negative entry \(-0\.5\)/,
    );
    const missing = pts([
      [1, 0],
      [0, Number.NaN],
      [1, 0],
      [0, 1],
    ]);
    await expect(gaussianMixture(x, { k: 2, init: { responsibilities: missing } })).rejects.toThrow(
      /gaussianMixture\(options\.init\.responsibilities\) has NaN or infinite values \(first in row 1\)/,
    );
    await expect(kmeans(x, { k: 2, maxIter: 0 })).rejects.toThrow(
      /kmeans\(options\.maxIter\) must be an integer >= 1/,
    );
  });

  it('a singular covariance without regularisation is reported with the fix', async () => {
    // Two identical points per component: zero covariance, not positive definite with regCovar 0.
    const twins = pts([
      [0, 0],
      [0, 0],
      [5, 5],
      [5, 5],
    ]);
    await expect(gaussianMixture(twins, { k: 2, regCovar: 0, seed: 3, maxIter: 3 })).rejects.toThrow(
      /increase options\.regCovar/,
    );
  });
});
