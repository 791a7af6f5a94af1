/**
 * Shared vocabulary of the suite's test catalogue: a test, a group of tests, and helpers that
 * build reduction cases for either axis.
 */
import type { Backend } from '../../backend.js';
import type { FloatDType } from '../../dtype.js';
import { variable } from '../../formula/build.js';
import type { Formula } from '../../formula/formula.js';
import { reductionSpec } from '../../kernel/spec.js';
import type { Reduction } from '../../reductions/types.js';
import type { Rng } from '../random.js';
import { type Case, runCase } from '../run-case.js';

export interface TestContext {
  readonly backend: Backend;
  readonly dtype: FloatDType;
  /** This test's own generator (seeded from its name). */
  readonly rng: Rng;
  /** The suite's backend factory, for tests that need a backend of their own. */
  readonly makeBackend: () => Backend | Promise<Backend>;
  /** Marks the test skipped (a feature the backend does not list), with the reason. */
  readonly skip: (reason: string) => void;
}

export interface ConformanceTest {
  readonly name: string;
  run(ctx: TestContext): Promise<void>;
}

export interface TestGroup {
  readonly name: string;
  /** Groups that run once, not once per dtype (the dtype given is the first one listed). */
  readonly once?: boolean;
  /** Only for these dtypes. */
  readonly dtypes?: readonly FloatDType[];
  readonly tests: readonly ConformanceTest[];
}

/** A test made of cases run one after the other on the suite's backend. */
export function casesTest(name: string, cases: readonly Case[]): ConformanceTest {
  return {
    name,
    async run({ backend, dtype, rng }) {
      for (const c of cases) await runCase(backend, c, dtype, rng);
    },
  };
}

/** Runs `test` only on backends that list float64 (skipped, visibly, elsewhere). */
export function needsFloat64(test: ConformanceTest): ConformanceTest {
  return {
    name: test.name,
    async run(ctx) {
      if (!ctx.backend.dtypes.includes('float64'))
        return ctx.skip(`${ctx.backend.name} does not list float64`);
      await test.run(ctx);
    },
  };
}

export type Axis = 'i' | 'j';
export const AXES: readonly Axis[] = ['j', 'i'];

/**
 * Variables of a reduction over `axis`: `row(pos, dim)` is indexed by the output rows, `red(pos,
 * dim)` by the reduced index (so one formula builder serves both axes).
 */
export function axisVars(axis: Axis) {
  const rowCat = axis === 'j' ? 'i' : 'j';
  return {
    row: (pos: number, dim: number) => variable(pos, dim, rowCat),
    red: (pos: number, dim: number) => variable(pos, dim, axis),
  };
}

export interface ReductionCaseInit extends Omit<Case, 'spec' | 'nx' | 'ny'> {
  readonly reduction: Reduction;
  readonly axis: Axis;
  /** Output rows and reduced indices (per batch entry). */
  readonly rows: number;
  readonly reduced: number;
  readonly formula: Formula;
  readonly weight?: Formula;
  readonly k?: number;
  readonly accumulator?: FloatDType;
}

export function reductionCase(init: ReductionCaseInit): Case {
  const { reduction, axis, rows, reduced, formula, weight, k, accumulator, ...rest } = init;
  return {
    ...rest,
    nx: axis === 'j' ? rows : reduced,
    ny: axis === 'j' ? reduced : rows,
    spec: (dtype) =>
      reductionSpec({
        formula,
        reduction,
        axis,
        dtype,
        ...(weight ? { weight } : {}),
        ...(k !== undefined ? { k } : {}),
        ...(accumulator ? { accumulator } : {}),
      }),
  };
}
