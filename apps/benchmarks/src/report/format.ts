/** Number formatting shared by the terminal table and the Markdown report. */
import type { CheckOutcome } from '../check/check.js';
import type { Measurement } from '../result.js';

/** Seconds with a unit that keeps 3 significant digits: "845 µs", "12.3 ms", "1.52 s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s < 1e-3) return `${(s * 1e6).toPrecision(3)} µs`;
  if (s < 1) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${s.toPrecision(3)} s`;
}

/** A rate in scientific notation, "1.23e8". */
function formatRate(perSecond: number): string {
  return perSecond.toExponential(2).replace('e+', 'e');
}

function formatCheck(c: CheckOutcome): string {
  const verdict = c.passed ? 'ok' : 'FAILED';
  // Approximate kNN: the recall itself reads better than its complement.
  const recall = /^1 - (recall@\d+)$/.exec(c.metric);
  if (recall && Number.isFinite(c.error))
    return `${verdict} ${recall[1]} ${(1 - c.error).toFixed(4)} ${c.passed ? '>=' : '<'} ${(1 - c.tolerance).toFixed(2)}`;
  const err = Number.isFinite(c.error) ? c.error.toExponential(1) : String(c.error);
  return `${verdict} ${err} ${c.passed ? '<=' : '>'} ${c.tolerance.toExponential(0)}`;
}

/** The cells of one measurement: median, min-max, spread, pairs/s, first run, check (or why not). */
export function measurementCells(m: Measurement): [string, string, string, string, string, string] {
  const first = m.firstRunS === undefined ? '' : formatSeconds(m.firstRunS);
  if (m.status === 'ok' && m.stats && m.check) {
    const { median, min, max, spread, n } = m.stats;
    return [
      formatSeconds(median),
      `${formatSeconds(min)} - ${formatSeconds(max)} (n=${n})`,
      `${(spread * 100).toFixed(0)}%`,
      formatRate(m.pairs / median),
      first,
      formatCheck(m.check),
    ];
  }
  if (m.status === 'failed' && m.check)
    return [
      'FAILED',
      '',
      '',
      '',
      first,
      `${formatCheck(m.check)}${m.check.note ? ` (${m.check.note})` : ''}`,
    ];
  return [m.status, '', '', '', first, m.reason ?? ''];
}
