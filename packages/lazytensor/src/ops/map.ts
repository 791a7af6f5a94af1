/**
 * Elementwise computations as map kernels. An op is a formula builder over one variable per
 * operand; broadcasting is planned by `planMap`. The gradient with respect to an operand is the
 * symbolic gradient of the same builder, run as another elementwise op (so it is differentiable
 * again) and summed over the dims the operand was broadcast along.
 */
import {
  type Backend,
  type Formula,
  grad,
  intCst,
  isZero,
  mapSpec,
  ShapeError,
  substituteVars,
  sumT,
  ValueError,
  varInfo,
  variable,
} from '@symtensor/core-ir';
import { makeOutputs, type RawOutput } from '../autograd/record.js';
import { allocHost, type FloatTensorDType } from '../tensor/dtype.js';
import { broadcastShapes, type Shape, sameShape, sizeOf } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { type MapPlan, planMap } from './map-plan.js';
import { commonBackend, commonFloatDType } from './operands.js';
import { sumTo } from './reduce.js';

/** A tensor, or a number taken as a scalar (integers become exact constants of the formula). */
export type Operand = Tensor | number;

/** Builds the formula of one output element from one variable (or constant) per operand. */
export type Build = (vars: readonly Formula[]) => Formula;

function shapeOf(o: Operand): Shape {
  return typeof o === 'number' ? [] : o.shape;
}

/**
 * The formula leaf of each operand: an exact constant for a safe integer, else a variable at the
 * operand's position (other numbers are uploaded as parameters rather than compiled in, so a
 * changing value, such as a step size, reuses one compiled kernel).
 */
function operandVars(plan: MapPlan, operands: readonly Operand[]): Formula[] {
  return operands.map((o, k) =>
    typeof o === 'number' && Number.isSafeInteger(o)
      ? intCst(o)
      : variable(k, plan.operands[k]!.dim, plan.operands[k]!.cat),
  );
}

/** Runs `formula` (built on `operandVars(plan, operands)`) as one map kernel. */
function runMap(
  name: string,
  backend: Backend,
  dtype: FloatTensorDType,
  plan: MapPlan,
  operands: readonly Operand[],
  formula: Formula,
): RawOutput {
  if (sizeOf(plan.outShape) === 0)
    return {
      storage: new Storage(backend, backend.upload(allocHost(dtype, 0))),
      shape: plan.outShape,
      dtype,
    };
  // A formula that no longer depends on the vector dim (a constant) still writes every component.
  if (formula.dim === 1 && plan.dim > 1) formula = sumT(formula, plan.dim);
  if (formula.dim !== plan.dim)
    throw new ValueError(`${name}: the element formula has dim ${formula.dim}, expected ${plan.dim}`);
  const scalars = operands.map((o) =>
    typeof o === 'number' && !Number.isSafeInteger(o) ? backend.upload(allocScalar(dtype, o)) : undefined,
  );
  try {
    const [out] = backend.run(mapSpec({ formula, dtype }), {
      args: operands.map((o, k) => (typeof o === 'number' ? scalars[k] : o.bufferFor(name))),
      nx: plan.nx,
      ny: 0,
      batch: plan.batch,
      argBatch: plan.operands.map((p) => p.argBatch),
    });
    return { storage: new Storage(backend, out!), shape: plan.outShape, dtype };
  } finally {
    // The run is enqueued and holds what it reads: the uploaded scalars can go now.
    for (const s of scalars) if (s) backend.free(s);
  }
}

function allocScalar(dtype: FloatTensorDType, v: number): Float32Array | Float64Array {
  return dtype === 'float64' ? Float64Array.of(v) : Float32Array.of(v);
}

/** Options of `elementwise`. */
export interface ElementwiseOptions {
  /** Output shape, when the operands are to be broadcast further than to each other. */
  readonly shape?: Shape;
  /**
   * Return `null` instead of running a kernel when the formula is identically zero (a gradient
   * that vanishes symbolically).
   */
  readonly zeroAsNull?: boolean;
}

/** The elementwise op `build` over broadcast operands, recorded for autograd. */
export function elementwise(
  name: string,
  operands: readonly Operand[],
  build: Build,
  options?: ElementwiseOptions & { zeroAsNull?: false },
): Tensor;
export function elementwise(
  name: string,
  operands: readonly Operand[],
  build: Build,
  options: ElementwiseOptions,
): Tensor | null;
export function elementwise(
  name: string,
  operands: readonly Operand[],
  build: Build,
  options: ElementwiseOptions = {},
): Tensor | null {
  const tensors = operands.filter((o): o is Tensor => o instanceof Tensor);
  if (tensors.length === 0) throw new ValueError(`${name}: at least one operand must be a Tensor`);
  const backend = commonBackend(tensors, name);
  const dtype = commonFloatDType(tensors, name);
  const shapes = operands.map(shapeOf);
  const outShape = broadcastShapes(options.shape ? [...shapes, options.shape] : shapes, name);
  if (options.shape && !sameShape(outShape, options.shape))
    throw new ShapeError(`${name}: shape [${shapes[0]}] cannot be broadcast to [${options.shape}]`);
  const plan = planMap(outShape, shapes);
  const formula = build(operandVars(plan, operands));
  if (options.zeroAsNull && isZero(formula)) return null;
  const raw = runMap(name, backend, dtype, plan, operands, formula);
  const [out] = makeOutputs(name, tensors, [raw], (grads, ctx) => {
    let t = 0;
    const ops = operands.map((o) => (typeof o === 'number' ? o : ctx.inputs[t++]!));
    const g = grads[0]!;
    t = 0;
    return operands.flatMap((o, k) => {
      if (typeof o === 'number') return [];
      if (!ctx.needs[t++]) return [null];
      const full = elementwise(`${name}'`, [...ops, g], (vars) => gradFormula(build, vars, ops.length, k), {
        zeroAsNull: true,
      });
      return [full && sumTo(full, o.shape)];
    });
  });
  return out!;
}

/**
 * The gradient of `build` with respect to operand k, contracted with the cotangent `vars[n]`,
 * elementwise (one value per output element, before summing over broadcast dims). An operand that
 * is a scalar in the formula (dim 1 against a vector) is differentiated through a full-size
 * stand-in that is then replaced by the scalar repeated, so the in-formula broadcast is not summed.
 */
function gradFormula(build: Build, vars: readonly Formula[], n: number, k: number): Formula {
  const base = vars.slice(0, n);
  const e = vars[n]!;
  const v = base[k]!;
  if (v.dim === e.dim) return grad(build(base), v, e);
  const w = variable(n + 1, e.dim, varInfo(v).cat);
  const g = grad(build(base.map((x, m) => (m === k ? w : x))), w, e);
  return substituteVars([g], (x) => (x === w ? sumT(v, e.dim) : x))[0]!;
}
