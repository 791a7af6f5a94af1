/**
 * `pnpm bench [suites...] [options]`: runs the benchmarks, prints the summary table on stdout and
 * writes results/<timestamp>-<machine>.json, results/report.md and results/plots/*.svg.
 * Exit status: 0 when every measurement is correct, 1 when a result FAILED its check or a
 * contender threw, 2 on a usage error.
 */
import { resolve } from 'node:path';
import { parseArgs } from './args.js';
import { UsageError } from './errors.js';
import { formatTable } from './report/table.js';
import { runBench } from './run-bench.js';

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return 0;
  }
  const { result, files } = await runBench(parsed.options);
  process.stdout.write(`\n${formatTable(result)}\n\n`);
  // Absolute paths: `pnpm bench` runs in apps/benchmarks, not where the user typed the command.
  process.stdout.write(
    `results: ${resolve(files.json)}\nreport:  ${resolve(files.report)}\nplots:   ${files.plots.length} SVG file(s) in ${resolve(parsed.options.out, 'plots')}\n`,
  );
  return result.measurements.some((m) => m.status === 'failed' || m.status === 'error') ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(
      `${e instanceof UsageError ? `bench: ${e.message}` : e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
