/**
 * The second pass of the split scheme: one invocation per output row merges the states that the
 * slices of the reduced range stored (`reduce-kernel.ts` with `end: 'store'`) with the
 * reduction's `merge`, in slice order, then finalizes and writes the outputs (`end: 'finalize'`)
 * or, when windows of the reduced range follow, stores the merged state back into slice 0, where
 * the next window's merge starts from (`end: 'store'`).
 */
import type { LoweredKernel } from '@symtensor/core-ir';
import { outputBindings, outputOffsets, outputWrite } from './access.js';
import type { Binding, KernelSource } from './bindings.js';
import type { FloatType } from './floats.js';
import { INDENT, ProgramPrinter } from './program.js';
import { programModule } from './program-module.js';

/** Bindings of the merge kernel: the uniform block, the outputs (when finalizing) and the stored states. */
function mergeBindings(kernel: LoweredKernel, end: 'finalize' | 'store', float: FloatType): Binding[] {
  return [
    { name: 'u', kind: 'uniform', type: 'U' },
    ...(end === 'finalize' ? outputBindings(kernel, float) : []),
    { name: 'part', kind: end === 'store' ? 'write' : 'read', type: 'array<u32>' },
  ];
}

export function mergeKernel(
  kernel: LoweredKernel,
  workgroupSize: number,
  end: 'finalize' | 'store',
  float: FloatType,
): KernelSource {
  const p = new ProgramPrinter(
    kernel,
    {
      input: () => {
        throw new Error('the merge kernel reads no input');
      },
      output: outputWrite,
      j: '0i',
    },
    float,
  );
  const I1 = INDENT;
  const I2 = I1 + INDENT;
  const SW = p.stateWords();
  const at = (slice: string) => (w: string) =>
    `((${slice} * u.nb + (b - u.b0)) * u.win_rows + (r - u.row_lo)) * ${SW}u + ${w}`;
  const body = [
    `${I1}let g = gid.x + gid.y * u.grid_x * ${workgroupSize}u;`,
    `${I1}if (g >= u.nb * u.win_rows) { return; }`,
    `${I1}let b = u.b0 + g / u.win_rows;`,
    `${I1}let r = u.row_lo + g % u.win_rows;`,
    ...(end === 'finalize' ? outputOffsets(kernel, I1) : []),
    ...p.stateDecls(I1),
    ...p.stateTransfer('load', 0, 'part', at('0u'), I1),
    `${I1}for (var sl = 1u; sl < u.slices; sl++) {`,
    ...p.stateTransfer('load', 1, 'part', at('sl'), I2),
    ...p.block(kernel.merge, I2),
    `${I1}}`,
    ...(end === 'finalize'
      ? p.block(kernel.finalize, I1)
      : p.stateTransfer('store', 0, 'part', at('0u'), I1)),
  ];
  const bindings = mergeBindings(kernel, end, float);
  const builtins = '@builtin(global_invocation_id) gid: vec3<u32>';
  return programModule({ kernel, float, bindings, printer: p, workgroupSize, builtins, body });
}
