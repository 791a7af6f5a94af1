/**
 * The progress bar of long runs (cli-progress), drawn on stderr so that stdout keeps only the
 * table. Only drawn when stderr is a terminal: CI logs and piped output stay clean.
 */
import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  start(total: number): void;
  /** Names the step now running. */
  working(task: string): void;
  /** Marks one step done. */
  advance(): void;
  stop(): void;
}

export function createProgress(enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY) return { start() {}, working() {}, advance() {}, stop() {} };
  const bar = new SingleBar(
    {
      format: ' {bar} {value}/{total} | {duration_formatted} | {task}',
      hideCursor: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(total, 0, { task: '' }),
    working: (task) => bar.update({ task }),
    advance: () => bar.increment(),
    stop: () => bar.stop(),
  };
}
