/**
 * The named elementwise ops of tensors: arithmetic, math, comparisons and selection, each a formula
 * of core-ir run by `elementwise` (NumPy broadcasting, numbers as scalars, autograd).
 */
import * as C from '@symtensor/core-ir';
import { ShapeError, ValueError } from '@symtensor/core-ir';
import type { Tensor } from '../tensor/tensor.js';
import { elementwise, type Operand } from './map.js';
import { checkTensor } from './operands.js';
import { sum } from './reduce.js';

type Unary = (a: C.Formula) => C.Formula;
type Binary = (a: C.Formula, b: C.Formula) => C.Formula;

const unary = (name: string, f: Unary) => (t: Tensor) =>
  elementwise(name, [checkTensor(t, `${name}(x)`)], ([a]) => f(a!));
const binary = (name: string, f: Binary) => (a: Tensor, b: Operand) =>
  elementwise(name, [checkTensor(a, `${name}(a)`), checkOperand(b, `${name}(b)`)], ([x, y]) => f(x!, y!));

function checkOperand(v: Operand, what: string): Operand {
  return typeof v === 'number' ? v : checkTensor(v, what);
}

export const add = binary('add', C.add);
export const sub = binary('sub', C.sub);
export const mul = binary('mul', C.mul);
export const div = binary('div', C.div);
export const atan2 = binary('atan2', C.atan2);
/** 1 where a < b, else 0. */
export const lt = binary('lt', C.lessThan);
export const le = binary('le', C.lessOrEqual);
export const gt = binary('gt', C.greaterThan);
export const ge = binary('ge', C.greaterOrEqual);
export const eq = binary('eq', C.equal);
export const ne = binary('ne', C.notEqual);
/** The smaller of a and b (a on ties). */
export const minimum = binary('minimum', (a, b) => C.ifElse(C.sub(b, a), a, b));
/** The larger of a and b (a on ties). */
export const maximum = binary('maximum', (a, b) => C.ifElse(C.sub(a, b), a, b));

export const neg = unary('neg', C.minus);
export const abs = unary('abs', C.abs);
export const exp = unary('exp', C.exp);
export const log = unary('log', C.log);
export const sqrt = unary('sqrt', C.sqrt);
export const rsqrt = unary('rsqrt', C.rsqrt);
export const square = unary('square', C.square);
export const relu = unary('relu', C.relu);
export const sign = unary('sign', C.sign);
export const step = unary('step', C.step);
export const sin = unary('sin', C.sin);
export const cos = unary('cos', C.cos);
export const floor = unary('floor', C.floor);
/** 1 / (1 + exp(-x)). */
export const sigmoid = unary('sigmoid', (x) => C.inv(C.add(C.intCst(1), C.exp(C.minus(x)))));

/** x^e: an integer number e is exact repeated multiplication; otherwise x^e = exp(e log x). */
export function pow(x: Tensor, e: Operand): Tensor {
  checkTensor(x, 'pow(x)');
  if (typeof e === 'number' && Number.isSafeInteger(e)) return elementwise('pow', [x], ([a]) => C.pow(a!, e));
  return elementwise('pow', [x, checkOperand(e, 'pow(exponent)')], ([a, b]) => C.powf(a!, b!));
}

/** Rounds to `decimals` digits, halves away from zero. */
export function round(x: Tensor, decimals = 0): Tensor {
  if (!Number.isInteger(decimals))
    throw new ValueError(`round(decimals): decimals must be an integer, got ${decimals}`);
  return elementwise('round', [checkTensor(x, 'round(x)')], ([a]) => C.round(a!, decimals));
}

/** x clamped to [lo, hi]. */
export function clamp(x: Tensor, lo: Operand, hi: Operand): Tensor {
  checkTensor(x, 'clamp(x)');
  if (typeof lo === 'number' && typeof hi === 'number' && lo > hi)
    throw new ValueError(`clamp(lo, hi): lo = ${lo} is above hi = ${hi}; swap them`);
  return elementwise(
    'clamp',
    [x, checkOperand(lo, 'clamp(lo)'), checkOperand(hi, 'clamp(hi)')],
    ([a, l, h]) => C.clamp(a!, l!, h!),
  );
}

/** a where `cond` is non-zero, b elsewhere (all three broadcast; `cond` is a float tensor, e.g. from lt). */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  return elementwise(
    'where',
    [checkTensor(cond, 'where(cond)'), checkOperand(a, 'where(a)'), checkOperand(b, 'where(b)')],
    ([c, x, y]) => C.ifElse(C.sub(C.notEqual(c!, C.zero(1)), C.ratCst(1, 2)), x!, y!),
  );
}

/** Dot product of two 1-D tensors of equal length (a scalar tensor). */
export function dot(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'dot(a)');
  checkTensor(b, 'dot(b)');
  if (a.rank !== 1 || b.rank !== 1 || a.size !== b.size)
    throw new ShapeError(
      `dot(a, b) takes two 1-D tensors of equal length, got [${a.shape}] and [${b.shape}]; use matmul for matrices`,
    );
  return sum(mul(a, b));
}
