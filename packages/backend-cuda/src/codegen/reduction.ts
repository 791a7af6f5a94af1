/**
 * The reduction skeletons (KeOps' GPU_1D and GPU_2D schemes) around a printed program. In program
 * terms rows are `i` and the reduced index is `j` (core-ir swaps the roles for a reduction over i).
 *
 * `st_red`: one thread per output row, `BLOCK` rows per block, one batch entry per block. The
 * block walks its reduced span(s) in tiles of `tile` indices: the tile's j variables are copied to
 * shared memory by the whole block, then each thread folds them into its row state (copy 0).
 * Sums fold a tile into a fresh tile state (copy 1, `init` and `pair` printed swapped) and merge
 * that into the row state: block summation, so that a float32 sum over M terms errs like one over
 * `tile` terms plus one over M / tile partial sums.
 *
 * Threads past the block's last row still take part in loading tiles and in the barriers, on a
 * clamped (valid) row whose outputs they do not write, so no barrier sits in divergent code.
 *
 * Spans: the whole range [0, reduced) by default. With ranges, the launcher cuts rows into blocks
 * that lie inside one row segment (rows covered by the same clusters), so all threads of a block
 * walk the same spans: `blockTab` holds (first row, end row, segment) per block, `segSpan` and
 * `spans` each segment's merged spans. With `part` (the split scheme, for few rows and many
 * reduced indices), grid row blockIdx.y reduces chunk blockIdx.y and stores its row state in
 * `part`; `st_merge` then folds each row's partial states with `merge`, in chunk order, and
 * finalizes. One kernel serves both schemes (the branches are uniform per launch) so the pair
 * code, the bulk of every kernel, is compiled once.
 */
import { type LoweredKernel, Reduction, type ReductionSpec } from '@symtensor/core-ir';
import { BLOCK, cTypeOf, type Printed, type ReductionLayout, reductionLayout, signature } from './layout.js';
import { INDENT, ProgramPrinter, readsIndex } from './program-printer.js';

/**
 * Reductions whose accumulator rounds (sums): their tiles are accumulated apart and merged (block
 * summation). The others select values (Min, ArgKMin, ...), which is exact in any grouping, so
 * their pairs fold straight into the row state and the kernel carries no tile merge.
 */
const BLOCK_SUMMED: ReadonlySet<Reduction> = new Set([
  Reduction.Sum,
  Reduction.LogSumExp,
  Reduction.SumSoftMaxWeight,
]);

export function reductionKernels(
  spec: ReductionSpec,
  k: LoweredKernel,
  ids: readonly string[],
): Printed<ReductionLayout> {
  const layout = reductionLayout(spec, k, ids);
  const p = new ProgramPrinter(k, { f: cTypeOf('f', spec), acc: cTypeOf('acc', spec) });
  return {
    kernels: [
      kernel(layout.entry, signature(layout.params), accumulateBody(spec, k, p, layout)),
      kernel(layout.mergeEntry, signature(layout.mergeParams), mergeBody(spec, k, p, layout)),
    ],
    layout,
  };
}

function kernel(name: string, params: string, body: string[]): string {
  return [`extern "C" __global__ void __launch_bounds__(${BLOCK}) ${name}(${params}) {`, ...body, '}'].join(
    '\n',
  );
}

const I1 = INDENT;
const I2 = INDENT.repeat(2);
const I3 = INDENT.repeat(3);
const I4 = INDENT.repeat(4);

function accumulateBody(
  spec: ReductionSpec,
  k: LoweredKernel,
  p: ProgramPrinter,
  layout: ReductionLayout,
): string[] {
  const T = cTypeOf('f', spec);
  const { tile } = layout;
  const lines: string[] = [
    `${I1}const long long b = blockIdx.x / nBlocks;`,
    `${I1}const long long blk = blockIdx.x - b * nBlocks;`,
    `${I1}long long r0 = blk * ${BLOCK}, r1 = r0 + ${BLOCK} < rows ? r0 + ${BLOCK} : rows;`,
    `${I1}int sp = 0, spEnd = 1;`,
    `${I1}if (blockTab != nullptr) {`,
    `${I2}r0 = blockTab[3 * blk];`,
    `${I2}r1 = blockTab[3 * blk + 1];`,
    `${I2}const int seg = blockTab[3 * blk + 2];`,
    `${I2}if (seg < 0) spEnd = 0;`,
    `${I2}else { sp = segSpan[seg]; spEnd = segSpan[seg + 1]; }`,
    `${I1}}`,
    `${I1}const bool active = r0 + threadIdx.x < r1;`,
    `${I1}const long long r = active ? r0 + threadIdx.x : r0;`,
  ];
  k.inputs.forEach((v, n) => {
    lines.push(`${I1}const long long o${n} = offs != nullptr ? offs[b * ${k.inputs.length} + ${n}] : 0;`);
    if (v.cat === 'i') lines.push(`${I1}const ${T}* x${n} = in${n} + o${n} + r * ${v.dim};`);
    if (v.cat === 'p') lines.push(`${I1}const ${T}* p${n} = in${n} + o${n};`);
    if (v.cat === 'j' && layout.shared) lines.push(`${I1}__shared__ ${T} sh${n}[${tile * v.dim}];`);
  });
  lines.push(...p.stateDecls(1), ...p.stmts(k.row, 1), ...p.block(k.init, 1));
  const summed = BLOCK_SUMMED.has(spec.reduction);
  const pair = p.pairStmts(k.pair, 4, summed ? 1 : 0);
  lines.push(
    ...pair.hoisted.map((h) => `${I1}${h}`),
    `${I1}for (; sp < spEnd; ++sp) {`,
    `${I2}long long ja = 0, jz = reduced;`,
    `${I2}if (spans != nullptr) { ja = spans[2 * sp]; jz = spans[2 * sp + 1]; }`,
    `${I2}if (part != nullptr) { ja = blockIdx.y * chunk; jz = ja + chunk < reduced ? ja + chunk : reduced; }`,
    `${I2}for (long long t0 = ja; t0 < jz; t0 += ${tile}) {`,
    `${I3}const int tl = (int)(jz - t0 < ${tile} ? jz - t0 : ${tile});`,
  );
  if (layout.shared) {
    lines.push(`${I3}__syncthreads();`);
    k.inputs.forEach((v, n) => {
      if (v.cat === 'j')
        lines.push(
          `${I3}for (int q = threadIdx.x; q < tl * ${v.dim}; q += ${BLOCK}) sh${n}[q] = in${n}[o${n} + t0 * ${v.dim} + q];`,
        );
    });
    lines.push(`${I3}__syncthreads();`);
  }
  if (summed) lines.push(...p.block(k.init, 3, 1));
  lines.push(`${I3}for (int jj = 0; jj < tl; ++jj) {`);
  if (readsIndex(k.pair)) lines.push(`${I4}const int j = (int)(t0 + jj);`);
  k.inputs.forEach((v, n) => {
    if (v.cat !== 'j') return;
    const at = layout.shared ? `sh${n} + jj * ${v.dim}` : `in${n} + o${n} + (t0 + jj) * ${v.dim}`;
    lines.push(`${I4}const ${T}* y${n} = ${at};`);
  });
  lines.push(
    ...pair.lines,
    `${I3}}`,
    ...(summed ? p.block(k.merge, 3) : []),
    `${I2}}`,
    `${I1}}`,
    `${I1}if (!active) return;`,
    `${I1}if (part != nullptr) {`,
    `${I2}const long long u = blockIdx.y * total + b * rows + r;`,
    ...statePointers(spec, k, layout, 2, true),
    ...k.state.map(
      (s, n) => `${I2}for (int q = 0; q < ${s.size}; ++q) ps${n}[u * ${s.size} + q] = s${n}_0[q];`,
    ),
    `${I2}return;`,
    `${I1}}`,
    `${I1}const long long ob = b * rows + r;`,
    ...p.block(k.finalize, 1),
  );
  return lines;
}

/** Typed pointers `ps<slot>` to each slot's region of the partial buffer `part`. */
function statePointers(
  spec: ReductionSpec,
  k: LoweredKernel,
  layout: ReductionLayout,
  depth: number,
  writable: boolean,
): string[] {
  const q = writable ? '' : 'const ';
  return k.state.map((s, n) => {
    const ct = `${q}${cTypeOf(s.ty, spec)}*`;
    return `${INDENT.repeat(depth)}${ct} ps${n} = (${ct})(part + units * ${layout.slotPrefix[n]});`;
  });
}

function mergeBody(
  spec: ReductionSpec,
  k: LoweredKernel,
  p: ProgramPrinter,
  layout: ReductionLayout,
): string[] {
  return [
    ...statePointers(spec, k, layout, 1, false),
    ...p.stateDecls(1),
    `${I1}for (long long ob = (long long)blockIdx.x * ${BLOCK} + threadIdx.x; ob < total; ob += (long long)gridDim.x * ${BLOCK}) {`,
    ...p.block(k.init, 2),
    `${I2}for (long long sp = 0; sp < splits; ++sp) {`,
    `${I3}const long long u = sp * total + ob;`,
    ...k.state.map(
      (s, n) => `${I3}for (int q = 0; q < ${s.size}; ++q) s${n}_1[q] = ps${n}[u * ${s.size} + q];`,
    ),
    ...p.block(k.merge, 3),
    `${I2}}`,
    ...p.block(k.finalize, 2),
    `${I1}}`,
  ];
}
