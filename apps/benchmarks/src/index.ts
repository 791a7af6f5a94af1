/**
 * @symtensor/benchmarks: the benchmark CLI and its programmatic entry. `runBench(options)` measures
 * the selected suites on the selected backends and baselines, checks every result against the
 * float64 reference, and writes the JSON results, report.md and SVG plots.
 */
export { type ParsedArgs, parseArgs } from './args.js';
export { UsageError } from './errors.js';
export { type BenchOptions, modeDefaults } from './options.js';
export { formatTable } from './report/table.js';
export type { BenchResult, Measurement } from './result.js';
export { type BenchRun, runBench } from './run-bench.js';
