/**
 * The ABI between generated kernels and the launcher: entry names, parameter lists, block and
 * tile sizes, and the layout of the split scheme's partial states. Entry names end in an id, the
 * hash of the kernel's own text (see `source.ts`). The printers print signatures
 * from these lists and the launcher packs arguments by the same lists, so the two cannot drift.
 *
 * Every parameter is 8 bytes (a device pointer or a `long long`), so arguments pack into one
 * BigInt64Array with no alignment rules, and sizes are run-time values: one compiled kernel
 * serves every N, M and batch shape.
 */
import type { FormulaSpec, LoweredKernel, ScalarType } from '@symtensor/core-ir';

/** Threads per block; in reductions also the output rows of one block. */
export const BLOCK = 256;

/**
 * Shared memory a tile may use: the static limit of every CUDA device (more needs an opt-in
 * attribute per kernel and shrinks occupancy anyway).
 */
export const SHARED_BUDGET = 48 * 1024;

export interface Param {
  readonly name: string;
  readonly ctype: string;
}

const ptr = (name: string, ctype: string): Param => ({ name, ctype: `${ctype}* __restrict__` });
const int64 = (name: string): Param => ({ name, ctype: 'long long' });

export interface ReductionLayout {
  readonly kind: 'reduction';
  /**
   * `st_red_<key>`: one thread per output row. Without `part` it reduces each row over its whole
   * range (or its ranges) and writes the outputs; with `part` (the split scheme) block row
   * blockIdx.y reduces chunk blockIdx.y of the range and writes its row state there instead.
   */
  readonly entry: string;
  /** `st_merge_<id>`: merges the split scheme's partial states of each row and finalizes. */
  readonly mergeEntry: string;
  readonly params: readonly Param[];
  readonly mergeParams: readonly Param[];
  /** Reduced indices per tile: staged in shared memory together, and summed as one block. */
  readonly tile: number;
  /** Whether j variables are staged in shared memory (not when one index needs more than the budget). */
  readonly shared: boolean;
  /**
   * Bytes of one partial state per slot, in slot order. Slot s lives in its own region starting
   * at byte `units * slotPrefix[s]` (units: partial states, rounded up to even so that every
   * region starts 8-byte aligned).
   */
  readonly slotBytes: readonly number[];
  readonly slotPrefix: readonly number[];
  /** Bytes of one partial state, all slots. */
  readonly stateBytes: number;
}

export interface MapLayout {
  readonly kind: 'map';
  readonly entry: string;
  readonly params: readonly Param[];
}

export interface TakeLayout {
  readonly kind: 'take';
  readonly entry: string;
  readonly params: readonly Param[];
}

export type KernelLayout = ReductionLayout | MapLayout | TakeLayout;

/** A spec's kernels, each a complete `extern "C" __global__` function, and their layout. */
export interface Printed<L extends KernelLayout = KernelLayout> {
  readonly kernels: readonly string[];
  readonly layout: L;
}

/** The C type of a program scalar type in a spec's kernels. */
export function cTypeOf(ty: 'f' | 'acc', spec: FormulaSpec): 'float' | 'double';
export function cTypeOf(ty: ScalarType, spec: FormulaSpec): 'float' | 'double' | 'int';
export function cTypeOf(ty: ScalarType, spec: FormulaSpec): 'float' | 'double' | 'int' {
  if (ty === 'i') return 'int';
  const dtype = ty === 'acc' && spec.kind === 'reduction' ? spec.accumulator : spec.dtype;
  return dtype === 'float64' ? 'double' : 'float';
}

const bytesOf = (ctype: string) => (ctype === 'double' ? 8 : 4);

function inputParams(spec: FormulaSpec, k: LoweredKernel): Param[] {
  return k.inputs.map((_, n) => ptr(`in${n}`, `const ${cTypeOf('f', spec)}`));
}

function outputParams(spec: FormulaSpec, k: LoweredKernel): Param[] {
  return k.outputs.map((o, n) => ptr(`out${n}`, cTypeOf(o.type, spec)));
}

export function reductionLayout(
  spec: FormulaSpec,
  k: LoweredKernel,
  ids: readonly string[],
): ReductionLayout {
  const elem = bytesOf(cTypeOf('f', spec));
  const bytesPerIndex = k.inputs.reduce((a, v) => a + (v.cat === 'j' ? v.dim * elem : 0), 0);
  const fit = bytesPerIndex === 0 ? BLOCK : Math.min(BLOCK, Math.floor(SHARED_BUDGET / bytesPerIndex));
  const slotBytes = k.state.map((s) => s.size * bytesOf(cTypeOf(s.ty, spec)));
  const slotPrefix = slotBytes.map((_, s) => slotBytes.slice(0, s).reduce((a, b) => a + b, 0));
  const ins = inputParams(spec, k);
  const outs = outputParams(spec, k);
  return {
    kind: 'reduction',
    entry: `st_red_${ids[0]}`,
    mergeEntry: `st_merge_${ids[1]}`,
    params: [
      ...ins,
      ...outs,
      int64('rows'),
      int64('reduced'),
      ptr('offs', 'const long long'),
      int64('nBlocks'),
      ptr('blockTab', 'const int'),
      ptr('segSpan', 'const int'),
      ptr('spans', 'const int'),
      ptr('part', 'char'),
      int64('units'),
      int64('total'),
      int64('chunk'),
    ],
    mergeParams: [...outs, ptr('part', 'const char'), int64('units'), int64('total'), int64('splits')],
    tile: fit > 0 ? fit : BLOCK,
    shared: fit > 0 && bytesPerIndex > 0,
    slotBytes,
    slotPrefix,
    stateBytes: slotBytes.reduce((a, b) => a + b, 0),
  };
}

export function mapLayout(spec: FormulaSpec, k: LoweredKernel, ids: readonly string[]): MapLayout {
  return {
    kind: 'map',
    entry: `st_map_${ids[0]}`,
    params: [
      ...inputParams(spec, k),
      ...outputParams(spec, k),
      int64('rows'),
      int64('total'),
      ptr('offs', 'const long long'),
    ],
  };
}

/** Prints a parameter list. */
export function signature(params: readonly Param[]): string {
  return params.map((p) => `${p.ctype} ${p.name}`).join(', ');
}
