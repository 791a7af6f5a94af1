import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';
import { formatTable } from '../src/report/table.js';
import { runBench } from '../src/run-bench.js';

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bench --quick (smoke)', () => {
  it('runs every suite on tiny sizes with the default backend and all baselines, and writes the outputs', {
    timeout: 60_000,
  }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    const parsed = parseArgs(['--quick', '--sizes', '32,64', '--out', dir, '--no-progress']);
    if (parsed.kind !== 'run') throw new Error('expected options');
    const { result, files } = await runBench(parsed.options);

    // The default backend: cpu, or the reference interpreter (with a note) while cpu cannot load.
    const cpu = result.contenders.find((c) => c.name === 'cpu')!;
    if (!cpu.available)
      expect(result.notes.join()).toContain('measures the float64 reference interpreter instead');
    // The algorithm suites run on backends only (the baselines compute single reductions).
    for (const id of ['sinkhorn', 'kmeans', 'gmm', 'cg', 'eigsh'])
      expect(result.suites.find((s) => s.id === id)).toMatchObject({ available: true });

    // Every available contender measured every suite it supports at both sizes. The baselines
    // must be correct; the backend's own correctness is its package's tests' business (and it is
    // being written concurrently), so here a backend row must only be reported properly.
    const available = result.contenders.filter((c) => c.available).map((c) => c.name);
    expect(available).toEqual(
      expect.arrayContaining([cpu.available ? 'cpu' : 'reference', 'naive-js', 'tfjs-cpu', 'tfjs-wasm']),
    );
    for (const m of result.measurements) {
      const what = `${m.suite} ${m.contender} ${m.n}: ${m.reason ?? m.check?.note ?? ''}`;
      if (m.kind === 'baseline') expect(m.status, what).toBe('ok');
      else if (m.status === 'ok') expect(m.stats!.n).toBeGreaterThan(0);
      else expect(m.check ?? m.reason, what).toBeDefined();
    }
    const runnable = result.suites.filter((s) => s.available);
    expect(runnable.map((s) => s.id)).toEqual([
      'gaussian',
      'laplace',
      'cauchy',
      'imq',
      'knn-d3',
      'knn-d50',
      'lse',
      'sinkhorn',
      'kmeans',
      'gmm',
      'cg',
      'eigsh',
    ]);
    for (const s of runnable.filter((x) => !['sinkhorn', 'kmeans', 'gmm', 'cg', 'eigsh'].includes(x.id)))
      for (const n of [32, 64])
        expect(
          result.measurements.some((m) => m.suite === s.id && m.n === n && m.contender === 'naive-js'),
        ).toBe(true);

    const table = formatTable(result);
    expect(table).toContain('knn-d50');
    expect(JSON.parse(await readFile(files.json, 'utf8')).measurements).toHaveLength(
      result.measurements.length,
    );
    expect(files.plots).toHaveLength(runnable.length);
    expect(await readFile(files.report, 'utf8')).toContain('# symtensor benchmark report');
  });
});
