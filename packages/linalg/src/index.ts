/**
 * @symtensor/linalg: LinearOperators over symbolic kernel matrices, conjugate gradient and
 * differentiable kernel solves, a Nystrom preconditioner, and a Lanczos eigensolver. Depends on
 * `@symtensor/lazytensor` only: it runs on whatever backend the user selected.
 */
export {
  type CGBreakdown,
  type CGIterationInfo,
  type CGOptions,
  type CGReason,
  type CGResult,
  cg,
} from './cg.js';
export { scaleOperator, shiftOperator, sumOperators } from './compose.js';
export { type EigshOptions, type EigshResult, eigsh, type Which } from './eigsh.js';
export {
  type AdjointReason,
  type AdjointReport,
  type KernelSolveOptions,
  type KernelSolveResult,
  kernelSolve,
} from './kernel-solve.js';
export {
  aslinearoperator,
  type FloatDType,
  type LazyOperatorOptions,
  LinearOperator,
  type LinearOperatorInit,
} from './linear-operator.js';
export { type NystromOptions, type NystromPreconditioner, nystromPreconditioner } from './nystrom.js';
