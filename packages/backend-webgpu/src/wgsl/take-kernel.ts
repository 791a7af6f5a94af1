/**
 * The data-movement kernel `take`: `out[k] = convert(src[index[k]])` (or `src[k]`), with `fill`
 * for indices outside the source and for float values an int32 cannot hold (core-ir's
 * `takeConvert`). One invocation per output element. A source larger than a binding is read in
 * windows by successive dispatches, each writing the elements whose index falls in its window
 * (the first also writes the fills), so nothing larger than a binding is ever bound.
 */
import type { TakeSpec } from '@symtensor/core-ir';
import { type Binding, bindingDecls, type KernelSource } from './bindings.js';

/** u32 fields of the take uniform block, in order. */
const TAKE_FIELDS = [
  /** Output elements [k_lo, k_hi) of this dispatch. */
  'k_lo',
  'k_hi',
  /** Elements of the whole source. */
  'src_len',
  /** The source window bound: [s_lo, s_hi). */
  's_lo',
  's_hi',
  /** 1 in the first dispatch over a range of outputs: it writes the fills. */
  'first',
  /** Bits of the fill value in the output's type. */
  'fill',
  /** Element offsets of the bound sub-ranges. */
  'src_base',
  'idx_base',
  'out_base',
  'grid_x',
] as const;

export type TakeField = (typeof TAKE_FIELDS)[number];

const wgslType = (dtype: string) => (dtype === 'int32' ? 'i32' : 'f32');

function takeBindings(spec: TakeSpec): Binding[] {
  return [
    { name: 'u', kind: 'uniform', type: 'U' },
    { name: 'src', kind: 'read', type: `array<${wgslType(spec.srcDtype)}>` },
    ...(spec.indexed ? [{ name: 'idx', kind: 'read', type: 'array<i32>' } as const] : []),
    { name: 'out', kind: 'write', type: `array<${wgslType(spec.dtype)}>` },
  ];
}

/** The conversion of a source value `v` to the output type (`fill` when it does not fit). */
function convert(spec: TakeSpec): string {
  const from = wgslType(spec.srcDtype);
  const to = wgslType(spec.dtype);
  if (from === to) return 'v';
  if (to === 'f32') return 'f32(v)';
  // float -> int32: truncate; NaN, infinities and values outside the int32 range take the fill.
  // The test is on bits and on the float range, not on i32(v), which saturates.
  return `select(fill, i32(trunc(v)), (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u && trunc(v) >= -2147483648.0f && trunc(v) < 2147483648.0f)`;
}

export function takeKernel(spec: TakeSpec, workgroupSize: number): KernelSource {
  const bindings = takeBindings(spec);
  const to = wgslType(spec.dtype);
  const wgsl = [
    `struct U {\n${TAKE_FIELDS.map((f) => `  ${f}: u32,`).join('\n')}\n}`,
    bindingDecls(bindings),
    `@compute @workgroup_size(${workgroupSize})`,
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>) {',
    `  let k = u.k_lo + gid.x + gid.y * u.grid_x * ${workgroupSize}u;`,
    '  if (k >= u.k_hi) { return; }',
    `  let fill = bitcast<${to}>(u.fill);`,
    spec.indexed ? '  let at = idx[k - u.idx_base];' : '  let at = i32(k);',
    '  if (at < 0 || u32(at) >= u.src_len) {',
    '    if (u.first == 1u) { out[k - u.out_base] = fill; }',
    '    return;',
    '  }',
    '  if (u32(at) < u.s_lo || u32(at) >= u.s_hi) { return; }',
    '  let v = src[u32(at) - u.src_base];',
    `  out[k - u.out_base] = ${convert(spec)};`,
    '}',
    '',
  ].join('\n');
  return { wgsl, bindings, workgroupSize };
}

/** The take uniform block's bytes (WGSL rounds uniform structs up to 16 bytes). */
export function takeUniformData(values: Record<TakeField, number>): ArrayBuffer {
  const data = new ArrayBuffer(Math.ceil((TAKE_FIELDS.length * 4) / 16) * 16);
  const w = new Uint32Array(data);
  TAKE_FIELDS.forEach((f, k) => {
    const v = values[f];
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new RangeError(`uniform ${f} = ${v} is not a u32`);
    w[k] = v;
  });
  return data;
}
