/**
 * Writes a run's outputs into the output folder: `<timestamp>-<machine>.json` (kept: one file per
 * run, so runs can be compared later), `report.md` and `plots/<suite>.svg` (the latest run's).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResult } from '../result.js';
import type { ImportedPeers } from './imported.js';
import { machineSlug } from './machine.js';
import { renderMarkdown } from './markdown.js';
import { renderPlot } from './plots.js';

export interface WrittenFiles {
  readonly json: string;
  readonly report: string;
  readonly plots: readonly string[];
}

/** "2026-11-21T15:04:05.123Z" -> "2026-11-21T15-04-05Z": sortable and valid on every file system. */
function fileTimestamp(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export async function writeOutputs(
  result: BenchResult,
  imported: ImportedPeers | undefined,
  outDir: string,
): Promise<WrittenFiles> {
  await mkdir(join(outDir, 'plots'), { recursive: true });
  const json = join(outDir, `${fileTimestamp(result.startedAt)}-${machineSlug(result.machine)}.json`);
  await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
  // Paths relative to report.md, so the folder can be moved or published as a whole.
  const plotLinks = new Map<string, string>();
  const plots: string[] = [];
  for (const suite of result.suites) {
    const svg = await renderPlot(suite, result.measurements, imported, result.machine.description);
    if (!svg) continue;
    const file = join(outDir, 'plots', `${suite.id}.svg`);
    await writeFile(file, svg);
    plots.push(file);
    plotLinks.set(suite.id, `plots/${suite.id}.svg`);
  }
  const report = join(outDir, 'report.md');
  await writeFile(report, renderMarkdown(result, imported, plotLinks));
  return { json, report, plots };
}
