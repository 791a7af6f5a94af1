/**
 * Scheduling of `take` kernels: one dispatch normally; with a source, index or output larger than
 * a storage binding, windows of outputs (and index, which has the output's length) times windows
 * of the source (an unindexed take reads the window matching its outputs).
 */
import type { TakeSpec } from '@symtensor/core-ir';
import { type DeviceShape, type ElementRange, fitting, grid } from './schedule.js';
import type { TakeField } from './wgsl/take-kernel.js';

export interface TakeDispatch {
  /** Uniform fields except the element bases, which follow from the bound ranges. */
  readonly fields: Omit<Record<TakeField, number>, 'src_base' | 'idx_base' | 'out_base'>;
  readonly src: ElementRange | undefined;
  /** The index and output window (same elements). */
  readonly out: ElementRange | undefined;
  readonly groups: readonly [number, number];
}

/** The fill value's bits in the output type. */
function fillBits(spec: TakeSpec): number {
  if (spec.dtype === 'int32') return spec.fill >>> 0;
  return new Uint32Array(Float32Array.of(spec.fill).buffer)[0]!;
}

export function takeSchedule(
  spec: TakeSpec,
  n: number,
  srcLength: number,
  dev: DeviceShape,
  wg: number,
): TakeDispatch[] {
  if (n === 0) return [];
  const limit = dev.bindingBytes;
  const bigSrc = srcLength * 4 > limit;
  const bigOut = n * 4 > limit;
  const step = fitting(1, dev);
  const windows = (len: number, big: boolean, by: number): [number, number][] => {
    if (!big) return [[0, len]];
    const out: [number, number][] = [];
    for (let a = 0; a < len; a += by) out.push([a, Math.min(len, a + by)]);
    return out;
  };
  const dispatches: TakeDispatch[] = [];
  const push = ([k0, k1]: [number, number], [s0, s1]: [number, number], first: boolean) => {
    const groups = grid(Math.ceil((k1 - k0) / wg), dev);
    dispatches.push({
      fields: {
        k_lo: k0,
        k_hi: k1,
        src_len: srcLength,
        s_lo: s0,
        s_hi: s1,
        first: first ? 1 : 0,
        fill: fillBits(spec),
        grid_x: groups[0],
      },
      src: bigSrc ? { lo: s0, hi: s1 } : undefined,
      out: bigOut ? { lo: k0, hi: k1 } : undefined,
      groups,
    });
  };
  if (!spec.indexed) {
    // out[k] = src[k]: output and source windows coincide.
    for (const w of windows(n, bigSrc || bigOut, step)) push(w, w, true);
    return dispatches;
  }
  for (const kw of windows(n, bigOut, step))
    windows(srcLength, bigSrc, step).forEach((sw, s) => {
      push(kw, sw, s === 0);
    });
  return dispatches;
}
