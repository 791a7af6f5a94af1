/**
 * @symtensor/lazytensor: the user API of symtensor. Dense `Tensor`s living on a backend's device,
 * `LazyTensor`s (`Vi`, `Vj`, `Pm`, operators, reductions over a named index), `genred` for KeOps
 * formula strings, reverse-mode autograd mirroring `torch.autograd.grad`, and backend selection
 * (the CPU backend is the default).
 */

export {
  type Backend,
  BackendUnavailableError,
  DTypeError,
  type Ranges,
  ShapeError,
  SymtensorError,
  UnsupportedError,
  ValueError,
} from '@symtensor/core-ir';
export {
  type CustomForwardResult,
  type CustomOpContext,
  type CustomOpDefinition,
  customOp,
} from './autograd/custom-op.js';
export { type GradOptions, grad } from './autograd/grad.js';
export { noGrad } from './autograd/mode.js';
export { type ValueAndGradOptions, valueAndGrad } from './autograd/value-and-grad.js';
export { getBackend, useBackend } from './backend/registry.js';
export { type GenredFunction, type GenredOptions, genred } from './genred.js';
export { type Axis, type LazyOperand, LazyTensor } from './lazy/lazytensor.js';
export { Pm, Vi, Vj } from './lazy/leaves.js';
export type { LazyReductionOptions } from './lazy/reduce.js';
export { keep, tidy } from './memory/scope.js';
export { type MemoryReport, memory } from './memory/stats.js';
export { concat } from './ops/concat.js';
export { where } from './ops/elementwise.js';
export { MATMUL_PARAM_LIMIT } from './ops/matmul.js';
export type { ReduceOptions } from './ops/reduce.js';
export { scatterAdd } from './ops/scatter.js';
export {
  arange,
  full,
  ones,
  type RandomOptions,
  rand,
  randn,
  type TensorData,
  type TensorOptions,
  tensor,
  zeros,
} from './tensor/create.js';
export type { HostArray, TensorDType } from './tensor/dtype.js';
export type { NestedArray } from './tensor/nested.js';
export { manualSeed } from './tensor/random.js';
export { Tensor, type TensorLike } from './tensor/tensor.js';
