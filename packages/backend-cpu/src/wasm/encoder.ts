/**
 * A small WebAssembly binary encoder: just what the kernel generator needs (one imported-function
 * table of f64 -> f64 math helpers, one exported function, one exported memory, i32 / v128 locals,
 * structured control flow and the SIMD opcodes). Writing the bytes directly keeps the package free
 * of a toolchain at run time; the opcode numbers are those of the WebAssembly core and SIMD specs.
 */

export type ValType = 'i32' | 'f32' | 'f64' | 'v128';
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(out: number[], v: number): void {
  v |= 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

/** Core (single-byte) opcodes used by the generator. */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32LeU: 0x4d,
  i32GeU: 0x4f,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
  f32ConvertI32S: 0xb2,
  f64ConvertI32S: 0xb7,
} as const;

/** SIMD opcodes (prefix 0xfd, then the LEB128 number below). */
export const Simd = {
  load: 0x00,
  load32Splat: 0x09,
  load64Splat: 0x0a,
  store: 0x0b,
  const: 0x0c,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  f64x2Splat: 0x14,
  f32x4ExtractLane: 0x1f,
  f32x4ReplaceLane: 0x20,
  f64x2ExtractLane: 0x21,
  f64x2ReplaceLane: 0x22,
  i32x4Eq: 0x37,
  i32x4Ne: 0x38,
  i32x4LtS: 0x39,
  i32x4LeS: 0x3d,
  f32x4Eq: 0x41,
  f32x4Ne: 0x42,
  f32x4Lt: 0x43,
  f32x4Gt: 0x44,
  f32x4Le: 0x45,
  f32x4Ge: 0x46,
  f64x2Eq: 0x47,
  f64x2Ne: 0x48,
  f64x2Lt: 0x49,
  f64x2Gt: 0x4a,
  f64x2Le: 0x4b,
  f64x2Ge: 0x4c,
  not: 0x4d,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  anyTrue: 0x53,
  f32x4Floor: 0x68,
  f32x4Trunc: 0x69,
  f64x2Floor: 0x75,
  f64x2Trunc: 0x7a,
  i32x4ShrS: 0xac,
  i32x4Shl: 0xab,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  i32x4Mul: 0xb5,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  f32x4Pmin: 0xea,
  f32x4Pmax: 0xeb,
  f64x2Abs: 0xec,
  f64x2Neg: 0xed,
  f64x2Sqrt: 0xef,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
  f64x2Min: 0xf4,
  f64x2Max: 0xf5,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4ConvertI32x4S: 0xfa,
} as const;

/** Block type: no result. */
export const VOID = 0x40;

/** One function body under construction: a byte stream plus its local declarations. */
export class FuncBuilder {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  private readonly constants = new Map<string, number>();

  constructor(private readonly nParams: number) {}

  /** A fresh local of the type; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.nParams + this.locals.length - 1;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  simd(op: number): this {
    this.code.push(0xfd);
    uleb(this.code, op);
    return this;
  }

  /** A SIMD memory access: alignment hint (log2 bytes) and a constant byte offset. */
  simdMem(op: number, align: number, offset: number): this {
    this.simd(op);
    uleb(this.code, align);
    uleb(this.code, offset);
    return this;
  }

  lane(op: number, lane: number): this {
    this.simd(op);
    this.code.push(lane);
    return this;
  }

  get(idx: number): this {
    this.code.push(Op.localGet);
    uleb(this.code, idx);
    return this;
  }

  set(idx: number): this {
    this.code.push(Op.localSet);
    uleb(this.code, idx);
    return this;
  }

  tee(idx: number): this {
    this.code.push(Op.localTee);
    uleb(this.code, idx);
    return this;
  }

  i32(v: number): this {
    this.code.push(Op.i32Const);
    sleb(this.code, v);
    return this;
  }

  /**
   * A v128 constant from 16 bytes, read from a local set once in the prologue: V8 would otherwise
   * rebuild each constant at every use inside the hot loop (several instructions each).
   */
  v128(bytes: Uint8Array): this {
    const key = bytes.join(',');
    let local = this.constants.get(key);
    if (local === undefined) {
      local = this.local('v128');
      this.constants.set(key, local);
    }
    return this.get(local);
  }

  /** `br` / `br_if` to the enclosing block `depth` levels out. */
  br(depth: number, conditional = false): this {
    this.code.push(conditional ? Op.brIf : Op.br);
    uleb(this.code, depth);
    return this;
  }

  call(fn: number): this {
    this.code.push(Op.call);
    uleb(this.code, fn);
    return this;
  }

  /** The body as encoded in the code section (size-prefixed, locals run-length encoded). */
  encode(): number[] {
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body: number[] = [];
    uleb(body, runs.length);
    for (const [n, t] of runs) {
      uleb(body, n);
      body.push(VALTYPE[t]);
    }
    for (const [key, local] of this.constants) {
      body.push(0xfd);
      uleb(body, Simd.const);
      body.push(...key.split(',').map(Number), Op.localSet);
      uleb(body, local);
    }
    body.push(...this.code, Op.end);
    const out: number[] = [];
    uleb(out, body.length);
    return out.concat(body);
  }
}

export interface ModuleParts {
  /** Imported functions `env.<name>`, each f64 -> f64 (indices 0..n-1). */
  readonly imports: readonly string[];
  /** Parameter types of the one exported function `k` (no results). */
  readonly params: readonly ValType[];
  readonly body: FuncBuilder;
}

/** A module: the imports, function `k`, and an exported growable memory `mem` of one page. */
export function encodeModule(parts: ModuleParts): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, content: number[]) => {
    out.push(id);
    uleb(out, content.length);
    out.push(...content);
  };
  const str = (b: number[], s: string) => {
    uleb(b, s.length);
    for (let k = 0; k < s.length; k++) b.push(s.charCodeAt(k));
  };
  // Types: 0 = (f64) -> f64, 1 = the kernel's signature.
  const types: number[] = [];
  uleb(types, 2);
  types.push(0x60, 1, VALTYPE.f64, 1, VALTYPE.f64);
  types.push(0x60);
  uleb(types, parts.params.length);
  for (const p of parts.params) types.push(VALTYPE[p]);
  types.push(0);
  section(1, types);
  const imports: number[] = [];
  uleb(imports, parts.imports.length);
  for (const name of parts.imports) {
    str(imports, 'env');
    str(imports, name);
    imports.push(0x00, 0);
  }
  section(2, imports);
  section(3, [1, 1]);
  section(5, [1, 0x00, 1]);
  const exports: number[] = [2];
  str(exports, 'k');
  exports.push(0x00);
  uleb(exports, parts.imports.length);
  str(exports, 'mem');
  exports.push(0x02, 0);
  section(7, exports);
  section(10, [1, ...parts.body.encode()]);
  return Uint8Array.from(out);
}
