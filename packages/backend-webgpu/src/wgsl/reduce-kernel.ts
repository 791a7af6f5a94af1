/**
 * The reduction skeleton: one invocation per output row, a workgroup per block of rows. The
 * reduced range is walked in chunks; each chunk's reduced-index variables are first copied into
 * workgroup memory by the whole workgroup (every row of the block reads them). Reductions that
 * accumulate (their state has `acc` slots: Sum, the LogSumExp family) fold each chunk into state
 * copy 1 and merge it into the running total in copy 0: block summation, so float32 sums over
 * millions of terms err like sums over a chunk plus sums over the number of chunks. Selections
 * (Min, ArgKMin, ...) are exact and fold straight into copy 0.
 *
 * The same skeleton serves every scheme, through the uniform block and three compile-time switches:
 * - `ranges`: the block's rows share a list of reduced spans (block table built on the host from
 *   KeOps' ranges), instead of the whole reduced range;
 * - `end: 'store'`: workgroups cover disjoint slices of the reduced range (or of a window of it,
 *   for data larger than a binding) and store their states for `merge-kernel.ts` (the split
 *   scheme), instead of finalizing;
 * - `tiled: false` reads reduced-index variables straight from storage when a chunk of them does
 *   not fit workgroup memory (very large dims).
 */
import type { LoweredKernel } from '@symtensor/core-ir';
import {
  addIdx,
  commonBindings,
  inputOffsets,
  outputBindings,
  outputOffsets,
  outputWrite,
  rowInput,
} from './access.js';
import type { Binding, KernelSource } from './bindings.js';
import type { FloatType } from './floats.js';
import { INDENT, ProgramPrinter } from './program.js';
import { programModule } from './program-module.js';

export interface ReduceConfig {
  /** Invocations (rows) per workgroup. */
  readonly workgroupSize: number;
  /** Reduced indices per chunk (block-summation granularity, and tile size when tiled). */
  readonly chunk: number;
  /** Whether chunks of reduced-index variables are staged in workgroup memory. */
  readonly tiled: boolean;
  readonly ranges: boolean;
  /** Write the outputs, or store the state for the merge pass. */
  readonly end: 'finalize' | 'store';
  /** The float type of the data (f16 for float16 kernels). */
  readonly float: FloatType;
}

/** Bindings of the reduction kernel, in binding order. */
function reduceBindings(kernel: LoweredKernel, cfg: ReduceConfig): Binding[] {
  return [
    ...commonBindings(kernel, cfg.float),
    ...(cfg.end === 'finalize' ? outputBindings(kernel, cfg.float) : []),
    ...(cfg.end === 'store' ? [{ name: 'part', kind: 'write', type: 'array<u32>' } as const] : []),
    ...(cfg.ranges
      ? [
          { name: 'blocks', kind: 'read', type: 'array<u32>' } as const,
          { name: 'spans', kind: 'read', type: 'array<u32>' } as const,
        ]
      : []),
  ];
}

export function reduceKernel(kernel: LoweredKernel, cfg: ReduceConfig): KernelSource {
  const WG = cfg.workgroupSize;
  const jInputs = kernel.inputs.flatMap((v, n) => (v.cat === 'j' ? [{ n, dim: v.dim }] : []));
  const p = new ProgramPrinter(
    kernel,
    {
      input: (n, idx) => {
        if (kernel.inputs[n]!.cat !== 'j') return rowInput(kernel, n, idx);
        return cfg.tiled
          ? `tile${n}[${addIdx(`q * ${kernel.inputs[n]!.dim}u`, idx)}]`
          : `in${n}[${addIdx(`y${n}`, idx)}]`;
      },
      output: outputWrite,
      j: 'i32(jg)',
    },
    cfg.float,
  );
  const I1 = INDENT;
  const I2 = I1 + INDENT;
  const I3 = I2 + INDENT;
  const I4 = I3 + INDENT;
  const SW = p.stateWords();
  const blockSums = kernel.state.some((slot) => slot.ty === 'acc');
  const body: string[] = [];
  const e = (line: string) => body.push(line);

  e(`${I1}let wl = wid.x + wid.y * u.grid_x;`);
  // Workgroups past the end of a wrapped 2D grid: wl is uniform, so this return keeps the
  // barriers below in uniform control flow.
  e(`${I1}if (wl >= u.nblk * u.nb * u.slices) { return; }`);
  e(`${I1}let sl = wl % u.slices;`);
  e(`${I1}let blk = u.blk0 + (wl / u.slices) % u.nblk;`);
  e(`${I1}let b = u.b0 + wl / (u.slices * u.nblk);`);
  if (cfg.ranges) {
    e(`${I1}let row_a = blocks[4u * blk];`);
    e(`${I1}let row_b = blocks[4u * blk + 1u];`);
  } else {
    e(`${I1}let row_a = blk * ${WG}u;`);
    e(`${I1}let row_b = min(u.rows, row_a + ${WG}u);`);
  }
  e(`${I1}let live = row_a + lid < row_b;`);
  // Invocations past the block's last row compute on its last row (valid data, no branches
  // around barriers) and write nothing.
  e(`${I1}let r = min(row_a + lid, row_b - 1u);`);
  body.push(...inputOffsets(kernel, I1));
  if (cfg.end === 'finalize') body.push(...outputOffsets(kernel, I1));
  if (cfg.end === 'store')
    e(`${I1}let pb = (((sl + u.part_off) * u.nb + (b - u.b0)) * u.win_rows + (r - u.row_lo)) * ${SW}u;`);
  body.push(...p.stateDecls(I1, blockSums ? 2 : 1));
  // The row block's lets stay visible to the pair and finalize: printed without braces.
  body.push(...p.stmts(kernel.row, I1));
  const hoistAt = body.length;

  body.push(...p.block(kernel.init, I1));

  // Reduced spans of this workgroup.
  if (cfg.ranges) {
    e(`${I1}for (var sp = blocks[4u * blk + 2u]; sp < blocks[4u * blk + 3u]; sp++) {`);
    e(`${I2}let js = max(spans[2u * sp], u.j_lo);`);
    e(`${I2}let je = min(spans[2u * sp + 1u], u.j_hi);`);
  } else {
    e(`${I1}{`);
    e(`${I2}let js = min(u.j_hi, u.j_lo + sl * u.slice_len);`);
    e(`${I2}let je = min(u.j_hi, js + u.slice_len);`);
  }
  e(`${I2}for (var jc = js; jc < je; jc += ${cfg.chunk}u) {`);
  e(`${I3}let cnt = min(${cfg.chunk}u, je - jc);`);
  if (cfg.tiled) {
    for (const { n, dim } of jInputs) {
      e(`${I3}for (var k = lid; k < cnt * ${dim}u; k += ${WG}u) {`);
      e(`${I4}tile${n}[k] = in${n}[o${n} + jc * ${dim}u + k];`);
      e(`${I3}}`);
    }
    e(`${I3}workgroupBarrier();`);
  }
  // With block sums, the chunk is folded into state copy 1 (init and pair printed with the copies
  // swapped), then merged.
  const printPair = () => ({
    init1: blockSums ? p.block(kernel.init, I3) : [],
    pair: p.pairWithHoisting(I4),
  });
  const { init1, pair } = blockSums ? p.withSwappedState(printPair) : printPair();
  body.push(...init1);
  e(`${I3}for (var q = 0u; q < cnt; q++) {`);
  e(`${I4}let jg = jc + q;`);
  if (!cfg.tiled) for (const { n, dim } of jInputs) e(`${I4}let y${n} = o${n} + jg * ${dim}u;`);
  body.push(...pair.lines);
  e(`${I3}}`);
  if (blockSums) body.push(...p.block(kernel.merge, I3));
  if (cfg.tiled) e(`${I3}workgroupBarrier();`);
  e(`${I2}}`);
  e(`${I1}}`);
  body.splice(hoistAt, 0, ...pair.hoisted.map((h) => `${I1}${h}`));

  e(`${I1}if (live) {`);
  if (cfg.end === 'finalize') body.push(...p.block(kernel.finalize, I2));
  else body.push(...p.stateTransfer('store', 0, 'part', (w) => `pb + ${w}`, I2));
  e(`${I1}}`);

  const bindings = reduceBindings(kernel, cfg);
  const tiles = cfg.tiled
    ? jInputs.map(({ n, dim }) => `var<workgroup> tile${n}: array<${cfg.float}, ${cfg.chunk * dim}>;`)
    : [];
  return programModule({
    kernel,
    float: cfg.float,
    bindings,
    printer: p,
    workgroupSize: WG,
    builtins: '@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32',
    body,
    workgroupVars: tiles,
  });
}
