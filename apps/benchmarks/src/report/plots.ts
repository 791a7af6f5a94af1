/**
 * Log-log plots of time against N, one line per contender, like KeOps' benchmark figure. Specs are
 * written in Vega-Lite and rendered to SVG by Vega's headless renderer ('none' renderer + toSVG):
 * no canvas, no browser, no network. Imported peer figures are drawn dashed, so a line measured on
 * another machine is never mistaken for one from this run.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Measurement, SuiteEntry } from '../result.js';
import type { ImportedPeers, ImportedRow } from './imported.js';

interface Point {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly line: string;
  readonly source: 'this run' | 'imported';
}

/** The plotted points: this run's correct, timed measurements and the imported rows with a time. */
function plotPoints(
  suite: string,
  measurements: readonly Measurement[],
  imported: readonly ImportedRow[],
): Point[] {
  const own: Point[] = measurements
    .filter((m) => m.suite === suite && m.status === 'ok' && m.stats)
    .map((m) => ({
      n: m.n,
      median: m.stats!.median,
      min: m.stats!.min,
      max: m.stats!.max,
      line: m.contender,
      source: 'this run',
    }));
  const peers: Point[] = imported
    .filter((r) => r.suite === suite && r.medianS !== null)
    .map((r) => ({
      n: r.n,
      median: r.medianS!,
      min: r.minS ?? r.medianS!,
      max: r.maxS ?? r.medianS!,
      line: `${r.library} (imported)`,
      source: 'imported',
    }));
  return [...own, ...peers];
}

/**
 * The SVG plot of a suite, or undefined when this run timed nothing in it (a plot of imported
 * figures alone would look like a measurement of this machine).
 */
export async function renderPlot(
  suite: SuiteEntry,
  measurements: readonly Measurement[],
  imported: ImportedPeers | undefined,
  machine: string,
): Promise<string | undefined> {
  const values = plotPoints(suite.id, measurements, imported?.rows ?? []);
  if (!values.some((v) => v.source === 'this run')) return undefined;
  const x = { field: 'n', type: 'quantitative', scale: { type: 'log' }, title: 'N (= M)' } as const;
  const color = {
    field: 'line',
    type: 'nominal',
    title: null,
    scale: { scheme: 'category20' },
    legend: { labelLimit: 400 },
  } as const;
  const subtitle = [`solid: this run, ${machine}`];
  if (values.some((v) => v.source === 'imported'))
    subtitle.push(`dashed: imported peers, ${imported!.machine}`);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: suite.title, subtitle },
    width: 560,
    height: 360,
    data: { values },
    layer: [
      {
        mark: { type: 'rule' },
        encoding: {
          x,
          y: { field: 'min', type: 'quantitative', scale: { type: 'log' } },
          y2: { field: 'max' },
          color,
        },
      },
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: {
            field: 'median',
            type: 'quantitative',
            scale: { type: 'log' },
            title: 'median time (s), bars: min-max',
          },
          color,
          strokeDash: {
            field: 'source',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['this run', 'imported'],
              range: [
                [1, 0],
                [6, 3],
              ],
            },
            // The subtitle says solid vs dashed, and imported lines carry "(imported)" in their name.
            legend: null,
          },
        },
      },
    ],
  };
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
