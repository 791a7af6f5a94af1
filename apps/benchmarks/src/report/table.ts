/** The summary table printed in the terminal at the end of a run. */
import type { BenchResult } from '../result.js';
import { measurementCells } from './format.js';

const HEADER = [
  'suite',
  'contender',
  'size',
  'median',
  'min - max',
  'spread',
  'pairs/s',
  'first run',
  'check',
];

/** Left-aligned columns separated by two spaces, with a rule under the header. */
function align(rows: readonly (readonly string[])[]): string {
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function formatTable(result: BenchResult): string {
  const rows = result.measurements.map((m) => [m.suite, m.contender, m.sizeLabel, ...measurementCells(m)]);
  const lines = [align([HEADER, ...rows])];
  const unavailable = result.contenders.filter((c) => !c.available);
  if (unavailable.length + result.notes.length > 0) lines.push('');
  for (const c of unavailable) lines.push(`${c.kind} ${c.name}: unavailable: ${c.reason}`);
  for (const n of result.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
