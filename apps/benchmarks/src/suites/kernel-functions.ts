/**
 * The radial kernels of the kernel-product suites, each stated once as a core-ir formula (what the
 * backends compile) and as a float64 JavaScript function (what the naive baseline calls), both of
 * the squared distance r2 = |x - y|^2 and the scale s.
 */
import { add, exp, type Formula, floatCst, intCst, inv, minus, mul, rsqrt, sqrt } from '@symtensor/core-ir';

export type KernelName = 'gaussian' | 'laplace' | 'cauchy' | 'imq';

export interface KernelFunction {
  readonly name: KernelName;
  readonly title: string;
  /** k(x, y) as written in the report. */
  readonly text: string;
  formula(r2: Formula, s: number): Formula;
  scalar(s: number): (r2: number) => number;
}

export const KERNEL_FUNCTIONS: readonly KernelFunction[] = [
  {
    name: 'gaussian',
    title: 'Gaussian kernel product',
    text: 'exp(-|x-y|^2 / (2 s^2))',
    formula: (r2, s) => exp(mul(floatCst(-1 / (2 * s * s)), r2)),
    scalar: (s) => {
      const g = 1 / (2 * s * s);
      return (r2) => Math.exp(-g * r2);
    },
  },
  {
    name: 'laplace',
    title: 'Laplace kernel product',
    text: 'exp(-|x-y| / s)',
    formula: (r2, s) => exp(minus(mul(floatCst(1 / s), sqrt(r2)))),
    scalar: (s) => {
      const g = 1 / s;
      return (r2) => Math.exp(-g * Math.sqrt(r2));
    },
  },
  {
    name: 'cauchy',
    title: 'Cauchy kernel product',
    text: '1 / (1 + |x-y|^2 / s^2)',
    formula: (r2, s) => inv(add(intCst(1), mul(floatCst(1 / (s * s)), r2))),
    scalar: (s) => {
      const g = 1 / (s * s);
      return (r2) => 1 / (1 + g * r2);
    },
  },
  {
    name: 'imq',
    title: 'Inverse multiquadric kernel product',
    text: '1 / sqrt(1 + |x-y|^2 / s^2)',
    formula: (r2, s) => rsqrt(add(intCst(1), mul(floatCst(1 / (s * s)), r2))),
    scalar: (s) => {
      const g = 1 / (s * s);
      return (r2) => 1 / Math.sqrt(1 + g * r2);
    },
  },
];
