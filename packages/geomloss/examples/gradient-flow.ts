/**
 * Gradient flow of the Sinkhorn divergence, x <- x - lr * grad_x S(x, y) / a_i, from a ring of points
 * to a cross (the classic toy registration of GeomLoss's gallery). Dividing by the weight a_i = 1/N
 * turns the gradient into a per-point displacement, so lr does not depend on N.
 *
 *   npx tsx --conditions=source packages/geomloss/examples/gradient-flow.ts [outDir]
 *
 * Writes frame-00.svg ... frame-NN.svg (red: moving cloud, blue: target).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { grad, noGrad, type Tensor, tensor } from '@symtensor/lazytensor';
import { samplesLoss } from '../src/index.js';

const N = 300;
const outDir = process.argv[2] ?? 'gradient-flow-frames';
const ring = Float32Array.from({ length: 2 * N }, (_, k) => {
  const t = (2 * Math.PI * Math.floor(k / 2)) / N;
  return 0.3 + 0.15 * (k % 2 === 0 ? Math.cos(t) : Math.sin(t));
});
const cross = Float32Array.from({ length: 2 * N }, (_, k) => {
  const i = Math.floor(k / 2);
  const s = 0.4 + (0.4 * (i % (N / 2))) / (N / 2);
  const onVertical = i < N / 2;
  return k % 2 === 0 ? (onVertical ? 0.6 : s) : onVertical ? s : 0.6;
});

function svg(points: ArrayLike<number>, target: ArrayLike<number>): string {
  const dots = (p: ArrayLike<number>, color: string) =>
    Array.from({ length: p.length / 2 }, (_, i) => {
      const [cx, cy] = [p[2 * i]! * 400, (1 - p[2 * i + 1]!) * 400];
      return `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="2" fill="${color}"/>`;
    }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">${dots(target, '#3366cc')}${dots(points, '#cc3333')}</svg>\n`;
}

const y = tensor(cross, [N, 2]);
let x: Tensor = tensor(ring, [N, 2], { requiresGrad: true });
const loss = samplesLoss({ p: 2, blur: 0.01, scaling: 0.9, diameter: 1 });
const lr = 0.5;
mkdirSync(outDir, { recursive: true });
for (let step = 0; step <= 40; step++) {
  const S = await loss(x, y);
  if (step % 5 === 0) {
    writeFileSync(`${outDir}/frame-${String(step).padStart(2, '0')}.svg`, svg(await x.data(), cross));
    console.log(`step ${step}: S = ${(await S.item()).toExponential(4)}`);
  }
  const [g] = grad(S, [x]);
  const next = noGrad(() => x.sub(g!.mul(lr * N))).detach({ requiresGrad: true });
  for (const t of [S, g!, x]) t.dispose();
  x = next;
}
