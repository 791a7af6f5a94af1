import { ValueError } from '@symtensor/core-ir';
import { describe, expect, it } from 'vitest';
import { median, summarize } from '../src/stats.js';

describe('timing statistics', () => {
  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('does not reorder the caller’s array', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('reports min, max and the spread (max - min) / median', () => {
    const s = summarize([0.2, 0.1, 0.4, 0.1, 0.2]);
    expect(s).toEqual({ n: 5, median: 0.2, min: 0.1, max: 0.4, spread: (0.4 - 0.1) / 0.2 });
  });

  it('gives a zero spread for a single run', () => {
    expect(summarize([1.5]).spread).toBe(0);
  });

  it('is robust to one outlier where a mean is not', () => {
    const s = summarize([1, 1, 1, 1, 100]);
    expect(s.median).toBe(1);
    expect(s.max).toBe(100);
  });

  it('refuses an empty list and invalid timings with a typed error', () => {
    expect(() => summarize([])).toThrow(ValueError);
    expect(() => summarize([1, Number.NaN])).toThrow(ValueError);
    expect(() => summarize([-1])).toThrow(ValueError);
  });
});
