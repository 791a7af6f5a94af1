import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { UsageError } from '../src/errors.js';
import type { BenchOptions } from '../src/options.js';

function options(argv: string[]): BenchOptions {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error('expected run options');
  return parsed.options;
}

describe('command-line parsing', () => {
  it('defaults to every suite, the default backend and all baselines', () => {
    expect(options([])).toEqual({
      suites: [],
      backends: undefined,
      baselines: ['naive-js', 'tfjs-cpu', 'tfjs-wasm', 'jax-js-wasm', 'ml-kmeans', 'hnswlib-node'],
      sizes: undefined,
      quick: false,
      out: 'results',
      repeats: 5,
      budgetS: 30,
      checkPairs: 200_000,
      progress: true,
    });
  });

  it('uses smaller defaults with --quick, which explicit values override', () => {
    const q = options(['--quick']);
    expect([q.quick, q.repeats, q.budgetS, q.checkPairs]).toEqual([true, 3, 4, 50_000]);
    expect(options(['--quick', '--repeats', '7']).repeats).toBe(7);
  });

  it('reads suites, comma-separated backends and sizes in scientific notation', () => {
    const o = options([
      'kernels',
      'knn-d3',
      '--backend',
      'cpu,webgpu,cuda',
      '--sizes',
      '1e3,2e4,30000',
      '--out',
      'x/',
    ]);
    expect(o.suites).toEqual(['kernels', 'knn-d3']);
    expect(o.backends).toEqual(['cpu', 'webgpu', 'cuda']);
    expect(o.sizes).toEqual([1000, 20000, 30000]);
    expect(o.out).toBe('x/');
  });

  it('accepts --baselines none, --budget, --check-pairs and --no-progress', () => {
    const o = options(['--baselines', 'none', '--budget', '2.5', '--check-pairs', '1000', '--no-progress']);
    expect([o.baselines, o.budgetS, o.checkPairs, o.progress]).toEqual([[], 2.5, 1000, false]);
  });

  it('ignores the "--" that pnpm forwards', () => {
    expect(options(['--', '--quick']).quick).toBe(true);
  });

  it('returns the help text instead of exiting', () => {
    const parsed = parseArgs(['--help']);
    expect(parsed.kind).toBe('help');
    if (parsed.kind === 'help') expect(parsed.text).toContain('--backend <list>');
  });

  it.each([
    [['--backend', 'tpu'], /unknown backend tpu; choose from cpu, webgpu, cuda, reference/],
    [['--baselines', 'numpy'], /unknown baseline numpy/],
    [['--sizes', '1e3,abc'], /size 'abc' is not an integer >= 16/],
    [['--sizes', '8'], /size '8' is not an integer >= 16/],
    [['--repeats', '0'], /'0' is not a positive integer/],
    [['--budget', '-1'], /'-1' is not a positive number/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['sinkhorn', 'nope'], /unknown suite 'nope'; choose from: gaussian/],
  ])('rejects %j with a UsageError', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
