/**
 * Addressing shared by the kernel skeletons: the per-batch-entry element offset of each input
 * (from the offset table `boffs`, minus the element base of the sub-range actually bound) and
 * the output row offsets.
 */
import type { LoweredKernel } from '@symtensor/core-ir';
import type { Binding } from './bindings.js';
import type { FloatType } from './floats.js';
import type { PrintedIdx } from './program.js';

/** `base + idx` as a u32 WGSL expression. */
export function addIdx(base: string, idx: PrintedIdx): string {
  if ('k' in idx) return idx.k === 0 ? base : `${base} + ${idx.k}u`;
  return `${base} + u32(${idx.expr})`;
}

/**
 * Bindings of the uniform block, the offset table and the inputs (the first bindings of every
 * kernel); inputs hold the kernel's float type.
 */
export function commonBindings(kernel: LoweredKernel, float: FloatType): Binding[] {
  return [
    { name: 'u', kind: 'uniform', type: 'U' },
    { name: 'boffs', kind: 'read', type: 'array<u32>' },
    ...kernel.inputs.map((_, n): Binding => ({ name: `in${n}`, kind: 'read', type: `array<${float}>` })),
  ];
}

/** Output bindings (float outputs of the kernel's float type, index outputs i32). */
export function outputBindings(kernel: LoweredKernel, float: FloatType): Binding[] {
  return kernel.outputs.map((o, n) => ({
    name: `out${n}`,
    kind: 'write',
    type: o.type === 'i' ? 'array<i32>' : `array<${float}>`,
  }));
}

/**
 * Declarations of `o{n}` (element offset of batch entry `b` of input n inside its bound range)
 * and, for row-indexed inputs, `x{n}` (offset of row `r`).
 */
export function inputOffsets(kernel: LoweredKernel, pad: string): string[] {
  const n = kernel.inputs.length;
  return kernel.inputs.flatMap((input, k) => [
    `${pad}let o${k} = boffs[b * ${n}u + ${k}u] - u.base_${k};`,
    ...(input.cat === 'i' ? [`${pad}let x${k} = o${k} + r * ${input.dim}u;`] : []),
  ]);
}

/** Declarations of `ob{o}`: element offset of output row `r` of batch entry `b`. */
export function outputOffsets(kernel: LoweredKernel, pad: string): string[] {
  return kernel.outputs.map((o, k) => `${pad}let ob${k} = (b * u.rows + r) * ${o.dim}u - u.obase_${k};`);
}

/** Reads of row-indexed and parameter inputs (j inputs are the skeleton's business). */
export function rowInput(kernel: LoweredKernel, n: number, idx: PrintedIdx): string {
  const base = kernel.inputs[n]!.cat === 'i' ? `x${n}` : `o${n}`;
  return `in${n}[${addIdx(base, idx)}]`;
}

export function outputWrite(o: number, idx: PrintedIdx, value: string): string {
  return `out${o}[${addIdx(`ob${o}`, idx)}] = ${value};`;
}
