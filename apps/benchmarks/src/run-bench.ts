/**
 * The benchmark run: loads the contenders (unavailable ones are recorded with their reason), then
 * for each selected suite and size draws fresh inputs, computes the float64 reference on a sample
 * of rows, measures every contender that implements the problem, and finally writes the JSON
 * results, report.md and the plots.
 */

import { loadBackend } from './backends/registry.js';
import { loadBaseline } from './baselines/registry.js';
import { checkResult } from './check/check.js';
import { type Reference, referenceFor } from './check/reference.js';
import type { Contender, Loaded } from './contender.js';
import type { BenchOptions } from './options.js';
import { createProgress } from './progress.js';
import { formatSeconds } from './report/format.js';
import { type ImportedPeers, loadImportedPeers } from './report/imported.js';
import { describeMachine } from './report/machine.js';
import { type WrittenFiles, writeOutputs } from './report/write.js';
import { type BenchResult, type ContenderEntry, type Measurement, RESULT_SCHEMA } from './result.js';
import { selectSuites } from './suites/registry.js';
import type { Suite, Workload } from './suites/types.js';
import { measure } from './timing/measure.js';

export interface BenchRun {
  readonly result: BenchResult;
  readonly files: WrittenFiles;
}

/** The backends to measure: the requested ones, or cpu falling back to the reference interpreter. */
async function loadBackends(requested: readonly string[] | undefined, notes: string[]): Promise<Loaded[]> {
  if (requested) return Promise.all(requested.map(loadBackend));
  const cpu = await loadBackend('cpu');
  if (cpu.ok) return [cpu];
  notes.push(
    'the cpu backend is unavailable, so the default run measures the float64 reference interpreter instead (slow by design)',
  );
  return [cpu, await loadBackend('reference')];
}

function entry(l: Loaded, kind: 'backend' | 'baseline'): ContenderEntry {
  return l.ok
    ? { name: l.name, kind, available: true, detail: l.contender.detail }
    : { name: l.name, kind, available: false, reason: l.reason };
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** One contender on one workload: prepared, measured, released; any throw becomes an 'error' row. */
async function measureOne(
  c: Contender,
  w: Workload,
  reference: () => Reference,
  options: BenchOptions,
): Promise<Omit<Measurement, 'suite' | 'contender' | 'kind' | 'n' | 'sizeLabel' | 'pairs'>> {
  try {
    const prepared = await c.prepare(w);
    try {
      const ref = reference();
      const o = await measure(
        () => prepared.run(),
        (out) => checkResult(w, ref, out, { approximate: c.approximate ?? false }),
        options,
      );
      return o.status === 'ok'
        ? { status: 'ok', firstRunS: o.firstRunS, stats: o.stats, check: o.check }
        : { status: 'failed', firstRunS: o.firstRunS, check: o.check };
    } finally {
      await prepared.dispose();
    }
  } catch (e) {
    return { status: 'error', reason: errorText(e) };
  }
}

export async function runBench(options: BenchOptions): Promise<BenchRun> {
  const startedAt = new Date().toISOString();
  const suites = selectSuites(options.suites);
  const notes: string[] = [];
  const backends = await loadBackends(options.backends, notes);
  const baselines = await Promise.all(options.baselines.map(loadBaseline));
  const contenders = [...backends, ...baselines].flatMap((l) => (l.ok ? [l.contender] : []));

  let imported: ImportedPeers | undefined;
  try {
    imported = await loadImportedPeers();
  } catch (e) {
    notes.push(`imported peer figures could not be read: ${errorText(e)}`);
  }

  const sizesOf = (s: Suite) => options.sizes ?? (options.quick ? s.quickSizes : s.defaultSizes);
  const plan = suites.map((suite) => ({
    suite,
    sizes: sizesOf(suite),
    contenders: contenders.filter((c) => c.supports(suite.kind)),
  }));
  const progress = createProgress(options.progress);
  progress.start(plan.reduce((s, p) => s + p.sizes.length * p.contenders.length, 0));

  const measurements: Measurement[] = [];
  try {
    for (const { suite, sizes, contenders: cs } of plan) {
      // The last timed size per contender, to estimate the next size's cost (pairs scale linearly).
      const last = new Map<string, { pairs: number; seconds: number }>();
      for (const n of sizes) {
        const w = suite.workload(n);
        let ref: Reference | undefined;
        const reference = () => {
          ref ??= referenceFor(w, options.checkPairs);
          return ref;
        };
        for (const c of cs) {
          progress.working(`${suite.id} ${c.name} N=${n}`);
          const base = {
            suite: suite.id,
            contender: c.name,
            kind: c.kind,
            n,
            sizeLabel: w.sizeLabel,
            pairs: w.pairs,
          };
          const prev = last.get(c.name);
          const estimate = prev ? (prev.seconds * w.pairs) / prev.pairs : 0;
          if (suite.minSize && n < suite.minSize.n) {
            measurements.push({
              ...base,
              status: 'skipped',
              reason: `N = ${n} is below ${suite.minSize.n}: ${suite.minSize.why}`,
            });
          } else if (estimate > options.budgetS) {
            measurements.push({
              ...base,
              status: 'skipped',
              reason: `estimated ${formatSeconds(estimate)} per run > budget ${options.budgetS} s`,
            });
          } else {
            const m = { ...base, ...(await measureOne(c, w, reference, options)) };
            measurements.push(m);
            if (m.stats) last.set(c.name, { pairs: w.pairs, seconds: m.stats.median });
          }
          progress.advance();
        }
      }
    }
  } finally {
    progress.stop();
    await Promise.all(contenders.map((c) => c.close()));
  }

  const result: BenchResult = {
    schema: RESULT_SCHEMA,
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: describeMachine(),
    settings: {
      quick: options.quick,
      repeats: options.repeats,
      budgetS: options.budgetS,
      checkPairs: options.checkPairs,
      dtype: 'float32',
    },
    contenders: [...backends.map((l) => entry(l, 'backend')), ...baselines.map((l) => entry(l, 'baseline'))],
    suites: suites.map((s) => ({ id: s.id, group: s.group, title: s.title, formula: s.formula })),
    measurements,
    notes,
  };
  return { result, files: await writeOutputs(result, imported, options.out) };
}
