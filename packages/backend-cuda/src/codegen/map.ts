/**
 * The map skeleton: out[g] = F(p, x_g) for every global row g = b * rows + r of every batch entry
 * b, one thread per row in a grid-stride loop (so the grid size is bounded whatever the rows).
 */
import type { LoweredKernel, MapSpec } from '@symtensor/core-ir';
import { BLOCK, cTypeOf, type MapLayout, mapLayout, type Printed, signature } from './layout.js';
import { INDENT, ProgramPrinter } from './program-printer.js';

export function mapKernel(spec: MapSpec, k: LoweredKernel, ids: readonly string[]): Printed<MapLayout> {
  const layout = mapLayout(spec, k, ids);
  const T = cTypeOf('f', spec);
  const p = new ProgramPrinter(k, { f: T, acc: T });
  const I1 = INDENT;
  const I2 = INDENT.repeat(2);
  const lines = [
    `extern "C" __global__ void __launch_bounds__(${BLOCK}) ${layout.entry}(${signature(layout.params)}) {`,
    `${I1}for (long long ob = (long long)blockIdx.x * ${BLOCK} + threadIdx.x; ob < total; ob += (long long)gridDim.x * ${BLOCK}) {`,
    `${I2}const long long b = ob / rows;`,
    `${I2}const long long r = ob - b * rows;`,
  ];
  k.inputs.forEach((v, n) => {
    lines.push(`${I2}const long long o${n} = offs != nullptr ? offs[b * ${k.inputs.length} + ${n}] : 0;`);
    lines.push(
      v.cat === 'i'
        ? `${I2}const ${T}* x${n} = in${n} + o${n} + r * ${v.dim};`
        : `${I2}const ${T}* p${n} = in${n} + o${n};`,
    );
  });
  lines.push(...p.block(k.row, 2), `${I1}}`, '}');
  return { kernels: [lines.join('\n')], layout };
}
