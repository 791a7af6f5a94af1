/**
 * results/report.md: the run's machine and settings, the contenders (unavailable ones with their
 * reason), and per suite the measured table, its plot and the imported peer figures, labelled as
 * imported with the machine they came from.
 */
import { APPROXIMATE_KNN_MIN_RECALL, TOLERANCES } from '../check/check.js';
import type { BenchResult, SuiteEntry } from '../result.js';
import { formatSeconds, measurementCells } from './format.js';
import type { ImportedPeers } from './imported.js';

const tol = (kind: keyof typeof TOLERANCES) => TOLERANCES[kind].toExponential(0);

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function importedSection(suite: SuiteEntry, imported: ImportedPeers | undefined): string[] {
  const rows = imported?.rows.filter((r) => r.suite === suite.id) ?? [];
  if (!imported || rows.length === 0) return [];
  return [
    `Imported peers (not measured in this run; ${imported.machine}):`,
    '',
    mdTable(
      ['library (imported)', 'size', 'median', 'min - max', 'runs', 'value / note'],
      rows.map((r) => [
        r.library,
        r.size,
        r.medianS === null ? r.status : formatSeconds(r.medianS),
        r.minS === null || r.maxS === null ? '' : `${formatSeconds(r.minS)} - ${formatSeconds(r.maxS)}`,
        r.runs ?? '',
        r.note,
      ]),
    ),
    '',
  ];
}

export function renderMarkdown(
  result: BenchResult,
  imported: ImportedPeers | undefined,
  plots: ReadonlyMap<string, string>,
): string {
  const s = result.settings;
  const out: string[] = [
    '# symtensor benchmark report',
    '',
    `- Machine: ${result.machine.description}`,
    `- Run: ${result.startedAt} to ${result.finishedAt}${s.quick ? ' (--quick)' : ''}`,
    `- Settings: ${s.dtype} data, warm-up + up to ${s.repeats} timed runs, budget ${s.budgetS} s per measurement, correctness checked on about ${s.checkPairs} reference pairs per workload (at least 20 rows)`,
    `- Timed region: kernel launch to result downloaded on the host (the only synchronisation point); inputs are uploaded before timing.`,
    ...result.notes.map((n) => `- Note: ${n}`),
    '',
    '## Contenders',
    '',
    mdTable(
      ['name', 'kind', 'status', 'how it computes'],
      result.contenders.map((c) => [
        c.name,
        c.kind,
        c.available ? 'available' : `unavailable: ${c.reason}`,
        c.detail ?? '',
      ]),
    ),
    '',
  ];
  for (const suite of result.suites) {
    out.push(`## ${suite.title} (\`${suite.id}\`)`, '');
    out.push(`\`${suite.formula}\``, '');
    const rows = result.measurements.filter((m) => m.suite === suite.id);
    if (rows.length > 0)
      out.push(
        mdTable(
          ['contender', 'size', 'median', 'min - max', 'spread', 'pairs/s', 'first run', 'check'],
          rows.map((m) => [m.contender, m.sizeLabel, ...measurementCells(m)]),
        ),
        '',
      );
    const plot = plots.get(suite.id);
    if (plot) out.push(`![${suite.title}: time vs N](${plot})`, '');
    out.push(...importedSection(suite, imported));
  }
  out.push(
    '## Reading the tables',
    '',
    '- median, min - max (n = timed runs), spread = (max - min) / median: warm-up excluded.',
    '- first run: the warm-up run alone (kernel compilation, JIT warm-up, first allocations).',
    '- pairs/s: N x M / median.',
    `- check: the worst error over the sampled rows against the float64 reference interpreter and its tolerance (kernel sums: relative error <= ${tol('kernel-sum')}; softmin: |error| / max(1, |ref|) <= ${tol('softmin')}; kNN: squared-distance error / (1 + |x|^2 + max |y|^2) <= ${tol('knn')}; approximate kNN (hnswlib-node): recall@K >= ${APPROXIMATE_KNN_MIN_RECALL}; algorithm suites: their own float64 check, metric and tolerance shown per row). FAILED results have no time.`,
    '- skipped: the time estimated from the previous size exceeds the budget; error: the contender threw (message shown).',
    imported
      ? `- Imported rows (source: ${imported.source}). Settings: ${imported.settings}. Libraries: ${imported.libraries}.`
      : '- No imported peer figures were found.',
    '',
  );
  return out.join('\n');
}
