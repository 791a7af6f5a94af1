/**
 * The uniform block every kernel reads: sizes and windows of one dispatch (so a new N or M reuses
 * the compiled pipeline), the non-finite float values WGSL cannot write as constants (f32, and
 * f16 each stored twice in a u32, read as either half of `bitcast<vec2<f16>>`), and the
 * element offsets of the sub-ranges bound for inputs and outputs larger than the binding limit.
 * The WGSL struct and the host-side writer are generated from the same field list, so they
 * cannot disagree.
 */

/** The f16 infinities and NaN, each in both halves of a u32. */
const HALF_SPECIALS = [
  ['h_pinf', 0x7c007c00],
  ['h_ninf', 0xfc00fc00],
  ['h_nan', 0x7e007e00],
] as const;

/** u32 fields after the three f32 ones and the f16 ones, in struct order. */
const UNIFORM_FIELDS = [
  /** Output rows per batch entry. */
  'rows',
  /** First batch entry of the dispatch, and number of batch entries. */
  'b0',
  'nb',
  /** Row blocks of the dispatch (reduction kernels): first block and count. */
  'blk0',
  'nblk',
  /** First row of the dispatch's row window, and its number of rows. */
  'row_lo',
  'win_rows',
  /** Reduced indices of the dispatch: [j_lo, j_hi). */
  'j_lo',
  'j_hi',
  /** Split scheme: slices of the reduced range and their length. */
  'slices',
  'slice_len',
  /** Stored states: the reduce pass writes slice s at s + part_off (slice 0 may hold a carried state). */
  'part_off',
  /** Workgroups per row of the 2D dispatch grid (grids wrap at the per-dimension limit). */
  'grid_x',
] as const;

export type UniformField = (typeof UNIFORM_FIELDS)[number];

export type UniformValues = Record<UniformField, number>;

/** The WGSL struct `U` for a kernel with `inputs` inputs and `outputs` outputs. */
export function uniformStruct(inputs: number, outputs: number): string {
  const fields = [
    'pinf: f32',
    'ninf: f32',
    'nan: f32',
    ...HALF_SPECIALS.map(([name]) => `${name}: u32`),
    ...UNIFORM_FIELDS.map((f) => `${f}: u32`),
    ...Array.from({ length: inputs }, (_, n) => `base_${n}: u32`),
    ...Array.from({ length: outputs }, (_, o) => `obase_${o}: u32`),
  ];
  return `struct U {\n${fields.map((f) => `  ${f},`).join('\n')}\n}`;
}

/** Bytes of the uniform block (WGSL rounds uniform structs up to 16 bytes). */
function uniformBytes(inputs: number, outputs: number): number {
  const words = 3 + HALF_SPECIALS.length + UNIFORM_FIELDS.length + inputs + outputs;
  return Math.ceil((words * 4) / 16) * 16;
}

/** The uniform block's bytes for one dispatch. */
export function uniformData(
  values: UniformValues,
  bases: readonly number[],
  obases: readonly number[],
): ArrayBuffer {
  const data = new ArrayBuffer(uniformBytes(bases.length, obases.length));
  const f = new Float32Array(data);
  const w = new Uint32Array(data);
  f[0] = Number.POSITIVE_INFINITY;
  f[1] = Number.NEGATIVE_INFINITY;
  f[2] = Number.NaN;
  let at = 3;
  for (const [, bits] of HALF_SPECIALS) w[at++] = bits;
  const put = (v: number, what: string) => {
    // A value that does not fit a u32 would wrap silently: refuse it (a scheduling bug).
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new RangeError(`uniform ${what} = ${v} is not a u32`);
    w[at++] = v;
  };
  for (const name of UNIFORM_FIELDS) put(values[name], name);
  for (const [n, b] of bases.entries()) put(b, `base_${n}`);
  for (const [o, b] of obases.entries()) put(b, `obase_${o}`);
  return data;
}
