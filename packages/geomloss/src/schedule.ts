/**
 * The eps-scaling schedule of GeomLoss (`epsilon_schedule`) and the default diameter.
 */
import { noGrad, type Tensor, tidy } from '@symtensor/lazytensor';

/**
 * [diameter^p] + [exp(e) for e in arange(p ln diameter, p ln blur, p ln scaling)] + [blur^p]: the
 * first two entries are both diameter^p (GeomLoss's exact list, kept so that values match it).
 * The count follows numpy's arange: ceil((stop - start) / step) values start + k * step.
 */
export function epsilonSchedule(p: number, diameter: number, blur: number, scaling: number): number[] {
  const start = p * Math.log(diameter);
  const stop = p * Math.log(blur);
  const step = p * Math.log(scaling);
  const count = Math.max(0, Math.ceil((stop - start) / step));
  const list = [diameter ** p];
  for (let k = 0; k < count; k++) list.push(Math.exp(start + k * step));
  list.push(blur ** p);
  return list;
}

/**
 * The diagonal of the bounding box of x and y (over every batch): GeomLoss's default diameter. One
 * host read of 2 D numbers, done once per call before the loop.
 */
export async function boundingDiameter(x: Tensor, y: Tensor): Promise<number> {
  const D = x.shape[x.rank - 1]!;
  const bounds = noGrad(() =>
    tidy(() => {
      const both = [x.detach().reshape([-1, D]), y.detach().reshape([-1, D])];
      return [...both.map((t) => t.min(0)), ...both.map((t) => t.max(0))];
    }),
  );
  const [lx, ly, hx, hy] = await Promise.all(bounds.map((t) => t.data()));
  for (const t of bounds) t.dispose();
  let sq = 0;
  for (let d = 0; d < D; d++) {
    const span = Math.max(hx![d]!, hy![d]!) - Math.min(lx![d]!, ly![d]!);
    sq += span * span;
  }
  return Math.sqrt(sq);
}
