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
  f32x4Nearest: 0x6a,
  f64x2Floor: 0x75,
  f64x2Trunc: 0x7a,
  i32x4ShrS: 0xac,
  i32x4ShrU: 0xad,
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
  f64x2Pmax: 0xf7,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4ConvertI32x4S: 0xfa,
} as const;

/** Block type: no result. */
export const VOID = 0x40;

/**
 * One function body under construction: a byte stream, its local declarations, and the 16-byte
 * cells at the bottom of linear memory that hold its constants and scratch values.
 *
 * Constants are loaded from their cells into locals once, in the prologue. TurboFan rebuilds a
 * `v128.const` (or a local holding one) at every use inside a loop, three instructions per
 * constant (an immediate move, a move to an xmm register, a shuffle), which made up a third of
 * the Gaussian kernel's inner loop; a value loaded from memory is never rebuilt: the register
 * allocator keeps it in a register or reloads it from the stack, one instruction. (Loading the
 * constants inside the loop instead lets TurboFan merge the loads of one address, schedule them
 * early and spill them, which measured slower.)
 */
export class FuncBuilder {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  /** Cell contents by cell index: the bytes of a constant, or undefined for a scratch cell. */
  private readonly cells: (Uint8Array | undefined)[] = [];
  /** Local holding each constant, by its bytes, and the cell it is loaded from. */
  private readonly constants = new Map<string, { local: number; at: number }>();

  /**
   * @param cellBase byte address of the first cell (0: the bottom of memory; another value lets
   *   several modules share one memory, each with its own cells).
   */
  constructor(
    private readonly nParams: number,
    readonly cellBase = 0,
  ) {}

  /** A fresh local of the type; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.nParams + this.locals.length - 1;
  }

  /** A fresh 16-byte scratch cell in linear memory; returns its byte address. */
  cell(): number {
    return this.cellBase + 16 * (this.cells.push(undefined) - 1);
  }

  /** `n` consecutive fresh scratch cells; returns the byte address of the first. */
  cellBlock(n: number): number {
    const at = this.cellBase + 16 * this.cells.length;
    for (let k = 0; k < n; k++) this.cells.push(undefined);
    return at;
  }

  /** The end of the cells (a byte address): callers' data goes after it. */
  get cellEnd(): number {
    return this.cellBase + 16 * this.cells.length;
  }

  /**
   * Initial memory image of the cells, from the first constant to the last (`at`, a byte address;
   * scratch cells between them zero). Scratch cells are written before they are read, so the
   * ones outside that span, such as the wide state and local arrays laid out first, stay out of
   * the module's bytes.
   */
  cellImage(): { readonly at: number; readonly bytes: Uint8Array } {
    const first = this.cells.findIndex((c) => c !== undefined);
    if (first < 0) return { at: this.cellBase, bytes: new Uint8Array(0) };
    let last = this.cells.length - 1;
    while (this.cells[last] === undefined) last--;
    const bytes = new Uint8Array(16 * (last + 1 - first));
    for (let k = first; k <= last; k++) {
      const c = this.cells[k];
      if (c) bytes.set(c, 16 * (k - first));
    }
    return { at: this.cellBase + 16 * first, bytes };
  }

  /** Pushes the v128 stored in the cell at byte address `at`. */
  loadCell(at: number): this {
    return this.i32(0).simdMem(Simd.load, 4, at);
  }

  /** Stores the v128 on the stack into the cell at `at` (through `tmp`, a v128 local). */
  storeCell(at: number, tmp: number): this {
    this.set(tmp).i32(0).get(tmp);
    return this.simdMem(Simd.store, 4, at);
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

  /** A v128 constant from 16 bytes (see the class comment). */
  v128(bytes: Uint8Array): this {
    const key = bytes.join(',');
    let c = this.constants.get(key);
    if (c === undefined) {
      c = { local: this.local('v128'), at: this.cellBase + 16 * (this.cells.push(bytes.slice()) - 1) };
      this.constants.set(key, c);
    }
    return this.get(c.local);
  }

  /** `memory.copy` (bulk memory): (destination, source, byte count) on the stack. */
  memoryCopy(): this {
    return this.op(0xfc, 0x0a, 0x00, 0x00);
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
    for (const { local, at } of this.constants.values()) {
      body.push(Op.i32Const, 0, 0xfd);
      uleb(body, Simd.load);
      uleb(body, 4);
      uleb(body, at);
      body.push(Op.localSet);
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
  /**
   * Import a shared memory `env.mem` of these limits (in 64 KiB pages) instead of defining and
   * exporting one: several instances, in several threads, then work in the same memory
   * (`bench/memory.ts` measures that layout against private memories).
   */
  readonly sharedMemory?: { readonly minPages: number; readonly maxPages: number };
}

/**
 * A module: the imports, function `k`, and an exported growable memory `mem` (or the imported
 * shared one) whose cells start as the body's cell image (a data segment).
 */
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
  const { body, sharedMemory } = parts;
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
  uleb(imports, parts.imports.length + (sharedMemory ? 1 : 0));
  for (const name of parts.imports) {
    str(imports, 'env');
    str(imports, name);
    imports.push(0x00, 0);
  }
  if (sharedMemory) {
    str(imports, 'env');
    str(imports, 'mem');
    // Memory type: limits flag 3 (shared, with a maximum), minimum, maximum.
    imports.push(0x02, 0x03);
    uleb(imports, sharedMemory.minPages);
    uleb(imports, sharedMemory.maxPages);
  }
  section(2, imports);
  section(3, [1, 1]);
  if (!sharedMemory) {
    const memory: number[] = [1, 0x00];
    uleb(memory, Math.max(1, Math.ceil(body.cellEnd / 65536)));
    section(5, memory);
  }
  const exports: number[] = [sharedMemory ? 1 : 2];
  str(exports, 'k');
  exports.push(0x00);
  uleb(exports, parts.imports.length);
  if (!sharedMemory) {
    str(exports, 'mem');
    exports.push(0x02, 0);
  }
  section(7, exports);
  section(10, [1, ...body.encode()]);
  const image = body.cellImage();
  if (image.bytes.length > 0) {
    const data: number[] = [1, 0x00, Op.i32Const];
    sleb(data, image.at);
    data.push(Op.end);
    uleb(data, image.bytes.length);
    for (const b of image.bytes) data.push(b);
    section(11, data);
  }
  return Uint8Array.from(out);
}
