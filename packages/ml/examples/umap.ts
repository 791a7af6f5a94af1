/**
 * UMAP embedding with an exact kNN graph from @symtensor/ml: a generated dataset of 8 Gaussian
 * clusters in 16 dimensions (3,000 points), embedded in 2-D by umap-js
 * from our graph (`setPrecomputedKNN`, so umap-js skips its approximate nearest-neighbour descent),
 * saved as an SVG scatter plot coloured by the true cluster.
 *
 *     npx tsx --conditions=source packages/ml/examples/umap.ts [out.svg]
 */
import { writeFileSync } from 'node:fs';
import { randn, tensor } from '@symtensor/lazytensor';
import { UMAP } from 'umap-js';
import { knnGraph } from '../src/index.js';

const [N, D, CLUSTERS, K] = [3000, 16, 8, 15];
const out = process.argv[2] ?? 'umap.svg';

// Cluster centres at distance ~6 from each other (normal entries scaled by 1.5), unit noise around them.
const centres = await randn([CLUSTERS, D], { seed: 11 }).mul(1.5).data();
const noise = await randn([N, D], { seed: 12 }).data();
const labels = Int32Array.from({ length: N }, (_, i) => i % CLUSTERS);
const points = Float32Array.from(noise, (v, k) => v + centres[labels[Math.floor(k / D)]! * D + (k % D)]!);
const x = tensor(points, [N, D]);

let t = performance.now();
const graph = await knnGraph(x, { k: K });
console.log(`exact kNN graph (N=${N}, D=${D}, k=${K}): ${(performance.now() - t).toFixed(0)} ms`);

t = performance.now();
const rows = Array.from({ length: N }, (_, i) => Array.from(points.subarray(i * D, (i + 1) * D)));
let state = 7;
// A seeded generator (a 32-bit LCG) makes the picture reproducible.
const random = (): number => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32;
};
const umap = new UMAP({ nComponents: 2, nNeighbors: K, random });
umap.setPrecomputedKNN(graph.indices, graph.distances);
const embedding = umap.fit(rows);
console.log(`umap-js layout: ${(performance.now() - t).toFixed(0)} ms`);

writeFileSync(out, scatterSvg(embedding, labels));
console.log(`wrote ${out}`);

/** A 600 x 600 SVG scatter plot, one colour per label. */
function scatterSvg(xy: number[][], label: Int32Array): string {
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  const [size, pad] = [600, 20];
  const xs = xy.map((p) => p[0]!);
  const ys = xy.map((p) => p[1]!);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = (size - 2 * pad) / Math.max(x1 - x0, y1 - y0);
  const dots = xy.map(
    ([px, py], i) =>
      `<circle cx="${(pad + (px! - x0) * scale).toFixed(1)}" cy="${(pad + (py! - y0) * scale).toFixed(1)}" r="2" fill="${palette[label[i]! % palette.length]}"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">\n<rect width="100%" height="100%" fill="white"/>\n${dots.join('\n')}\n</svg>\n`;
}
