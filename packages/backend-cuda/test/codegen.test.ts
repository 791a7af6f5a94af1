/** The CUDA printer: literals, the skeletons' structure, layouts, and typed errors. */
import {
  DTypeError,
  exp,
  mapSpec,
  minus,
  mul,
  Reduction,
  reductionSpec,
  sqDist,
  takeSpec,
  variable,
} from '@symtensor/core-ir';
import { describe, expect, it } from 'vitest';
import { BLOCK, SHARED_BUDGET } from '../src/codegen/layout.js';
import { intLiteral, literal } from '../src/codegen/literals.js';
import { kernelSource } from '../src/codegen/source.js';

const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const b = variable(2, 1, 'j');
const gaussian = mul(exp(minus(sqDist(x, y))), b);

describe('literals', () => {
  it('carry their type and round to it', () => {
    expect(literal(0.1, 'double')).toBe('0.1');
    expect(literal(0.1, 'float')).toBe('0.10000000149011612f');
    expect(literal(2, 'float')).toBe('2.0f');
    expect(literal(-2.5, 'double')).toBe('(-2.5)');
    expect(literal(1e300, 'double')).toBe('1e+300');
    expect(literal(1e-45, 'float')).toBe('1.401298464324817e-45f');
  });

  it('spell signed zeros, infinities and NaN exactly', () => {
    expect(literal(-0, 'float')).toBe('(-0.0f)');
    expect(literal(Number.POSITIVE_INFINITY, 'float')).toBe('st_inff()');
    expect(literal(Number.NEGATIVE_INFINITY, 'double')).toBe('(-st_inf())');
    expect(literal(Number.NaN, 'double')).toBe('st_nan()');
    // A finite double beyond float32 range rounds to infinity as a float literal.
    expect(literal(1e300, 'float')).toBe('st_inff()');
  });

  it('writes ints, INT_MIN as an expression, and refuses non-integers', () => {
    expect(intLiteral(-3)).toBe('(-3)');
    expect(intLiteral(-2147483648)).toBe('(-2147483647 - 1)');
    expect(() => intLiteral(0.5)).toThrow(/32-bit integer/);
    expect(literal(7, 'int')).toBe('7');
  });
});

describe('reduction kernels', () => {
  const sum = reductionSpec({ formula: gaussian, reduction: Reduction.Sum, axis: 'j', dtype: 'float32' });

  it('tile the reduced index in shared memory and sum tiles apart (block summation)', () => {
    const { source, layout } = kernelSource(sum);
    if (layout.kind !== 'reduction') throw new Error('expected a reduction layout');
    expect(layout.shared).toBe(true);
    expect(layout.tile).toBe(BLOCK);
    expect(source).toContain(`extern "C" __global__ void __launch_bounds__(${BLOCK}) ${layout.entry}(`);
    expect(source).toContain(`extern "C" __global__ void __launch_bounds__(${BLOCK}) ${layout.mergeEntry}(`);
    // j variables of the tile: 256 indices x (3 + 1) floats.
    expect(source).toContain('__shared__ float sh1[768];');
    expect(source).toContain('__shared__ float sh2[256];');
    expect(source.match(/__syncthreads\(\);/g)).toHaveLength(2);
    // The tile state (copy 1) is initialised per tile, the pair folds into it, and merge folds it
    // into the row state (copy 0).
    const tileLoop = source.slice(
      source.indexOf('for (long long t0'),
      source.indexOf('if (!active) return;'),
    );
    expect(tileLoop).toMatch(/s0_1\[0\] = 0\.0f;/);
    expect(tileLoop).toMatch(/s0_1\[0\] = \(s0_1\[0\] \+ /);
    expect(tileLoop).toMatch(/s0_0\[0\] = \(s0_0\[0\] \+ s0_1\[0\]\);/);
    // Row-invariant loads of x leave the reduced-index loop.
    expect(source).toMatch(/const float h0_0 = x0\[0\];/);
    expect(tileLoop).not.toContain('x0[');
  });

  it('fold selections straight into the row state, with no tile merge', () => {
    const spec = reductionSpec({
      formula: sqDist(x, y),
      reduction: Reduction.ArgMin,
      axis: 'j',
      dtype: 'float64',
    });
    const { source, layout } = kernelSource(spec);
    if (layout.kind !== 'reduction') throw new Error('expected a reduction layout');
    const tileLoop = source.slice(
      source.indexOf('for (long long t0'),
      source.indexOf('if (!active) return;'),
    );
    expect(tileLoop).not.toContain('s0_1');
    expect(tileLoop).toContain('const int j = (int)(t0 + jj);');
    expect(source).toContain('__shared__ double sh1[768];');
    // The ArgMin state: a double value slot and an int index slot.
    expect(layout.slotBytes).toEqual([8, 4]);
    expect(layout.slotPrefix).toEqual([0, 8]);
  });

  it('accumulate in double when asked, and convert at the end', () => {
    const spec = reductionSpec({
      formula: gaussian,
      reduction: Reduction.Sum,
      axis: 'j',
      dtype: 'float32',
      accumulator: 'float64',
    });
    const { source } = kernelSource(spec);
    expect(source).toContain('double s0_0[1];');
    expect(source).toMatch(/s0_1\[0\] = \(s0_1\[0\] \+ \(\(double\)/);
    expect(source).toMatch(/out0\[ob \* 1 \+ 0\] = \(\(float\)s0_0\[0\]\);/);
  });

  it('shrink the tile to the shared memory budget, and read global memory past it', () => {
    const big = (D: number) =>
      reductionSpec({
        formula: sqDist(variable(0, D, 'i'), variable(1, D, 'j')),
        reduction: Reduction.Min,
        axis: 'j',
        dtype: 'float64',
      });
    const mnist = kernelSource(big(784)).layout;
    if (mnist.kind !== 'reduction') throw new Error('expected a reduction layout');
    expect(mnist.tile).toBe(Math.floor(SHARED_BUDGET / (784 * 8)));
    expect(mnist.shared).toBe(true);
    const huge = kernelSource(big(7000));
    if (huge.layout.kind !== 'reduction') throw new Error('expected a reduction layout');
    expect(huge.layout.shared).toBe(false);
    expect(huge.source).not.toContain('__shared__');
    expect(huge.source).toContain('const double* y1 = in1 + o1 + (t0 + jj) * 7000;');
  });

  it('print a reduction over i and its mirror over j as one source', () => {
    const over = (axis: 'i' | 'j') => {
      const row = variable(0, 3, axis === 'j' ? 'i' : 'j');
      const red = variable(1, 3, axis);
      return kernelSource(reductionSpec({ formula: sqDist(row, red), reduction: Reduction.Min, axis }));
    };
    expect(over('i').source).toBe(over('j').source);
  });

  it('name entries by a hash of their text', () => {
    const a = kernelSource(sum);
    const other = kernelSource(
      reductionSpec({ formula: gaussian, reduction: Reduction.Sum, axis: 'j', dtype: 'float64' }),
    );
    expect(a.layout.entry).toMatch(/^st_red_[0-9a-z]{22}$/);
    expect(other.layout.entry).not.toBe(a.layout.entry);
    expect(kernelSource(sum).source).toBe(a.source);
  });

  it('refuse float16 with a DTypeError', () => {
    const half = reductionSpec({
      formula: gaussian,
      reduction: Reduction.Sum,
      axis: 'j',
      dtype: 'float16',
      accumulator: 'float32',
    });
    expect(() => kernelSource(half)).toThrow(DTypeError);
  });
});

describe('map and take kernels', () => {
  it('map rows in a grid-stride loop with per-batch offsets', () => {
    const { source, layout } = kernelSource(mapSpec({ formula: exp(x), dtype: 'float32' }));
    expect(layout.kind).toBe('map');
    expect(source).toContain('for (long long ob = (long long)blockIdx.x * 256 + threadIdx.x; ob < total;');
    expect(source).toContain('const long long o0 = offs != nullptr ? offs[b * 1 + 0] : 0;');
    expect(source).toContain('out0[ob * 3 + 0] = ');
  });

  it('convert floats to int32 with the fill for what int32 cannot hold', () => {
    const { source, layout } = kernelSource(
      takeSpec({ dtype: 'int32', srcDtype: 'float32', fill: 7, indexed: false }),
    );
    expect(layout.params.map((p) => p.name)).toEqual(['src', 'out', 'n', 'srcLen']);
    expect(source).toContain('t >= -2147483648.0 && t <= 2147483647.0 ? (int)t : 7');
    const gather = kernelSource(takeSpec({ dtype: 'float64' }));
    expect(gather.layout.params.map((p) => p.name)).toEqual(['src', 'index', 'out', 'n', 'srcLen']);
    expect(gather.source).toContain('out[k] = st_nan();');
  });
});
