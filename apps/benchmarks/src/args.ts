/**
 * Command-line parsing (commander). Parsing is a pure function of argv: it never exits or prints,
 * so tests call it directly; bad input is a UsageError saying what to write instead.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { BACKEND_NAMES } from './backends/registry.js';
import { BASELINE_NAMES } from './baselines/registry.js';
import { UsageError } from './errors.js';
import { type BenchOptions, modeDefaults } from './options.js';
import { selectSuites, suiteNames } from './suites/registry.js';

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: BenchOptions }
  | { readonly kind: 'help'; readonly text: string };

/** Smallest N accepted: kNN needs N >= K = 10, and below a few dozen points nothing meaningful is timed. */
const MIN_SIZE = 16;

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function names(allowed: readonly string[], what: string, extra: readonly string[] = []) {
  return (value: string): string[] => {
    const items = list(value);
    const bad = items.filter((n) => !allowed.includes(n) && !extra.includes(n));
    if (items.length === 0) throw new InvalidArgumentError(`give at least one ${what}`);
    if (bad.length > 0)
      throw new InvalidArgumentError(
        `unknown ${what} ${bad.join(', ')}; choose from ${[...allowed, ...extra].join(', ')}`,
      );
    return items;
  };
}

/** Sizes such as "1e3,1e4,30000": integers >= MIN_SIZE, scientific notation allowed. */
function sizes(value: string): number[] {
  const items = list(value);
  if (items.length === 0) throw new InvalidArgumentError('give at least one size, e.g. 1e3,1e4');
  return items.map((s) => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < MIN_SIZE)
      throw new InvalidArgumentError(`size '${s}' is not an integer >= ${MIN_SIZE} (write e.g. 1000 or 1e3)`);
    return n;
  });
}

function positive(integer: boolean) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`'${value}' is not a positive ${integer ? 'integer' : 'number'}`);
    return n;
  };
}

function program(): Command {
  return new Command('bench')
    .description(
      'Benchmarks symtensor backends against in-process baselines, with a float64 correctness check of every result.',
    )
    .argument('[suites...]', `suite ids or groups (default: all): ${suiteNames().join(', ')}`)
    .option(
      '--backend <list>',
      `comma-separated backends: ${BACKEND_NAMES.join(', ')} (default: cpu, or reference if cpu cannot load)`,
      names(BACKEND_NAMES, 'backend'),
    )
    .option(
      '--baselines <list>',
      `comma-separated baselines: ${BASELINE_NAMES.join(', ')}, or none (default: all)`,
      names(BASELINE_NAMES, 'baseline', ['none']),
    )
    .option(
      '--sizes <list>',
      'N sweep for every selected suite, e.g. 1e3,1e4,3e4 (default: per suite)',
      sizes,
    )
    .option('--quick', 'small sizes and fewer repeats: finishes in under two minutes on two cores')
    .option('--out <dir>', 'output folder for results JSON, report.md and plots', 'results')
    .option(
      '--repeats <n>',
      'timed runs per measurement after the warm-up (default 5, quick 3)',
      positive(true),
    )
    .option('--budget <seconds>', 'time budget of one measurement (default 30, quick 4)', positive(false))
    .option(
      '--check-pairs <n>',
      'reference pairs per correctness check (default 2e5, quick 5e4; at least 20 rows)',
      positive(true),
    )
    .option('--no-progress', 'do not draw the progress bar')
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
}

interface RawOptions {
  backend?: string[];
  baselines?: string[];
  sizes?: number[];
  quick?: boolean;
  out: string;
  repeats?: number;
  budget?: number;
  checkPairs?: number;
  progress: boolean;
}

/** Parses the user's arguments (without `node` and the script). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let help = '';
  const cmd = program().configureOutput({
    writeOut: (s) => {
      help += s;
    },
    writeErr: () => {},
  });
  // `pnpm bench -- --quick` forwards the separator; it is not a suite name.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  try {
    cmd.parse(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return { kind: 'help', text: help };
      throw new UsageError(`${e.message.replace(/^error: /, '')} (see --help)`);
    }
    throw e;
  }
  const o = cmd.opts<RawOptions>();
  const quick = o.quick === true;
  const d = modeDefaults(quick);
  const suites = cmd.processedArgs[0] as string[];
  // Validated now, so a typo fails before any backend is loaded.
  selectSuites(suites);
  return {
    kind: 'run',
    options: {
      suites,
      backends: o.backend,
      baselines: o.baselines?.includes('none') ? [] : (o.baselines ?? BASELINE_NAMES),
      sizes: o.sizes,
      quick,
      out: o.out,
      repeats: o.repeats ?? d.repeats,
      budgetS: o.budget ?? d.budgetS,
      checkPairs: o.checkPairs ?? d.checkPairs,
      progress: o.progress,
    },
  };
}
