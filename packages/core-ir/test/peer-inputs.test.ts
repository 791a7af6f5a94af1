import { describe, expect, it } from 'vitest';
import { lowbias32, normal, uniform, word } from '../src/peer-inputs/index.js';

// Check values from shared/reference/peers.md, "The input generator used".
describe('counter-based input generator', () => {
  it('reproduces the peers word check values', () => {
    expect([0, 1, 2, 3].map((k) => word(0, k))).toEqual([2926543089, 3099006442, 3627623809, 610118454]);
  });

  it('reproduces uniform(1, (2, 3))', () => {
    const u = uniform(1, 2, 3);
    const want = [0.13681453, 0.35135692, 0.51055568, 0.79849017, 0.48924977, 0.90965164];
    for (const [k, v] of want.entries()) expect(u[k]).toBeCloseTo(v, 8);
  });

  it('reproduces normal(2, (4,))', () => {
    const n = normal(2, 4, 1);
    const want = [0.58812588, 2.05208969, -0.54856938, -0.16582716];
    for (const [k, v] of want.entries()) expect(n[k]).toBeCloseTo(v, 7);
  });

  it('draws uniforms that are exact multiples of 2^-24 in [0, 1)', () => {
    for (const v of uniform(7, 1000, 1)) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(Number.isInteger(v * 2 ** 24)).toBe(true);
    }
  });

  it('makes a size-N array the first N rows of a larger one', () => {
    expect(uniform(101, 50, 3)).toEqual(uniform(101, 200, 3).subarray(0, 150));
    expect(normal(401, 10, 5)).toEqual(normal(401, 40, 5).subarray(0, 50));
  });

  it('keeps lowbias32 in uint32 for any input', () => {
    for (const x of [0, 1, 0xffffffff, -1, 2 ** 32 + 5]) {
      const h = lowbias32(x);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
    expect(lowbias32(-1)).toBe(lowbias32(0xffffffff));
  });
});
