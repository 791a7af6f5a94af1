/**
 * Running LazyTensor reductions, and their gradients. A reduction renumbers the placeholder
 * variables to argument slots 0..n-1 (in order of first appearance, so equal computations share one
 * compiled kernel), runs one kernel on the backend of the bound tensors, and records itself on the
 * tape. Its backward pass is core-ir's symbolic gradient of the reduction: a new Sum reduction over
 * the same or the other index, run by this same function (so it is differentiable again), with the
 * output gradient and the saved forward results bound as extra variables. Parameter gradients are
 * summed over the output rows, and every gradient over the batch dims its tensor was broadcast
 * along.
 */
import * as C from '@symtensor/core-ir';
import {
  type Backend,
  DTypeError,
  type Formula,
  type Ranges,
  type Reduction,
  ShapeError,
  ValueError,
} from '@symtensor/core-ir';
import { isGradEnabled } from '../autograd/mode.js';
import type { BackwardContext } from '../autograd/node.js';
import { makeOutputs, type RawOutput } from '../autograd/record.js';
import { getBackend } from '../backend/registry.js';
import { add } from '../ops/elementwise.js';
import { commonBackend, commonFloatDType } from '../ops/operands.js';
import { sum, sumTo } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { checkBackendDType, type FloatTensorDType } from '../tensor/dtype.js';
import { padShape } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { type Binding, freshPosition } from './binding.js';
import { type Axis, LazyTensor } from './lazytensor.js';
import { Vi, Vj } from './leaves.js';
import { transposeRanges } from './ranges.js';

/** Options of LazyTensor reductions. */
export interface LazyReductionOptions {
  /**
   * Block sparsity over the reduced index (KeOps' ranges, see core-ir's `Ranges`); gradients that
   * reduce over the other index use the transposed interactions, computed from these.
   */
  readonly ranges?: Ranges;
  /** Dtype sums are accumulated in (Sum and the LogSumExp family), e.g. float64 for float32 data. */
  readonly accumulator?: FloatTensorDType;
  /** The backend to run on: the bound tensors must live there (default: theirs). */
  readonly backend?: Backend;
  /** Dtype of a reduction that binds no tensor (numbers only); default float32. */
  readonly dtype?: FloatTensorDType;
}

/** One reduction to run: formulas over placeholders, their bindings and the sizes. */
interface ReductionCall {
  readonly name: string;
  readonly formula: Formula;
  readonly weight?: Formula | undefined;
  readonly reduction: Reduction;
  readonly axis: Axis;
  readonly k?: number | undefined;
  readonly bindings: ReadonlyMap<number, Binding>;
  readonly nx: number;
  readonly ny: number;
  readonly batch: readonly number[];
  readonly ranges?: Ranges | undefined;
  /** The transposed ranges, once computed. */
  readonly rangesT?: Ranges | undefined;
  readonly options: LazyReductionOptions;
}

const KMIN_FAMILY = new Set<string>(['KMin', 'ArgKMin', 'KMinArgKMin']);

/** Runs `reduction` of `lazy` over `axis`; returns its outputs (two for the value+index kinds). */
export function reduceLazy(
  lazy: LazyTensor,
  reduction: `${Reduction}`,
  axis: Axis,
  extra: { weight?: LazyTensor | Tensor; k?: number },
  options: LazyReductionOptions = {},
): Tensor[] {
  const name = reduction.charAt(0).toLowerCase() + reduction.slice(1);
  if (!(lazy instanceof LazyTensor))
    throw new ValueError(
      `${name}: reductions over 'i' or 'j' apply to LazyTensors; wrap tensors with Vi(x), Vj(y) or Pm(p) first (a Tensor reduces over numeric axes with t.sum(axis))`,
    );
  if (axis !== 'i' && axis !== 'j')
    throw new ValueError(
      `${name}(axis): axis must be 'i' or 'j' (the index summed over), got ${JSON.stringify(axis)}; there are no numeric axes (KeOps' axis=1 is 'j')`,
    );
  let weight: LazyTensor | undefined;
  if (extra.weight !== undefined) {
    if (extra.weight instanceof Tensor) weight = axis === 'j' ? Vj(extra.weight) : Vi(extra.weight);
    else if (extra.weight instanceof LazyTensor) weight = extra.weight;
    else throw new ValueError(`${name}: weight must be a LazyTensor (e.g. Vj(w)) or a Tensor`);
  }
  const all = new Map(lazy.bindings);
  if (weight) for (const [pos, b] of weight.bindings) all.set(pos, b);
  const sized = new LazyTensor(lazy.formula, all, name);
  if (KMIN_FAMILY.has(reduction)) checkK(name, extra.k, axis === 'j' ? sized.m : sized.n, axis);
  const outs = runReduction({
    name,
    formula: lazy.formula,
    weight: weight?.formula,
    reduction: reduction as Reduction,
    axis,
    k: extra.k,
    bindings: all,
    nx: sized.n ?? 1,
    ny: sized.m ?? 1,
    batch: sized.batch,
    ranges: options.ranges,
    options,
  });
  if (!KMIN_FAMILY.has(reduction)) return outs;
  // K-major outputs: [..., rows, K, D], or [..., rows, K] for a scalar formula (as KeOps).
  const D = lazy.dim;
  return outs.map((t) => {
    const lead = t.shape.slice(0, -1);
    const shaped = reshape(t, D === 1 ? [...lead, extra.k!] : [...lead, extra.k!, D]);
    t.dispose();
    return shaped;
  });
}

function checkK(name: string, K: number | undefined, reduced: number | undefined, axis: Axis): void {
  if (K === undefined || !Number.isSafeInteger(K) || K < 1)
    throw new ValueError(`${name}(axis, K): K must be a positive integer, got ${K}`);
  const size = reduced ?? 1;
  if (K > size)
    throw new ValueError(
      `${name}(axis, K): K = ${K} exceeds the ${size} ${axis} indices (${axis === 'j' ? 'M' : 'N'}); use K <= ${size}`,
    );
}

/** Runs one reduction kernel and records it on the tape. */
function runReduction(call: ReductionCall): Tensor[] {
  const { name } = call;
  const roots = call.weight ? [call.formula, call.weight] : [call.formula];
  const used = C.topoOrder(roots)
    .filter((n) => n.op === C.Op.Var)
    .map((v) => C.varInfo(v).pos);
  const slot = new Map(used.map((pos, k) => [pos, k]));
  const [formula, weight] = C.substituteVars(roots, (v) => {
    const { pos, dim, cat } = C.varInfo(v);
    return C.variable(slot.get(pos)!, dim, cat);
  });
  const bound = used.map((pos) => call.bindings.get(pos)!);
  const tensors = [...new Set(bound.flatMap((b) => (b.source instanceof Tensor ? [b.source] : [])))];
  const backend = tensors.length > 0 ? commonBackend(tensors, name) : (call.options.backend ?? getBackend());
  if (call.options.backend && call.options.backend !== backend)
    throw new ValueError(
      `${name}: the tensors live on the '${backend.name}' backend, not on the one passed as options.backend ('${call.options.backend.name}'); move them with await t.to(backend)`,
    );
  const dtype = tensors.length > 0 ? commonFloatDType(tensors, name) : (call.options.dtype ?? 'float32');
  if (call.options.dtype && call.options.dtype !== dtype)
    throw new DTypeError(
      `${name}: options.dtype is ${call.options.dtype} but the tensors are ${dtype}; cast them`,
    );
  if (call.options.accumulator) checkBackendDType(backend, call.options.accumulator, `${name} (accumulator)`);
  const spec = C.reductionSpec({
    formula: formula!,
    reduction: call.reduction,
    axis: call.axis,
    dtype,
    ...(weight ? { weight } : {}),
    ...(call.k === undefined ? {} : { k: call.k }),
    ...(call.options.accumulator ? { accumulator: call.options.accumulator } : {}),
  });
  const uploaded = bound.map((b) =>
    b.source instanceof Tensor
      ? undefined
      : backend.upload(dtype === 'float64' ? b.source : Float32Array.from(b.source)),
  );
  let buffers: C.DeviceBuffer[];
  try {
    buffers = backend.run(spec, {
      args: bound.map((b, k) => uploaded[k] ?? (b.source as Tensor).bufferFor(name)),
      nx: call.nx,
      ny: call.ny,
      batch: call.batch,
      argBatch: bound.map((b) => padShape(b.batch, call.batch.length)),
      ...(call.ranges ? { ranges: call.ranges } : {}),
    });
  } finally {
    // The run is enqueued and holds what it reads.
    for (const u of uploaded) if (u) backend.free(u);
  }
  const rows = call.axis === 'j' ? call.nx : call.ny;
  const raws: RawOutput[] = C.specOutputs(spec).map((o, n) => ({
    storage: new Storage(backend, buffers[n]!),
    shape: [...call.batch, rows, o.dim],
    dtype: o.type === 'i' ? 'int32' : dtype,
  }));
  const saved = C.savedForGrad(call.reduction);
  // SumSoftMaxWeight's gradient needs the LogSumExp of its formula: a recorded reduction of its own,
  // so that second derivatives flow through it too.
  const lse =
    saved.includes('logsumexp') && isGradEnabled() && tensors.some((t) => t.requiresGrad)
      ? runReduction({
          ...call,
          name: `${name}.logsumexp`,
          reduction: C.Reduction.LogSumExp,
          weight: undefined,
        })[0]
      : undefined;
  const inputs = lse ? [...tensors, lse] : tensors;
  const outs = makeOutputs(
    name,
    inputs,
    raws,
    (grads, ctx) => backwardOf(call, tensors, grads[0] ?? null, ctx),
    saved.includes('output') ? [0] : [],
  );
  // The tape holds its own reference to the LogSumExp.
  lse?.dispose();
  return outs;
}

/** The gradients of a reduction with respect to its tensors (and null for a saved LogSumExp). */
function backwardOf(
  call: ReductionCall,
  tensors: readonly Tensor[],
  g: Tensor | null,
  ctx: BackwardContext,
): (Tensor | null)[] {
  const result: (Tensor | null)[] = ctx.inputs.map(() => null);
  if (!g) return result;
  const handleOf = new Map(tensors.map((t, k) => [t, ctx.inputs[k]!]));
  const bindings = new Map<number, Binding>();
  for (const [pos, b] of call.bindings)
    bindings.set(pos, b.source instanceof Tensor ? { ...b, source: handleOf.get(b.source) ?? b.source } : b);
  const outCat = call.axis === 'j' ? 'i' : 'j';
  const outRows = call.axis === 'j' ? call.nx : call.ny;
  const outDim = g.shape[g.rank - 1]!;
  const bindOut = (source: Tensor, dim: number): Formula => {
    const pos = freshPosition();
    bindings.set(pos, { cat: outCat, dim, source, batch: call.batch, rows: outRows });
    return C.variable(pos, dim, outCat);
  };
  const gradOut = bindOut(g, outDim);
  const saved: C.SavedForward = {
    ...(C.savedForGrad(call.reduction).includes('output') ? { output: bindOut(ctx.output(0), outDim) } : {}),
    ...(ctx.inputs.length > tensors.length ? { logsumexp: bindOut(ctx.inputs[tensors.length]!, 1) } : {}),
  };
  const expr: C.ReductionExpr = {
    formula: call.formula,
    reduction: call.reduction,
    axis: call.axis,
    ...(call.weight ? { weight: call.weight } : {}),
    ...(call.k === undefined ? {} : { k: call.k }),
  };
  let transposed = call.rangesT;
  for (const [pos, b] of call.bindings) {
    const k = b.source instanceof Tensor ? tensors.indexOf(b.source) : -1;
    if (k < 0 || !ctx.needs[k]) continue;
    const rg = C.reductionGrad(expr, C.variable(pos, b.dim, b.cat), gradOut, saved);
    if (rg.kind === 'zero') continue;
    const same = rg.expr.axis === call.axis;
    if (!same && call.ranges) transposed ??= transposeRanges(call.ranges);
    const [full] = runReduction({
      ...call,
      name: `${call.name}.grad`,
      formula: rg.expr.formula,
      weight: undefined,
      reduction: C.Reduction.Sum,
      axis: rg.expr.axis,
      k: undefined,
      bindings,
      ranges: same ? call.ranges : transposed,
      rangesT: same ? transposed : call.ranges,
    });
    // Rows: the rows of b's category ([..., rows, dim]), or the output rows to sum for a parameter.
    const rowsDone = rg.sumRows ? sum(full!, full!.rank - 2) : full!;
    const target = [...padShape(b.batch, call.batch.length), ...(b.cat === 'p' ? [] : [b.rows!]), b.dim];
    const t = tensors[k]!;
    const gradT = reshape(sumTo(rowsDone, target), t.shape);
    if (gradT.size !== t.size)
      throw new ShapeError(`internal: gradient of size ${gradT.size} for [${t.shape}]`);
    result[k] = result[k] ? add(result[k]!, gradT) : gradT;
  }
  return result;
}
