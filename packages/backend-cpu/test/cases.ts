/** Kernels the tests run, each with fresh seeded inputs: Gaussian sums, LogSumExp, extrema, maps, ranges, batch. */
import {
  abs,
  exp,
  type Formula,
  mapSpec,
  minus,
  mul,
  Reduction,
  reductionSpec,
  relu,
  sin,
  sqDist,
  sub,
  variable,
} from '@symtensor/core-ir';
import { type Case, gridArray, randomArray } from './helpers.js';

type D = 'float32' | 'float64';
export interface NamedCase {
  name: string;
  make: (dtype: D, rand: () => number) => Case;
}

const X3 = variable(0, 3, 'i');
const Y3 = variable(1, 3, 'j');
const B1 = variable(2, 1, 'j');
const G = variable(3, 1, 'p');

/** exp(-g |x_i - y_j|^2) b_j */
const gaussian = mul(exp(mul(minus(G), sqDist(X3, Y3))), B1);

function red(
  formula: Formula,
  reduction: Reduction,
  dtype: D,
  extra: { axis?: 'i' | 'j'; k?: number; weight?: Formula } = {},
) {
  return reductionSpec({ formula, reduction, axis: extra.axis ?? 'j', dtype, ...extra });
}

/** A parameter array of the dtype. */
function param(dtype: D, ...values: number[]) {
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

/** Gaussian kernel product inputs: x [nx,3], y [ny,3], b [ny] positive, g = 2. */
function gaussArgs(dtype: D, rand: () => number, nx: number, ny: number) {
  return [
    randomArray(dtype, nx * 3, rand),
    randomArray(dtype, ny * 3, rand),
    randomArray(dtype, ny, rand, 0.1, 1),
    param(dtype, 2),
  ];
}

/**
 * Four clusters of rows: rows 90-120 in none, rows 20-60 in two (their ranges add up), and
 * adjacent reduced ranges within a cluster (overlap inside one cluster is refused by planRun).
 */
export function ranges(rows: number, reduced: number) {
  return {
    rows: Int32Array.from([0, 40, 40, 90, 120, rows, 20, 60]),
    slices: Int32Array.from([2, 3, 5, 6]),
    redRanges: Int32Array.from([0, 50, 60, 120, 200, reduced, 10, 20, 20, 25, 250, 280]),
  };
}

export const CASES: NamedCase[] = [
  {
    name: 'Gaussian kernel sum (axis j)',
    make: (dtype, rand) => ({
      spec: red(gaussian, Reduction.Sum, dtype),
      args: gaussArgs(dtype, rand, 137, 1500),
      nx: 137,
      ny: 1500,
    }),
  },
  {
    name: 'Gaussian sum with a float64 accumulator',
    make: (dtype, rand) => ({
      spec: reductionSpec({
        formula: gaussian,
        reduction: Reduction.Sum,
        axis: 'j',
        dtype,
        accumulator: 'float64',
      }),
      args: gaussArgs(dtype, rand, 64, 900),
      nx: 64,
      ny: 900,
    }),
  },
  {
    name: 'vector sum over axis i',
    make: (dtype, rand) => {
      const a = variable(2, 2, 'i');
      const f = mul(exp(minus(sqDist(X3, Y3))), a);
      return {
        spec: red(f, Reduction.Sum, dtype, { axis: 'i' }),
        args: [
          randomArray(dtype, 700 * 3, rand),
          randomArray(dtype, 90 * 3, rand),
          randomArray(dtype, 700 * 2, rand, 0.1, 1),
        ],
        nx: 700,
        ny: 90,
      };
    },
  },
  {
    name: 'LogSumExp with a vector weight',
    make: (dtype, rand) => {
      const w = variable(2, 2, 'j');
      return {
        spec: red(mul(minus(G), sqDist(X3, Y3)), Reduction.LogSumExp, dtype, { weight: w }),
        args: [
          randomArray(dtype, 50 * 3, rand, -3, 3),
          randomArray(dtype, 2500 * 3, rand, -3, 3),
          randomArray(dtype, 2500 * 2, rand, 0.1, 1),
          param(dtype, 30),
        ],
        nx: 50,
        ny: 2500,
      };
    },
  },
  {
    name: 'SumSoftMaxWeight',
    make: (dtype, rand) => ({
      spec: red(minus(sqDist(X3, Y3)), Reduction.SumSoftMaxWeight, dtype, { weight: variable(2, 3, 'j') }),
      args: [
        randomArray(dtype, 40 * 3, rand),
        randomArray(dtype, 800 * 3, rand),
        randomArray(dtype, 800 * 3, rand),
      ],
      nx: 40,
      ny: 800,
    }),
  },
  {
    name: 'MinArgMin of squared distances (grid data, exact ties)',
    make: (dtype, rand) => ({
      spec: red(sqDist(X3, Y3), Reduction.MinArgMin, dtype),
      args: [gridArray(dtype, 120 * 3, rand), gridArray(dtype, 1000 * 3, rand)],
      nx: 120,
      ny: 1000,
    }),
  },
  {
    name: 'MaxArgMax of a vector, axis i',
    make: (dtype, rand) => ({
      spec: red(abs(sub(X3, Y3)), Reduction.MaxArgMax, dtype, { axis: 'i' }),
      args: [gridArray(dtype, 900 * 3, rand), gridArray(dtype, 70 * 3, rand)],
      nx: 900,
      ny: 70,
    }),
  },
  {
    name: 'KMinArgKMin, K = 5 (unrolled state)',
    make: (dtype, rand) => ({
      spec: red(sqDist(X3, Y3), Reduction.KMinArgKMin, dtype, { k: 5 }),
      args: [gridArray(dtype, 80 * 3, rand), gridArray(dtype, 700 * 3, rand)],
      nx: 80,
      ny: 700,
    }),
  },
  {
    name: 'ArgKMin, K = 7 on a 3-vector (looped state)',
    make: (dtype, rand) => ({
      spec: red(abs(sub(X3, Y3)), Reduction.ArgKMin, dtype, { k: 7 }),
      args: [gridArray(dtype, 60 * 3, rand), gridArray(dtype, 500 * 3, rand)],
      nx: 60,
      ny: 500,
    }),
  },
  {
    name: 'Sum over dim 40 (looped code)',
    make: (dtype, rand) => {
      const x = variable(0, 40, 'i');
      const y = variable(1, 40, 'j');
      return {
        spec: red(exp(mul(minus(G), sqDist(x, y))), Reduction.Sum, dtype),
        args: [
          randomArray(dtype, 70 * 40, rand),
          randomArray(dtype, 300 * 40, rand),
          undefined,
          param(dtype, 0.05),
        ],
        nx: 70,
        ny: 300,
      };
    },
  },
  {
    name: 'map kernel',
    make: (dtype, rand) => {
      const x = variable(0, 3, 'i');
      return {
        spec: mapSpec({ formula: mul(exp(x), sin(x)), dtype }),
        args: [randomArray(dtype, 333 * 3, rand)],
        nx: 333,
        ny: 0,
      };
    },
  },
  {
    name: 'map kernel with a parameter',
    make: (dtype, rand) => ({
      spec: mapSpec({ formula: relu(sub(X3, variable(1, 3, 'p'))), dtype }),
      args: [randomArray(dtype, 200 * 3, rand), randomArray(dtype, 3, rand)],
      nx: 200,
      ny: 0,
    }),
  },
  {
    name: 'Gaussian sum with ranges (uncovered rows, rows in two clusters)',
    make: (dtype, rand) => ({
      spec: red(gaussian, Reduction.Sum, dtype),
      args: gaussArgs(dtype, rand, 150, 300),
      nx: 150,
      ny: 300,
      ranges: ranges(150, 300),
    }),
  },
  {
    name: 'MinArgMin with ranges',
    make: (dtype, rand) => ({
      spec: red(sqDist(X3, Y3), Reduction.MinArgMin, dtype),
      args: [gridArray(dtype, 150 * 3, rand), gridArray(dtype, 300 * 3, rand)],
      nx: 150,
      ny: 300,
      ranges: ranges(150, 300),
    }),
  },
  {
    name: 'batched Gaussian sum with broadcasting',
    make: (dtype, rand) => ({
      spec: red(gaussian, Reduction.Sum, dtype),
      // x per first batch dim, y per second, b per entry, g per first: every broadcast pattern.
      args: [
        randomArray(dtype, 2 * 30 * 3, rand),
        randomArray(dtype, 3 * 200 * 3, rand),
        randomArray(dtype, 6 * 200, rand, 0.1, 1),
        param(dtype, 1, 3),
      ],
      nx: 30,
      ny: 200,
      batch: [2, 3],
      argBatch: [
        [2, 1],
        [1, 3],
        [2, 3],
        [2, 1],
      ],
    }),
  },
  {
    name: 'batched ArgMin with ranges',
    make: (dtype, rand) => ({
      spec: red(sqDist(X3, Y3), Reduction.ArgMin, dtype),
      args: [gridArray(dtype, 3 * 150 * 3, rand), gridArray(dtype, 300 * 3, rand)],
      nx: 150,
      ny: 300,
      batch: [3],
      argBatch: [[3], [1]],
      ranges: ranges(150, 300),
    }),
  },
  {
    name: 'empty reduction (ny = 0)',
    make: (dtype, rand) => ({
      spec: red(sqDist(X3, Y3), Reduction.MinArgMin, dtype),
      args: [randomArray(dtype, 5 * 3, rand), randomArray(dtype, 0, rand)],
      nx: 5,
      ny: 0,
    }),
  },
];
