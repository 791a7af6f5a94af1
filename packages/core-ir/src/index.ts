/**
 * @symtensor/core-ir: the formula IR of symbolic matrices, its op table, simplification,
 * symbolic differentiation, reductions, kernel specs and their lowering, the formula-string
 * parser, the Backend interface and a float64 reference interpreter.
 */

export * from './backend.js';
export { diff, grad, varsOf } from './diff/grad.js';
export * from './dtype.js';
export * from './errors.js';
export * from './formula/build.js';
export { type Category, Formula, topoOrder } from './formula/formula.js';
export { hashString } from './formula/hash.js';
export { substituteVars } from './formula/substitute.js';
export { evaluate } from './interpret/evaluate.js';
export { type ReferenceRunOptions, referenceRun } from './interpret/reference.js';
export { referenceBackend } from './interpret/reference-backend.js';
export * from './kernel/spec.js';
export { type TakeSpec, takeConvert, takeReference, takeSpec } from './kernel/take.js';
export { DEFAULT_UNROLL_LIMIT } from './lower/context.js';
export { type LowerOptions, lowerKernel } from './lower/lower.js';
export * from './lower/program.js';
export { allOps, opDef } from './ops/table.js';
export { OP_ATTR_COUNT, Op, type OpDef } from './ops/types.js';
export * from './parse/index.js';
export {
  type ReductionExpr,
  type ReductionGrad,
  reductionGrad,
  type SavedForward,
  savedForGrad,
} from './reductions/grad.js';
export { reductionDef } from './reductions/table.js';
export { Reduction, type ReductionDef, type ReductionSizes } from './reductions/types.js';
