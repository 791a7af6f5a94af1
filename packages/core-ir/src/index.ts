/**
 * @symtensor/core-ir: the formula IR of symbolic matrices, its op table, simplification,
 * symbolic differentiation, reductions, kernel specs and their lowering, the formula-string
 * parser, the Backend interface and a float64 reference interpreter.
 */
export * from './errors.js';
export * from './dtype.js';
export { type Category, Formula, topoOrder } from './formula/formula.js';
export * from './formula/build.js';
export { hashString } from './formula/hash.js';
export { Op, type OpDef, OP_ATTR_COUNT } from './ops/types.js';
export { opDef, allOps } from './ops/table.js';
export { grad, diff, varsOf } from './diff/grad.js';
export { Reduction, type ReductionDef, type ReductionSizes } from './reductions/types.js';
export { reductionDef } from './reductions/table.js';
export {
  reductionGrad,
  savedForGrad,
  type ReductionExpr,
  type ReductionGrad,
  type SavedForward,
} from './reductions/grad.js';
export * from './kernel/spec.js';
export * from './lower/program.js';
export { lowerKernel, type LowerOptions } from './lower/lower.js';
export { DEFAULT_UNROLL_LIMIT } from './lower/context.js';
export * from './backend.js';
export { evaluate } from './interpret/evaluate.js';
export { referenceRun, type ReferenceRunOptions } from './interpret/reference.js';
