import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { formatTable } from '../src/report/table.js';
import { runBench } from '../src/run-bench.js';
import { SUITES } from '../src/suites/registry.js';

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bench --quick (smoke)', () => {
  it('runs every suite on tiny sizes with the default backend and all baselines, and writes the outputs', {
    timeout: 90_000,
  }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    // 64 is below k-means' K = 100 (a skipped row with its reason), 128 is above.
    const parsed = parseArgs(['--quick', '--sizes', '64,128', '--out', dir, '--no-progress']);
    if (parsed.kind !== 'run') throw new Error('expected options');
    const { result, files } = await runBench(parsed.options);

    // The default backend: cpu, or the reference interpreter (with a note) while cpu cannot load.
    const cpu = result.contenders.find((c) => c.name === 'cpu')!;
    if (!cpu.available)
      expect(result.notes.join()).toContain('measures the float64 reference interpreter instead');

    // Every available contender measured every suite it supports at both sizes. The baselines
    // must be correct; the backend's own correctness is its package's tests' business (and it is
    // being written concurrently), so here a backend row must only be reported properly.
    const available = result.contenders.filter((c) => c.available).map((c) => c.name);
    expect(available).toEqual(
      expect.arrayContaining([
        cpu.available ? 'cpu' : 'reference',
        'naive-js',
        'tfjs-cpu',
        'tfjs-wasm',
        'jax-js-wasm',
        'ml-kmeans',
        'hnswlib-node',
      ]),
    );
    for (const m of result.measurements) {
      const what = `${m.suite} ${m.contender} ${m.n}: ${m.reason ?? m.check?.note ?? ''}`;
      if (m.suite.startsWith('kmeans') && m.n === 64)
        expect(m, what).toMatchObject({
          status: 'skipped',
          reason: 'N = 64 is below 100: k-means needs at least K = 100 points',
        });
      else if (m.kind === 'baseline') expect(m.status, what).toBe('ok');
      else if (m.status === 'ok') expect(m.stats!.n).toBeGreaterThan(0);
      else expect(m.check ?? m.reason, what).toBeDefined();
    }
    // Every suite of the registry ran (registry.test.ts pins the list and its order).
    expect(result.suites.map((s) => s.id)).toEqual(SUITES.map((s) => s.id));
    // Which baseline takes part where: dense kernel libraries on kernel sums, hnswlib on kNN (with
    // its recall), ml-kmeans on k-means; the algorithm suites run on backends only.
    const ran = (suite: string, contender: string) =>
      result.measurements.some((m) => m.suite === suite && m.n === 128 && m.contender === contender);
    for (const s of ['gaussian', 'laplace', 'cauchy', 'imq', 'knn-d3', 'knn-d50', 'lse'])
      expect(ran(s, 'naive-js'), s).toBe(true);
    for (const s of ['gaussian', 'laplace', 'cauchy', 'imq'])
      for (const c of ['tfjs-cpu', 'tfjs-wasm', 'jax-js-wasm']) expect(ran(s, c), `${s} ${c}`).toBe(true);
    for (const s of ['knn-d3', 'knn-d50']) {
      const hnsw = result.measurements.find((m) => m.suite === s && m.contender === 'hnswlib-node')!;
      expect(hnsw.check?.note).toMatch(/^recall@10 \d\.\d{4}; /);
    }
    for (const s of ['kmeans-d2', 'kmeans-d10']) expect(ran(s, 'ml-kmeans'), s).toBe(true);
    expect(
      result.measurements.filter((m) => m.kind === 'baseline' && ['sinkhorn', 'cg'].includes(m.suite)),
    ).toEqual([]);

    const table = formatTable(result);
    expect(table).toContain('knn-d50');
    expect(JSON.parse(await readFile(files.json, 'utf8')).measurements).toHaveLength(
      result.measurements.length,
    );
    expect(files.plots).toHaveLength(result.suites.length);
    expect(await readFile(files.report, 'utf8')).toContain('# symtensor benchmark report');
  });
});
