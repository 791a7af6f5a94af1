/** The worker pool: a worker killed mid-run rejects that run with a WorkerCrashError, and the pool recovers. */
import { exp, mapSpec, minus, Reduction, reductionSpec, sqDist, variable } from '@symtensor/core-ir';
import { describe, expect, it } from 'vitest';
import { cpu, WorkerCrashError } from '../src/index.js';
import { expectMatchesReference, freshSeed, randomArray, rng, TOL } from './helpers.js';

const spec = reductionSpec({
  formula: exp(minus(sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')))),
  reduction: Reduction.Sum,
  axis: 'j',
});

describe('worker pool', () => {
  it('rejects the pending run when a worker dies, then runs again', async () => {
    const backend = cpu({ threads: 2, inlineWork: 0 });
    try {
      const seed = freshSeed();
      const rand = rng(seed);
      // Large enough (2e8 pairs) that the workers are still busy when one is killed.
      const x = backend.upload(randomArray('float32', 20_000 * 3, rand));
      const y = backend.upload(randomArray('float32', 10_000 * 3, rand));
      const [out] = backend.run(spec, { args: [x, y], nx: 20_000, ny: 10_000 });
      // `run` returned at once; wait until the run has been handed to the workers, then kill one.
      while (!backend.workerPool?.workers.length) await new Promise((r) => setTimeout(r, 1));
      await backend.workerPool.workers[0]!.terminate();
      const failure = await backend.download(out!).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(WorkerCrashError);
      expect(String(failure)).toMatch(/worker thread 0 exited .* running the kernel again is safe/);
      // A run reading the failed output is refused with a clear message.
      const [again] = backend.run(mapSpec({ formula: variable(0, 1, 'i') }), {
        args: [out!],
        nx: 20_000,
        ny: 0,
      });
      await expect(backend.download(again!)).rejects.toThrow(/comes from a run that failed/);
      // The next run replaces the dead worker and is correct.
      await expectMatchesReference(
        backend,
        {
          spec,
          args: [randomArray('float32', 300 * 3, rand), randomArray('float32', 400 * 3, rand)],
          nx: 300,
          ny: 400,
        },
        TOL.float32,
        seed,
      );
      expect(backend.workerPool.workers.length).toBe(2);
    } finally {
      await backend.dispose();
    }
  });

  it('run returns before the work is done; download and sync wait for it', async () => {
    const backend = cpu({ threads: 2, inlineWork: 0 });
    try {
      const rand = rng(freshSeed());
      const x = backend.upload(randomArray('float32', 4000 * 3, rand));
      const y = backend.upload(randomArray('float32', 4000 * 3, rand));
      let done = false;
      const [out] = backend.run(spec, { args: [x, y], nx: 4000, ny: 4000 });
      const pending = backend.sync().then(() => {
        done = true;
      });
      expect(done).toBe(false);
      await pending;
      expect((await backend.download(out!)).length).toBe(4000);
    } finally {
      await backend.dispose();
    }
  });

  it('memory() counts live buffers; free and dispose release them', async () => {
    const backend = cpu({ threads: 0 });
    const x = backend.upload(new Float32Array(30));
    const y = backend.upload(new Float32Array(60));
    expect(backend.memory()).toEqual({ buffers: 2, bytes: 360 });
    const [out] = backend.run(spec, { args: [x, y], nx: 10, ny: 20 });
    expect(backend.memory()).toEqual({ buffers: 3, bytes: 400 });
    backend.free(x);
    backend.free(x);
    expect(backend.memory()).toEqual({ buffers: 2, bytes: 280 });
    // The run enqueued before free() still reads x.
    expect(Array.from(await backend.download(out!))).toEqual(new Array(10).fill(20));
    await backend.dispose();
    expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
  });
});
