/**
 * NaN and infinities: every reduction on both axes with inputs sprinkled with NaN and ±Infinity,
 * and a map of each elementwise op over special values (±0, ±Infinity, NaN, halves, values
 * outside the op's domain). NaN-ness and infinities must match the reference exactly.
 *
 * Powf and Atan2 are left out of the special-value maps: their IEEE edge cases (pow(1, NaN),
 * atan2(±0, ±0)) differ between C, WGSL and JavaScript and are not part of the contract.
 */
import { apply, variable } from '../../formula/build.js';
import { mapSpec } from '../../kernel/spec.js';
import { Op } from '../../ops/types.js';
import type { Reduction } from '../../reductions/types.js';
import { type Domain, mixed, STANDARD, values } from '../domain.js';
import type { Case } from '../run-case.js';
import { AXES, type Axis, type ConformanceTest, casesTest, reductionCase, type TestGroup } from './common.js';
import { REDUCTIONS, standardFormula } from './reductions.js';

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;
const SPECIALS = [NAN, INF, -INF];

/** Special values for op maps: signed zeros, infinities, NaN, halves (for rounding), +-1, 2. */
const EDGES: Domain = values(NAN, INF, -INF, 0, -0, 0.5, -0.5, 1, -1, 2, -2.5, 3.5, 0.9);

function specialReductionTest(r: Reduction, axis: Axis): ConformanceTest {
  const sprinkled = (rate: number) => {
    const d = mixed(STANDARD, SPECIALS, rate);
    return { 0: d, 1: d, 2: d };
  };
  const cases: Case[] = [
    reductionCase({
      label: '8% specials, D=3',
      reduction: r,
      axis,
      rows: 9,
      reduced: 13,
      ...standardFormula(r, axis, 3),
      domains: sprinkled(0.08),
    }),
    reductionCase({
      label: '30% specials, D=1',
      reduction: r,
      axis,
      rows: 9,
      reduced: 6,
      ...standardFormula(r, axis, 1),
      domains: sprinkled(0.3),
    }),
  ];
  return casesTest(`${r} over ${axis}`, cases);
}

/** Ops mapped over special values, with their operand count and static attributes. */
const EDGE_OPS: readonly { op: Op; arity: number; attrs?: number[]; label?: string }[] = [
  ...[
    Op.Minus,
    Op.Inv,
    Op.Exp,
    Op.Log,
    Op.XLogX,
    Op.Sin,
    Op.Cos,
    Op.SinXDivX,
    Op.Asin,
    Op.Acos,
    Op.Atan,
    Op.Sqrt,
    Op.Rsqrt,
    Op.Square,
    Op.Abs,
    Op.ReLU,
    Op.Sign,
    Op.Step,
    Op.Floor,
    Op.Sum,
    Op.Max,
    Op.Min,
    Op.ArgMax,
    Op.ArgMin,
    Op.SqNorm2,
    Op.Norm2,
  ].map((op) => ({ op, arity: 1 })),
  { op: Op.Pow, arity: 1, attrs: [3] },
  { op: Op.Round, arity: 1, attrs: [0], label: 'Round(d=0)' },
  { op: Op.Round, arity: 1, attrs: [2], label: 'Round(d=2)' },
  { op: Op.ClampInt, arity: 1, attrs: [-1, 1] },
  ...[
    Op.Add,
    Op.Subtract,
    Op.Mult,
    Op.Divide,
    Op.LessThan,
    Op.LessOrEqual,
    Op.Equal,
    Op.NotEqual,
    Op.Scalprod,
    Op.SqDist,
  ].map((op) => ({ op, arity: 2 })),
  { op: Op.Clamp, arity: 3 },
  { op: Op.IfElse, arity: 3 },
];

function edgeMapTests(): ConformanceTest[] {
  return EDGE_OPS.map(({ op, arity, attrs, label }) => {
    const args = Array.from({ length: arity }, (_, k) => variable(k, 3, 'i'));
    const formula = apply(op, args, attrs ?? []);
    const domains: Record<number, Domain> = {};
    for (let k = 0; k < arity; k++) domains[k] = EDGES;
    const name = `${label ?? op} on special values (map)`;
    return casesTest(name, [
      { label: name, nx: 24, ny: 0, domains, spec: (dtype) => mapSpec({ formula, dtype }) },
    ]);
  });
}

export function specialValuesGroup(): TestGroup {
  return {
    name: 'NaN and infinities',
    tests: [
      ...edgeMapTests(),
      ...REDUCTIONS.flatMap((r) => AXES.map((axis) => specialReductionTest(r, axis))),
    ],
  };
}
