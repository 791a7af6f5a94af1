import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { measurementCells } from '../src/report/format.js';
import { loadImportedPeers } from '../src/report/imported.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderPlot } from '../src/report/plots.js';
import { formatTable } from '../src/report/table.js';
import { writeOutputs } from '../src/report/write.js';
import { type BenchResult, RESULT_SCHEMA } from '../src/result.js';
import { SUITES } from '../src/suites/registry.js';

const ok = { passed: true, error: 1.2e-6, tolerance: 1e-4, metric: 'max rel. error', rows: 20 };
const base = { suite: 'gaussian', kind: 'backend' as const, sizeLabel: 'N=M=1000, D=3', n: 1000, pairs: 1e6 };

const result: BenchResult = {
  schema: RESULT_SCHEMA,
  startedAt: '2026-11-21T15:04:05.123Z',
  finishedAt: '2026-11-21T15:05:00.000Z',
  machine: {
    hostname: 'Test Host!',
    cpu: 'Test CPU',
    cores: 2,
    memoryGiB: 24,
    platform: 'linux x64',
    node: 'v20.20.2',
    description: 'Test CPU, 2 cores, 24 GiB, linux x64, Node v20.20.2',
  },
  settings: { quick: true, repeats: 3, budgetS: 4, checkPairs: 50_000, dtype: 'float32' },
  contenders: [
    { name: 'cpu', kind: 'backend', available: true, detail: 'generated JS' },
    { name: 'webgpu', kind: 'backend', available: false, reason: 'no adapter' },
    { name: 'naive-js', kind: 'baseline', available: true, detail: 'loops' },
  ],
  suites: [
    {
      id: 'gaussian',
      group: 'kernels',
      title: 'Gaussian kernel product',
      formula: 'out_i = ...',
    },
    {
      id: 'sinkhorn',
      group: 'ot',
      title: 'Sinkhorn divergence',
      formula: 'S_eps(x, y)',
    },
  ],
  measurements: [
    {
      ...base,
      contender: 'cpu',
      status: 'ok',
      firstRunS: 0.5,
      stats: { n: 3, median: 0.002, min: 0.0019, max: 0.0031, spread: 0.6 },
      check: ok,
    },
    {
      ...base,
      n: 3000,
      sizeLabel: 'N=M=3000, D=3',
      pairs: 9e6,
      contender: 'cpu',
      status: 'ok',
      firstRunS: 0.02,
      stats: { n: 3, median: 0.018, min: 0.017, max: 0.02, spread: 0.17 },
      check: ok,
    },
    {
      ...base,
      contender: 'naive-js',
      kind: 'baseline',
      status: 'failed',
      firstRunS: 0.01,
      check: { ...ok, passed: false, error: 0.3 },
    },
    {
      ...base,
      contender: 'tfjs-cpu',
      kind: 'baseline',
      status: 'skipped',
      reason: 'estimated 9.00 s per run > budget 4 s',
    },
    { ...base, contender: 'tfjs-wasm', kind: 'baseline', status: 'error', reason: 'Error: boom' },
  ],
  notes: ['a note for the reader'],
};

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('report writer', () => {
  it('prints the terminal table with FAILED results carrying no time, and lists what is unavailable', () => {
    const text = formatTable(result);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^suite\s+contender\s+size\s+median\s+min - max\s+spread\s+pairs\/s\s+first run\s+check$/,
    );
    expect(text).toContain('2.00 ms  1.90 ms - 3.10 ms (n=3)');
    expect(text).toContain('5.00e8');
    const failed = lines.find((l) => l.includes('naive-js'))!;
    expect(failed).toMatch(/FAILED/);
    expect(failed).not.toMatch(/ms -/);
    expect(failed).toContain('FAILED 3.0e-1 > 1e-4');
    expect(text).toContain('backend webgpu: unavailable: no adapter');
    expect(text).toContain('note: a note for the reader');
  });

  it('writes the JSON, report.md with plots and imported rows labelled as imported', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bench-report-'));
    const imported = await loadImportedPeers();
    const files = await writeOutputs(result, imported, dir);
    expect(files.json).toBe(join(dir, '2026-11-21T15-04-05Z-test-host.json'));
    expect(JSON.parse(await readFile(files.json, 'utf8'))).toEqual(result);
    // The sinkhorn suite has imported figures but no point of this run: no plot.
    expect(files.plots).toEqual([join(dir, 'plots', 'gaussian.svg')]);
    const svg = await readFile(files.plots[0]!, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('torch chunked (2^22-entry row blocks) (imported)');
    const md = await readFile(files.report, 'utf8');
    expect(md).toContain('| webgpu | backend | unavailable: no adapter |');
    expect(md).toContain('![Gaussian kernel product: time vs N](plots/gaussian.svg)');
    expect(md).toContain(`Imported peers (not measured in this run; ${imported.machine}):`);
    expect(md).toMatch(
      /\| naive-js \| N=M=1000, D=3 \| FAILED \| {2}\| {2}\| {2}\| 10.0 ms \| FAILED 3.0e-1 > 1e-4 \|/,
    );
  });

  it('shows the recall of approximate kNN contenders', () => {
    const recall = { passed: true, error: 0.0125, tolerance: 0.1, metric: '1 - recall@10', rows: 20 };
    const row = { ...result.measurements[0]!, contender: 'hnswlib-node', check: recall };
    expect(measurementCells(row)[5]).toBe('ok recall@10 0.9875 >= 0.90');
    const low = { ...row, status: 'failed' as const, check: { ...recall, passed: false, error: 0.25 } };
    expect(measurementCells(low)[5]).toBe('FAILED recall@10 0.7500 < 0.90');
  });

  it('escapes pipes in Markdown cells', () => {
    const md = renderMarkdown(
      { ...result, measurements: [{ ...result.measurements[4]!, reason: 'a | b' }] },
      undefined,
      new Map(),
    );
    expect(md).toContain('a \\| b');
    expect(md).toContain('No imported peer figures were found.');
  });

  it('draws no plot without a timed point of this run', async () => {
    expect(await renderPlot(result.suites[0]!, result.measurements.slice(2), undefined, 'm')).toBeUndefined();
  });
});

describe('imported peer figures', () => {
  it('are labelled imported, name their machine, and point at suites of this app', async () => {
    const peers = await loadImportedPeers();
    expect(peers.label).toBe('imported');
    expect(peers.machine).toBe('AMD EPYC VM, 2 cores, 24 GiB, measured 2026-11-21');
    const ids = new Set(SUITES.map((s) => s.id));
    for (const r of peers.rows) expect(ids.has(r.suite), r.suite).toBe(true);
    const torch = peers.rows.find(
      (r) => r.suite === 'gaussian' && r.library.startsWith('torch chunked') && r.n === 10_000,
    );
    expect(torch?.medianS).toBe(0.09169);
  });
});
