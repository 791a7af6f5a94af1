import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, SymtensorError, ValueError } from '../src/errors.js';
import * as B from '../src/formula/build.js';
import type { Formula } from '../src/formula/formula.js';
import { Op } from '../src/ops/types.js';
import { MAX_NESTING, parseAliases, parseFormula, printFormula } from '../src/parse/index.js';

// Aliases shared by many tests: the KeOps Gaussian-kernel example plus a few extra shapes.
const ALIASES = ['X = Vi(3)', 'Y = Vj(3)', 'G = Pm(1)', 'C = Vj(1)', 'S = Pm(9)', 'A = Vi(1)', 'M = Pm(6)'];
const X = B.variable(0, 3, 'i');
const Y = B.variable(1, 3, 'j');
const G = B.variable(2, 1, 'p');
const C = B.variable(3, 1, 'j');

function parse(text: string): Formula {
  return parseFormula(text, ALIASES);
}

/** Asserts that `run` throws a ParseError at `column` whose reason matches `reason`. */
function expectParseError(run: () => unknown, column: number, reason: RegExp): ParseError {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ParseError);
  const err = caught as ParseError;
  expect(err.reason).toMatch(reason);
  expect(err.column).toBe(column);
  return err;
}

function roundTrip(f: Formula): void {
  const text = printFormula(f);
  const back = parseFormula(text);
  expect(back.key, text).toBe(f.key);
  // Hash-consing: the same key means the very same node.
  expect(back).toBe(f);
}

/** Outcome of parsing arbitrary text: a Formula or a well-formed ParseError, nothing else. */
function expectFormulaOrParseError(text: string, aliases: readonly string[] = ALIASES): void {
  let result: unknown;
  try {
    result = parseFormula(text, aliases);
  } catch (e) {
    if (!(e instanceof ParseError))
      throw new Error(`non-ParseError for ${JSON.stringify(text)}: ${String(e)}`);
    expect(e.reason).not.toMatch(/^internal error/);
    expect(e.input).toBe(text);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeLessThanOrEqual([...text].length + 1);
    return;
  }
  expect(typeof (result as Formula).key).toBe('string');
}

describe('parseFormula: syntax', () => {
  it('parses the KeOps Gaussian kernel into the constructor-built formula', () => {
    const f = parse('Exp(-G*SqDist(X,Y))*C');
    // Unary minus binds tighter than '*', as in Python: -G*D is (-G)*D.
    const expected = B.mul(B.exp(B.mul(B.minus(G), B.sqDist(X, Y))), C);
    expect(f).toBe(expected);
    expect(f.dim).toBe(1);
  });

  it('gives * and / precedence over + and -, all left associative', () => {
    expect(parse('X + Y * C')).toBe(B.add(X, B.mul(Y, C)));
    expect(parse('X - Y - C')).toBe(B.sub(B.sub(X, Y), C));
    expect(parse('X - (Y - C)')).toBe(B.sub(X, B.sub(Y, C)));
    expect(parse('X / Y / C')).toBe(B.div(B.div(X, Y), C));
    expect(parse('X * Y / C')).toBe(B.div(B.mul(X, Y), C));
  });

  it('gives | (Scalprod) lower precedence than + and -, like Python', () => {
    expect(parse('X | Y')).toBe(B.scalprod(X, Y));
    expect(parse('(X|Y)')).toBe(B.scalprod(X, Y));
    expect(parse('X | Y + X')).toBe(B.scalprod(X, B.add(Y, X)));
    expect(parse('(X | Y) + G')).toBe(B.add(B.scalprod(X, Y), G));
    expect(parse('Exp(X|Y)')).toBe(B.exp(B.scalprod(X, Y)));
  });

  it('applies unary minus and plus, and folds a sign into a numeric literal', () => {
    expect(parse('-X')).toBe(B.minus(X));
    expect(parse('--X')).toBe(X);
    expect(parse('+X')).toBe(X);
    expect(parse('X * -Y')).toBe(B.mul(X, B.minus(Y)));
    expect(parse('-2*X')).toBe(B.mul(B.intCst(-2), X));
    // -0.0 is the float negative zero; -(0.0) is Minus of the exact zero, which is zero.
    expect(parse('-0.0')).toBe(B.floatCst(-0));
    expect(parse('-(0.0)')).toBe(B.zero(1));
    expect(parse('-Inf')).toBe(B.floatCst(Number.NEGATIVE_INFINITY));
  });

  it('reads integer literals as exact constants and decimal or exponent literals as floats', () => {
    expect(parse('3')).toBe(B.intCst(3));
    expect(parse('0')).toBe(B.zero(1));
    expect(parse('2.5')).toBe(B.floatCst(2.5));
    expect(parse('.5')).toBe(B.floatCst(0.5));
    expect(parse('1.')).toBe(B.intCst(1));
    expect(parse('1e-3')).toBe(B.floatCst(1e-3));
    expect(parse('2.5E+10')).toBe(B.floatCst(2.5e10));
    expect(parse('NaN')).toBe(B.floatCst(Number.NaN));
    expect(parse('Inf')).toBe(B.floatCst(Number.POSITIVE_INFINITY));
    // Exact arithmetic on integers: 1/3 stays a rational.
    expect(parse('1/3')).toBe(B.ratCst(1, 3));
    expect(parse('X/2')).toBe(B.mul(B.ratCst(1, 2), X));
  });

  it('accepts the constant and variable forms IntCst, RatCst, IntInv, Zero and Var', () => {
    expect(parse('IntCst(-4)')).toBe(B.intCst(-4));
    expect(parse('RatCst(2,-6)')).toBe(B.ratCst(-1, 3));
    expect(parse('IntInv(7)')).toBe(B.ratCst(1, 7));
    expect(parse('Zero(4)')).toBe(B.zero(4));
    expect(parseFormula('Var(0,3,0) - Var(1,3,1) + Var(2,1,2)')).toBe(
      B.add(B.sub(B.variable(0, 3, 'i'), B.variable(1, 3, 'j')), B.variable(2, 1, 'p')),
    );
  });

  it('parses static integer arguments and the KeOps helpers', () => {
    expect(parse('Pow(X, 3)')).toBe(B.pow(X, 3));
    expect(parse('Pow(X, -1)')).toBe(B.pow(X, -1));
    expect(parse('Round(X, 2)')).toBe(B.round(X, 2));
    expect(parse('ClampInt(X, -1, 1)')).toBe(B.clampInt(X, -1, 1));
    expect(parse('Elem(X, 1)')).toBe(B.elem(X, 1));
    expect(parse('ElemT(G, 4, 2)')).toBe(B.elemT(G, 4, 2));
    expect(parse('Extract(X, 0, 2)')).toBe(B.extract(X, 0, 2));
    expect(parse('ExtractT(X, 1, 5)')).toBe(B.extractT(X, 1, 5));
    expect(parse('OneHot(G, 4)')).toBe(B.oneHot(G, 4));
    expect(parse('SumT(G, 3)')).toBe(B.sumT(G, 3));
    expect(parse('Mod(X, G)')).toBe(B.mod(X, G));
    expect(parse('Mod(X, G, C)')).toBe(B.mod(X, G, C));
    expect(parse('Normalize(X)')).toBe(B.normalize(X));
    expect(parse('WeightedSqDist(S, X, Y)')).toBe(B.weightedSqDist(parse('S'), X, Y));
    expect(parse('Sum(X*Y)')).toBe(B.scalprod(X, Y));
  });

  it('parses TensorDot with tuples, bare integers and an optional permutation', () => {
    const S = parse('S');
    expect(parse('TensorDot(S, X, (3,3), (3,), (1,), (0,))')).toBe(B.tensorDot(S, X, [3, 3], [3], [1], [0]));
    expect(parse('TensorDot(S, X, (3, 3), 3, 1, 0)')).toBe(B.tensorDot(S, X, [3, 3], [3], [1], [0]));
    expect(parse('TensorDot(X, Y, (3,), (3,), (), ())')).toBe(B.tensorDot(X, Y, [3], [3], [], []));
    expect(parse('TensorDot(X, Y, (3,), (3,), (), (), (1, 0))')).toBe(
      B.tensorDot(X, Y, [3], [3], [], [], [1, 0]),
    );
    expect(parse('TensorDot(X, Y, (3,), (3,), (), (), (1, 0))').dim).toBe(9);
  });

  it('makes every op of the Op enum callable by its KeOps name (FloatCst is written as a number)', () => {
    // One example call per op; an op added to the enum without an example fails here on purpose.
    const examples: Partial<Record<Op, string>> = {
      [Op.Var]: 'Var(0,3,0)',
      [Op.Zero]: 'Zero(2)',
      [Op.IntCst]: 'IntCst(5)',
      [Op.RatCst]: 'RatCst(1,5)',
      [Op.FloatCst]: '1.5',
      [Op.Powf]: 'Powf(X, Y)',
      [Op.Atan2]: 'Atan2(X, Y)',
      [Op.Clamp]: 'Clamp(X, G, Y)',
      [Op.IfElse]: 'IfElse(X, G, Y)',
      [Op.Pow]: 'Pow(X, 3)',
      [Op.Round]: 'Round(X, 1)',
      [Op.ClampInt]: 'ClampInt(X, 0, 2)',
      [Op.WeightedSqNorm]: 'WeightedSqNorm(S, X)',
      [Op.Elem]: 'Elem(X, 2)',
      [Op.ElemT]: 'ElemT(G, 3, 0)',
      [Op.Extract]: 'Extract(X, 1, 2)',
      [Op.ExtractT]: 'ExtractT(X, 0, 4)',
      [Op.OneHot]: 'OneHot(G, 3)',
      [Op.SumT]: 'SumT(G, 2)',
      [Op.MatVecMult]: 'MatVecMult(S, X)',
      [Op.VecMatMult]: 'VecMatMult(X, S)',
      [Op.TensorDot]: 'TensorDot(S, X, (3,3), (3,), (1,), (0,))',
    };
    const unary = new Set<string>([
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
    ]);
    const binary = new Set<string>([
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
      Op.Concat,
      Op.TensorProd,
    ]);
    for (const op of Object.values(Op)) {
      const text = examples[op] ?? (unary.has(op) ? `${op}(X)` : binary.has(op) ? `${op}(X, Y)` : undefined);
      expect(text, `no example for op ${op}`).toBeDefined();
      const f = parse(text!);
      expect(f.dim).toBeGreaterThanOrEqual(1);
      roundTrip(f);
    }
  });

  it('accepts whitespace of any kind between tokens', () => {
    expect(parse(' \tExp( -G *\n SqDist( X , Y ) ) * C ')).toBe(parse('Exp(-G*SqDist(X,Y))*C'));
  });

  it(`accepts ${MAX_NESTING} levels of nesting and long flat chains`, () => {
    const deep = `${'('.repeat(MAX_NESTING)}X${')'.repeat(MAX_NESTING)}`;
    expect(parse(deep)).toBe(X);
    const calls = `${'Exp('.repeat(MAX_NESTING)}X${')'.repeat(MAX_NESTING)}`;
    expect(parse(calls).op).toBe(Op.Exp);
    // Chains of infix operators are loops in the parser: no depth limit applies.
    const chain = Array.from({ length: 20_000 }, () => 'X').join(' + ');
    expect(parse(chain).dim).toBe(3);
    expect(parse(`${'-'.repeat(100_000)}X`)).toBe(X);
  });
});

describe('parseFormula: aliases and positions', () => {
  it('assigns implicit positions in listing order (KeOps rule)', () => {
    expect(parseAliases(['x = Vi(3)', 'y = Vj(3)', 'g = Pm(1)'])).toEqual({
      x: { cat: 'i', dim: 3, pos: 0 },
      y: { cat: 'j', dim: 3, pos: 1 },
      g: { cat: 'p', dim: 1, pos: 2 },
    });
    expect(parseFormula('y - x', { y: 'Vj(2)', x: 'Vi(2)' })).toBe(
      B.sub(B.variable(0, 2, 'j'), B.variable(1, 2, 'i')),
    );
  });

  it('honours explicit positions, also mixed with implicit ones (an implicit one takes its rank)', () => {
    expect(parseAliases(['x = Vi(3)', 'y = Vj(5,3)', 'z = Pm(1)', 'w = Var(7,2,1)'])).toEqual({
      x: { cat: 'i', dim: 3, pos: 0 },
      y: { cat: 'j', dim: 3, pos: 5 },
      z: { cat: 'p', dim: 1, pos: 2 },
      w: { cat: 'j', dim: 2, pos: 7 },
    });
    expect(parseAliases({ p: 'Pm(2,1)', q: 'Vi(0, 4)' })).toEqual({
      p: { cat: 'p', dim: 1, pos: 2 },
      q: { cat: 'i', dim: 4, pos: 0 },
    });
  });

  it('takes object specs, with or without a position', () => {
    const f = parseFormula('SqDist(x, y) * g', {
      x: { cat: 'i', dim: 3 },
      y: { cat: 'j', dim: 3, pos: 4 },
      g: 'Pm(1)',
    });
    expect(f).toBe(B.mul(B.sqDist(B.variable(0, 3, 'i'), B.variable(4, 3, 'j')), B.variable(2, 1, 'p')));
  });

  it('lets two aliases share a position when they agree, and inline Vars use aliased slots', () => {
    expect(parseFormula('a + b', ['a = Vi(0,2)', 'b = Vi(0,2)'])).toBe(
      B.mul(B.intCst(2), B.variable(0, 2, 'i')),
    );
    expect(parse('X - Var(0,3,0)')).toBe(B.zero(3));
  });

  it('stores names that shadow Object.prototype members as plain data', () => {
    const parsed = parseAliases(['constructor = Vi(1)', '__proto__ = Vj(1)', 'toString = Pm(1)']);
    expect(Object.keys(parsed)).toEqual(['constructor', '__proto__', 'toString']);
    expect(parsed.constructor).toEqual({ cat: 'i', dim: 1, pos: 0 });
    expect(parseFormula('constructor + toString', ['constructor = Vi(1)', 'toString = Pm(1)']).op).toBe(
      Op.Add,
    );
    expectParseError(() => parseFormula('constructor'), 1, /unknown variable 'constructor'/);
    expectParseError(() => parseFormula('toString(1)'), 1, /unknown function 'toString'/);
  });

  it('reports malformed alias declarations with their column', () => {
    expectParseError(() => parseAliases(['x = Vk(3)']), 5, /expected Vi, Vj, Pm or Var/);
    expectParseError(() => parseAliases(['x Vi(3)']), 3, /expected '='/);
    expectParseError(() => parseAliases(['x = Vi(2.5)']), 8, /integer arguments/);
    expectParseError(() => parseAliases(['x = Vi(0)']), 8, /dim must be >= 1/);
    expectParseError(() => parseAliases(['x = Vi(-1,3)']), 8, /position must be >= 0/);
    expectParseError(() => parseAliases(['x = Vi(1,2,3)']), 5, /takes \(dim\) or \(pos, dim\)/);
    expectParseError(() => parseAliases(['x = Var(0,3,3)']), 13, /category must be 0/);
    expectParseError(() => parseAliases(['x = Vi(3) y']), 11, /after the alias/);
    expectParseError(() => parseAliases(['x = Vi(3']), 9, /expected ',' or '\)'/);
    expectParseError(() => parseAliases(['Exp = Vi(3)']), 1, /reserved/);
    expectParseError(() => parseAliases(['NaN = Vi(3)']), 1, /reserved/);
    expectParseError(() => parseAliases(['x = Vi(3)', 'x = Vj(3)']), 1, /declared twice/);
    expectParseError(
      () => parseAliases(['x = Vi(3)', 'y = Vj(0,3)']),
      5,
      /'y = Vj\(0,3\)' takes position 0, already declared as 'x = Vi\(0,3\)'/,
    );
    expectParseError(() => parseAliases({ 'not a name': 'Vi(3)' }), 1, /not an identifier/);
    expectParseError(() => parseFormula('x', { x: { cat: 'q' as 'i', dim: 3 } }), 1, /cat must be/);
    expectParseError(
      () => parseFormula('x', { x: { cat: 'i', dim: 0 } }),
      1,
      /dim must be a positive integer/,
    );
    expectParseError(() => parseFormula('x', { x: { cat: 'i', dim: 2, pos: -1 } }), 1, /pos must be/);
  });

  it('rejects a variable position used with two categories or dims', () => {
    expectParseError(() => parseFormula('Var(0,3,0) + Var(0,3,1)'), 14, /position 0/);
    expectParseError(() => parse('X + Var(0,2,0)'), 5, /alias 'X = Vi\(0,3\)'/);
    // A declared alias claims its slot even when the formula does not use it.
    expectParseError(
      () => parseFormula('Var(1,2,0)', ['a = Vi(2)', 'b = Vj(2)']),
      1,
      /alias 'b = Vj\(1,2\)'/,
    );
  });
});

describe('parseFormula: errors carry the column of the problem', () => {
  const cases: [string, number, RegExp][] = [
    // empty input
    ['', 1, /empty formula/],
    ['   ', 1, /empty formula/],
    // unknown identifiers and functions
    ['X + Z', 5, /unknown variable 'Z'/],
    ['x', 1, /did you mean 'X'/],
    ['X + Foo(X)', 5, /unknown function 'Foo'/],
    ['exp(X)', 1, /did you mean 'Exp'\? names are case-sensitive/],
    ['Exp + 1', 1, /'Exp' is a function/],
    ['X(1)', 1, /'X' is a variable, not a function/],
    ['NaN(X)', 1, /unknown function 'NaN'/],
    ['FloatCst(1.5)', 1, /FloatCst cannot be called/],
    // wrong argument counts (at the function name)
    ['Exp(X, Y)', 1, /Exp takes 1 argument, as in Exp\(f\), got 2/],
    ['Exp()', 1, /got 0/],
    ['1 + Pow(X)', 5, /Pow takes 2 arguments, as in Pow\(f, n\), got 1/],
    ['Mod(X)', 1, /Mod takes 2 to 3 arguments, as in Mod\(x, n\[, d\]\)/],
    ['TensorDot(S, X, (3,3), (3,), (1,))', 1, /TensorDot takes 6 to 7 arguments/],
    // bad static arguments (at the argument)
    ['Pow(X, 2.5)', 8, /argument 2 \(n\) must be an integer literal, found number 2.5/],
    ['Pow(X, Y)', 8, /must be an integer literal, found name 'Y'/],
    ['Pow(X, 2*2)', 8, /not an expression/],
    ['Var(0,3,5)', 9, /argument 3 \(cat\) must be 0 \(i\), 1 \(j\) or 2 \(p\)/],
    ['Var(-1,3,0)', 5, /pos\) must be at least 0/],
    ['Zero(0)', 6, /must be at least 1/],
    ['IntInv(0)', 8, /must not be 0/],
    ['RatCst(1, 0)', 11, /must not be 0/],
    ['Pow(X, 99999999999999999999)', 8, /beyond 2\^53/],
    ['TensorDot(S, X, (3,x), (3,), (1,), (0,))', 20, /entry 2, must be an integer literal/],
    ['TensorDot(S, X, (3,3, (3,), (1,), (0,))', 23, /found '\('/],
    // unbalanced parentheses
    ['Exp(X', 4, /unclosed '\(' of Exp\(/],
    ['(X + Y', 1, /unclosed '\('/],
    ['((X)', 1, /unclosed '\('/],
    ['X + Y)', 6, /unmatched '\)'/],
    ['(X + Y Y)', 8, /expected '\)', found name 'Y'/],
    ['Exp(X Y)', 7, /expected '\)' of Exp\(, found name 'Y'/],
    // trailing garbage and misplaced tokens
    ['X Y', 3, /unexpected name 'Y' after a complete formula/],
    ['Exp(X) 2', 8, /unexpected number 2/],
    ['X = Y', 3, /unexpected '='/],
    ['X, Y', 2, /unexpected ','/],
    ['X +', 4, /found end of input/],
    ['X + * Y', 5, /found '\*'/],
    ['Exp(X,)', 7, /found '\)'/],
    // lexical errors
    ['X # Y', 3, /unexpected character "#"/],
    ['X + 😀', 5, /unexpected character "😀"/],
    ['X + 2Y', 5, /malformed number '2Y'/],
    ['1e', 1, /malformed number '1e'/],
    ['1.2.3', 1, /malformed number '1.2.3'/],
    ['X * 1e400', 5, /overflows; write Inf/],
    ['X * 1e-400', 5, /underflows/],
    ['99999999999999999999', 1, /beyond 2\^53 - 1/],
    // dimension mismatches from the constructors (at the operator or the call)
    ['X + Var(10,2,0)', 3, /'\+'.*dim/i],
    ['SqDist(X, C)', 1, /SqDist.*equal dims/],
    ['X | C', 3, /Scalprod/],
    ['Y - X * Var(10,2,1)', 7, /'\*'/],
    ['-Elem(X, 3)', 2, /Elem/],
    ['TensorDot(S, X, (3,3), (3,), (1,), ())', 1, /contf and contg must have the same length/],
    ['TensorDot(S, X, (3,2), (3,), (1,), (0,))', 1, /TensorDot/],
  ];
  for (const [text, column, reason] of cases) {
    it(`${JSON.stringify(text)} -> column ${column}`, () => {
      const err = expectParseError(() => parse(text), column, reason);
      expect(err.input).toBe(text);
    });
  }

  it('reports nesting beyond the limit as a ParseError at the first too-deep parenthesis', () => {
    const tooDeep = `${'('.repeat(MAX_NESTING + 1)}X${')'.repeat(MAX_NESTING + 1)}`;
    expectParseError(() => parse(tooDeep), MAX_NESTING + 1, /nested deeper than/);
    const calls = `${'Exp('.repeat(MAX_NESTING + 1)}X${')'.repeat(MAX_NESTING + 1)}`;
    expectParseError(() => parse(calls), 4 * (MAX_NESTING + 1), /nested deeper than/);
    // Far past the limit: still a ParseError, never a stack overflow.
    expectParseError(() => parse('('.repeat(1_000_000)), MAX_NESTING + 1, /nested deeper than/);
  });

  it('rejects a non-string formula with a ParseError', () => {
    expectParseError(() => parseFormula(42 as unknown as string), 1, /must be a string/);
  });

  it('keeps the constructor error as the cause of a dimension ParseError', () => {
    const err = expectParseError(() => parse('X + Var(10,2,0)'), 3, /dim/);
    expect(err.cause).toBeInstanceOf(SymtensorError);
  });
});

describe('printFormula', () => {
  it('prints KeOps syntax with inline variables and minimal parentheses', () => {
    expect(printFormula(parse('Exp(-G*SqDist(X,Y))*C'))).toBe(
      'Exp(-Var(2,1,2) * SqDist(Var(0,3,0), Var(1,3,1))) * Var(3,1,1)',
    );
    expect(printFormula(parse('X - (Y - C)'))).toBe('Var(0,3,0) - (Var(1,3,1) - Var(3,1,1))');
    expect(printFormula(parse('X - Y - C'))).toBe('Var(0,3,0) - Var(1,3,1) - Var(3,1,1)');
    expect(printFormula(parse('(X - Y) * C'))).toBe('(Var(0,3,0) - Var(1,3,1)) * Var(3,1,1)');
    expect(printFormula(parse('X | Y + X'))).toBe('Var(0,3,0) | Var(1,3,1) + Var(0,3,0)');
    expect(printFormula(parse('((X | Y)) + G'))).toBe('(Var(0,3,0) | Var(1,3,1)) + Var(2,1,2)');
    expect(printFormula(parse('-(X * Y)'))).toBe('-(Var(0,3,0) * Var(1,3,1))');
    expect(printFormula(parse('X - -3'))).toBe('Var(0,3,0) - (-3)');
    expect(printFormula(parse('TensorDot(X, Y, 3, 3, (), (), (1,0))'))).toBe(
      'TensorDot(Var(0,3,0), Var(1,3,1), (3,), (3,), (), (), (1, 0))',
    );
  });

  it('prints constants so that they parse back to the same node', () => {
    const constants = [
      B.intCst(7),
      B.intCst(-7),
      B.intCst(Number.MAX_SAFE_INTEGER),
      B.ratCst(-2, 3),
      B.zero(1),
      B.zero(5),
      B.floatCst(0.1),
      B.floatCst(-1.5e-300),
      B.floatCst(5e-324),
      B.floatCst(Number.MAX_VALUE),
      B.floatCst(2 ** 53 + 2),
      B.floatCst(1e21),
      B.floatCst(-0),
      B.floatCst(Number.NaN),
      B.floatCst(Number.POSITIVE_INFINITY),
      B.floatCst(Number.NEGATIVE_INFINITY),
    ];
    for (const c of constants) {
      const v = c.dim === 1 ? X : B.variable(10, c.dim, 'i');
      roundTrip(c);
      roundTrip(B.mul(c, v));
      roundTrip(B.sub(v, c));
      roundTrip(B.exp(B.add(c, v)));
    }
    expect(printFormula(B.floatCst(2 ** 53 + 2))).toBe('9007199254740994.0');
    expect(printFormula(B.floatCst(-0))).toBe('-0.0');
    expect(printFormula(B.floatCst(Number.NEGATIVE_INFINITY))).toBe('-Inf');
  });

  it('round-trips hand-written formulas', () => {
    const texts = [
      'Exp(-G*SqDist(X,Y))*C',
      'Exp(-SqDist(X,Y)/G) * C - Log(1 + Square(X|Y))',
      'Sqrt(1 + SqNorm2(X - Y)) * Normalize(Y) | X',
      'IfElse(X - Y, Clamp(X, G, Y), Mod(X, G, C)) / (1 + Abs(X))',
      'WeightedSqDist(S, X, Y) + WeightedSqNorm(G, X)',
      'MatVecMult(S, X) - VecMatMult(Y, S) + TensorProd(A, X)',
      'TensorDot(M, X, (2,3), (3,), (1,), (0,), (0,))',
      'Concat(X, Y) * 2.5e-3 - Concat(Extract(Concat(X, Y), 1, 3), Y) * NaN',
      'Powf(Abs(X), Y) + Atan2(X, Y) - Pow(Inv(X), -3) * Round(X, 2)',
      'LessThan(X, Y) + LessOrEqual(X, Y) + Equal(X, Y) - NotEqual(X, Y)',
      'SumT(Max(X) - Min(Y), 3) + OneHot(ArgMax(X) + ArgMin(Y), 3)',
      'ElemT(Elem(X, 2), 3, 1) + ExtractT(Extract(Y, 1, 2), 1, 3)',
      'XLogX(Sin(X) * Cos(Y)) + SinXDivX(Asin(X)) - Acos(Y) * Atan(X)',
      'Rsqrt(Norm2(X)) * ReLU(X) * Sign(Y) * Step(X) * Floor(Y) * ClampInt(X, -1, 1)',
      '-(-X * -Y) / -(3*C) - -0.0 * Inf - -Inf',
      'Var(7,4,2) | Var(8,4,0) * RatCst(1,3) + IntInv(9)',
    ];
    for (const text of texts) {
      const f = parse(text);
      roundTrip(f);
      // Printing is a fixed point after one round.
      expect(printFormula(parseFormula(printFormula(f)))).toBe(printFormula(f));
    }
  });

  it('prints formulas thousands of levels deep without recursion', () => {
    let chain: Formula = B.variable(0, 1, 'i');
    for (let k = 1; k < 5000; k++) chain = B.add(chain, B.variable(k, 1, 'j'));
    roundTrip(chain);
    let nested: Formula = X;
    for (let k = 0; k < 2 * MAX_NESTING; k++) nested = B.exp(nested);
    const text = printFormula(nested);
    expect(text.startsWith('Exp(Exp(')).toBe(true);
    // The printed text is valid but deeper than the parser accepts: a ParseError, not a crash.
    expectParseError(() => parseFormula(text), 4 * (MAX_NESTING + 1), /nested deeper than/);
  });

  it('throws a ValueError when shared subexpressions would print exponentially long', () => {
    let f: Formula = X;
    for (let k = 0; k < 40; k++) f = B.mul(B.exp(f), B.sin(f));
    expect(() => printFormula(f)).toThrow(ValueError);
  });
});

// ---------------------------------------------------------------------------------------------
// Property tests

/** Variables with fixed (position -> dim, category) so that every random formula is consistent. */
const POOL_VARS: Formula[] = [
  B.variable(0, 1, 'i'),
  B.variable(1, 2, 'i'),
  B.variable(2, 3, 'i'),
  B.variable(3, 1, 'j'),
  B.variable(4, 2, 'j'),
  B.variable(5, 3, 'j'),
  B.variable(6, 1, 'p'),
  B.variable(7, 4, 'p'),
  B.variable(8, 6, 'j'),
  B.variable(9, 9, 'p'),
];

const constantArb: fc.Arbitrary<Formula> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(B.intCst),
  fc
    .tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 50 }))
    .map(([p, q]) => B.ratCst(p, q)),
  fc.double().map(B.floatCst),
  fc
    .constantFrom(
      Number.NaN,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      5e-324,
      -Number.MAX_VALUE,
      1e21,
      0.1,
    )
    .map(B.floatCst),
  fc.integer({ min: 1, max: 4 }).map(B.zero),
);

interface Step {
  maker: number;
  i: number;
  j: number;
  k: number;
  m: number;
  n: number;
}

type Maker = (a: Formula, b: Formula, c: Formula, m: number, n: number) => Formula;
const abs = Math.abs;
const MAKERS: Maker[] = [
  ...[
    B.minus,
    B.inv,
    B.exp,
    B.log,
    B.xlogx,
    B.sin,
    B.cos,
    B.sinXDivX,
    B.asin,
    B.acos,
    B.atan,
    B.sqrt,
    B.rsqrt,
    B.square,
    B.abs,
    B.relu,
    B.sign,
    B.step,
    B.floor,
    B.sum,
    B.max,
    B.min,
    B.argMax,
    B.argMin,
    B.sqNorm2,
    B.norm2,
    B.normalize,
  ].map(
    (fn): Maker =>
      (a) =>
        fn(a),
  ),
  ...[
    B.add,
    B.sub,
    B.mul,
    B.div,
    B.powf,
    B.atan2,
    B.lessThan,
    B.lessOrEqual,
    B.greaterThan,
    B.greaterOrEqual,
    B.equal,
    B.notEqual,
    B.scalprod,
    B.sqDist,
    B.weightedSqNorm,
    B.concat,
    B.matVecMult,
    B.vecMatMult,
    B.tensorProd,
  ].map(
    (fn): Maker =>
      (a, b) =>
        fn(a, b),
  ),
  ...[B.clamp, B.ifElse, B.mod, B.weightedSqDist].map(
    (fn): Maker =>
      (a, b, c) =>
        fn(a, b, c),
  ),
  (a) => B.mod(a, B.intCst(3)),
  (a, _b, _c, m) => B.pow(a, m),
  (a, _b, _c, m) => B.round(a, m),
  (a, _b, _c, m, n) => B.clampInt(a, Math.min(m, n), Math.max(m, n)),
  (a, _b, _c, m) => B.elem(a, abs(m)),
  (a, _b, _c, m, n) => B.elemT(a, abs(m) + 1, abs(n)),
  (a, _b, _c, m, n) => B.extract(a, abs(m), abs(n) + 1),
  (a, _b, _c, m, n) => B.extractT(a, abs(m), a.dim + abs(m) + abs(n)),
  (a, _b, _c, m) => B.oneHot(a, abs(m) + 1),
  (a, _b, _c, m) => B.sumT(a, abs(m) + 1),
  // Partners of matching dim (positions derived from the dim keep variables consistent), since
  // random pairs rarely have equal dims.
  (a) => B.scalprod(a, B.variable(100 + 2 * a.dim, a.dim, 'j')),
  (a) => B.add(B.variable(101 + 2 * a.dim, a.dim, 'i'), a),
  (a) => B.sqDist(a, B.variable(100 + 2 * a.dim, a.dim, 'j')),
  (a, b) => B.tensorDot(a, b, [a.dim], [b.dim], [0], [0]),
  (a, b) => B.tensorDot(a, b, [a.dim], [b.dim], [], [], [1, 0]),
  (a, b) => B.tensorDot(a, b, [a.dim / b.dim, b.dim], [b.dim], [1], [0]),
  (a, b) => B.tensorDot(a, b, [b.dim, a.dim / b.dim], [b.dim], [0], [0]),
];

const stepArb: fc.Arbitrary<Step> = fc.record({
  maker: fc.nat({ max: MAKERS.length - 1 }),
  i: fc.nat(),
  j: fc.nat(),
  k: fc.nat(),
  m: fc.integer({ min: -3, max: 5 }),
  n: fc.integer({ min: -3, max: 5 }),
});

/**
 * Random formulas built by the constructors: a pool of leaves grows by applying random
 * constructors to random earlier entries (a DAG with sharing). Constructions that the dimension
 * rules reject are skipped, as are entries whose text gets long.
 */
const formulasArb: fc.Arbitrary<Formula[]> = fc
  .tuple(fc.array(constantArb, { maxLength: 6 }), fc.array(stepArb, { minLength: 1, maxLength: 30 }))
  .map(([constants, steps]) => {
    const pool = [...POOL_VARS, ...constants];
    for (const s of steps) {
      // Favour recent entries, so formulas grow deep rather than staying next to the leaves.
      const pick = (x: number) =>
        x % 3 === 0
          ? pool[(x >> 2) % pool.length]!
          : pool[pool.length - 1 - ((x >> 2) % Math.min(pool.length, 4))]!;
      let f: Formula;
      try {
        f = MAKERS[s.maker]!(pick(s.i), pick(s.j), pick(s.k), s.m, s.n);
      } catch (e) {
        // Only the constructors' typed rejections are expected; anything else is a real bug.
        if (e instanceof SymtensorError) continue;
        throw e;
      }
      if (printFormula(f).length <= 4000) pool.push(f);
    }
    return pool.slice(POOL_VARS.length);
  });

describe('property tests', () => {
  it('print then parse gives the same node for random constructor-built formulas', () => {
    fc.assert(
      fc.property(formulasArb, (formulas) => {
        for (const f of formulas) {
          const text = printFormula(f);
          const back = parseFormula(text);
          if (back.key !== f.key) throw new Error(`round trip changed ${text} into ${printFormula(back)}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary strings give a Formula or a ParseError, nothing else', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => expectFormulaOrParseError(text)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => expectFormulaOrParseError(text)),
      { numRuns: 1000 },
    );
  });

  const TOKENS = [
    'X',
    'Y',
    'G',
    'C',
    'S',
    'A',
    'M',
    'Z',
    'x',
    '(',
    ')',
    '(',
    ')',
    ',',
    ',',
    '+',
    '-',
    '*',
    '/',
    '|',
    '=',
    ' ',
    '0',
    '1',
    '3',
    '-1',
    '2.5',
    '1e3',
    '.5',
    'NaN',
    'Inf',
    'Exp',
    'Pow',
    'Elem',
    'Extract',
    'TensorDot',
    'Var',
    'Var(0,3,0)',
    'Var(1,3,1)',
    'Zero',
    'IntCst',
    'RatCst',
    'IntInv',
    'Mod',
    'SqDist',
    'Sum',
    'SumT',
    'Concat',
    'WeightedSqDist',
    'Normalize',
    'ClampInt',
    'OneHot',
    'FloatCst',
    '(3,)',
    '(3,3)',
    '()',
    'constructor',
    '__proto__',
    '99999999999999999999',
    '1e999',
  ];

  it('token soups give a Formula or a ParseError, nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }), (parts) =>
        expectFormulaOrParseError(parts.join('')),
      ),
      { numRuns: 3000 },
    );
  });

  it('mutated valid formulas give a Formula or a ParseError, nothing else', () => {
    const mutation = fc.record({
      kind: fc.constantFrom('delete', 'insert', 'replace', 'duplicate'),
      at: fc.nat(),
      len: fc.integer({ min: 1, max: 8 }),
      token: fc.constantFrom(...TOKENS),
    });
    // Printed random formulas use inline Vars only; the hand-written ones use the aliases.
    const validText: fc.Arbitrary<[string, readonly string[]]> = fc.oneof(
      formulasArb.map((fs): [string, readonly string[]] => [
        printFormula(fs[fs.length - 1] ?? POOL_VARS[0]!),
        [],
      ]),
      fc
        .constantFrom(
          'Exp(-G*SqDist(X,Y))*C',
          'TensorDot(S, X, (3,3), (3,), (1,), (0,))',
          'Pow(X|Y, 3) + Mod(X, G)',
        )
        .map((text): [string, readonly string[]] => [text, ALIASES]),
    );
    fc.assert(
      fc.property(
        validText,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        ([text, aliases], mutations) => {
          let t = text;
          for (const { kind, at, len, token } of mutations) {
            const k = t.length === 0 ? 0 : at % (t.length + 1);
            if (kind === 'delete') t = t.slice(0, k) + t.slice(k + len);
            else if (kind === 'insert') t = t.slice(0, k) + token + t.slice(k);
            else if (kind === 'replace') t = t.slice(0, k) + token + t.slice(k + len);
            else t = t.slice(0, k) + t.slice(k, k + len) + t.slice(k);
          }
          expectFormulaOrParseError(t, aliases);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
