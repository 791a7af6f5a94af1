/**
 * Bad input gets the typed errors of `planRun`, naming the argument, thrown by `run` itself (not
 * by a later download), and allocates nothing: missing arguments, wrong lengths, wrong dtypes,
 * buffers of another backend, batch shapes that do not broadcast, bad sizes, bad ranges, ranges on
 * a map, and a compute dtype the backend does not list.
 */
import type { Backend, DeviceBuffer, RunOptions } from '../../backend.js';
import { allocTyped, type DType } from '../../dtype.js';
import { DTypeError, ShapeError, type SymtensorError, ValueError } from '../../errors.js';
import { exp, minus, mul, sqDist, variable } from '../../formula/build.js';
import { type KernelSpec, mapSpec, reductionSpec } from '../../kernel/spec.js';
import { Reduction } from '../../reductions/types.js';
import type { ConformanceTest, TestContext, TestGroup } from './common.js';

type ErrorClass = new (...args: never[]) => SymtensorError;

/** Runs `fn`, which must throw an instance of `cls` whose message contains `part`. */
function expectThrows(what: string, fn: () => unknown, cls: ErrorClass, part: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof cls))
    throw new Error(`${what}: expected ${cls.name}, got ${error === undefined ? 'no error' : String(error)}`);
  if (!error.message.includes(part))
    throw new Error(`${what}: the ${cls.name} message should name '${part}': ${error.message}`);
}

const x = variable(0, 3, 'i');
const y = variable(1, 3, 'j');
const b = variable(2, 1, 'j');
const formula = mul(exp(minus(sqDist(x, y))), b);
const NX = 4;
const NY = 5;

/** Uploads valid inputs for `formula`, runs `body`, frees everything, checks nothing leaked. */
async function withInputs(
  ctx: TestContext,
  body: (spec: KernelSpec, args: DeviceBuffer[], ok: RunOptions) => void | Promise<void>,
): Promise<void> {
  const { backend, dtype } = ctx;
  const spec = reductionSpec({ formula, reduction: Reduction.Sum, axis: 'j', dtype });
  const before = backend.memory();
  const args = [allocTyped(dtype, NX * 3), allocTyped(dtype, NY * 3), allocTyped(dtype, NY)].map((a) =>
    backend.upload(a),
  );
  try {
    await body(spec, args, { args, nx: NX, ny: NY });
  } finally {
    for (const a of args) backend.free(a);
  }
  const after = backend.memory();
  if (after.buffers !== before.buffers || after.bytes !== before.bytes)
    throw new Error(`a refused run leaked memory: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
}

const test = (name: string, run: (ctx: TestContext) => Promise<void>): ConformanceTest => ({ name, run });

/** A dtype the backend stores that is not `dtype` (for wrong-dtype arguments), if any. */
function otherDtype(backend: Backend, dtype: DType): DType | undefined {
  return (['float64', 'float32', 'int32'] as const).find((d) => d !== dtype && backend.dtypes.includes(d));
}

export function errorGroup(): TestGroup {
  return {
    name: 'bad input',
    tests: [
      test('missing argument: ValueError', (ctx) =>
        withInputs(ctx, (spec, [a, , c]) =>
          expectThrows(
            'args[1] missing',
            () => ctx.backend.run(spec, { args: [a, undefined, c], nx: NX, ny: NY }),
            ValueError,
            'args[1]',
          ),
        )),
      test('wrong buffer lengths: ShapeError', (ctx) =>
        withInputs(ctx, (spec, args) => {
          expectThrows(
            'ny too large for args[1]',
            () => ctx.backend.run(spec, { args, nx: NX, ny: NY + 1 }),
            ShapeError,
            'args[1]',
          );
          expectThrows(
            'nx too small for args[0]',
            () => ctx.backend.run(spec, { args, nx: NX - 1, ny: NY }),
            ShapeError,
            'args[0]',
          );
          const short = ctx.backend.upload(allocTyped(ctx.dtype, NY * 3 - 1));
          try {
            expectThrows(
              'short args[1]',
              () => ctx.backend.run(spec, { args: [args[0], short, args[2]], nx: NX, ny: NY }),
              ShapeError,
              'args[1]',
            );
          } finally {
            ctx.backend.free(short);
          }
        })),
      test('wrong dtype: DTypeError', async (ctx) => {
        const other = otherDtype(ctx.backend, ctx.dtype);
        if (!other) return ctx.skip(`${ctx.backend.name} stores a single dtype`);
        await withInputs(ctx, (spec, args) => {
          const wrong = ctx.backend.upload(allocTyped(other, NY * 3));
          try {
            expectThrows(
              `${other} args[1]`,
              () => ctx.backend.run(spec, { args: [args[0], wrong, args[2]], nx: NX, ny: NY }),
              DTypeError,
              'args[1]',
            );
          } finally {
            ctx.backend.free(wrong);
          }
        });
      }),
      test("another backend's buffer: ValueError", (ctx) =>
        withInputs(ctx, (spec, args) => {
          const foreign: DeviceBuffer = {
            backend: `not-${ctx.backend.name}`,
            dtype: ctx.dtype,
            length: NY * 3,
          };
          expectThrows(
            'foreign args[1]',
            () => ctx.backend.run(spec, { args: [args[0], foreign, args[2]], nx: NX, ny: NY }),
            ValueError,
            'args[1]',
          );
        })),
      test('batch shapes that do not broadcast: ShapeError', (ctx) =>
        withInputs(ctx, (spec, args) => {
          expectThrows(
            'argBatch [3] against batch [2]',
            () => ctx.backend.run(spec, { args, nx: NX, ny: NY, batch: [2], argBatch: [[3], [1], [1]] }),
            ShapeError,
            'args[0]',
          );
        })),
      test('bad sizes: ValueError', (ctx) =>
        withInputs(ctx, (spec, args) => {
          expectThrows('nx = -1', () => ctx.backend.run(spec, { args, nx: -1, ny: NY }), ValueError, 'nx');
          expectThrows('ny = 2.5', () => ctx.backend.run(spec, { args, nx: NX, ny: 2.5 }), ValueError, 'ny');
        })),
      test('bad ranges: ShapeError and ValueError', (ctx) =>
        withInputs(ctx, (spec, args) => {
          const run = (rows: number[], slices: number[], redRanges: number[]) => () =>
            ctx.backend.run(spec, {
              args,
              nx: NX,
              ny: NY,
              ranges: {
                rows: Int32Array.from(rows),
                slices: Int32Array.from(slices),
                redRanges: Int32Array.from(redRanges),
              },
            });
          expectThrows('rows of the wrong length', run([0, 2, 2], [1], [0, 5]), ShapeError, 'ranges.rows');
          expectThrows('row cluster past nx', run([0, NX + 1], [1], [0, 5]), ValueError, 'ranges.rows');
          expectThrows(
            'reduced range past ny',
            run([0, NX], [1], [0, NY + 1]),
            ValueError,
            'ranges.redRanges',
          );
          expectThrows('decreasing slices', run([0, 2, 2, 4], [1, 0], [0, 5]), ValueError, 'ranges.slices');
        })),
      test('ranges on a map: ValueError', (ctx) =>
        withInputs(ctx, (_spec, args) => {
          const spec = mapSpec({ formula: exp(x), dtype: ctx.dtype });
          const ranges = {
            rows: Int32Array.of(0, NX),
            slices: Int32Array.of(1),
            redRanges: Int32Array.of(0, 1),
          };
          expectThrows(
            'map with ranges',
            () => ctx.backend.run(spec, { args: [args[0]], nx: NX, ny: 0, ranges }),
            ValueError,
            'ranges',
          );
        })),
      test('a compute dtype the backend does not list: DTypeError', async (ctx) => {
        const missing = (['float16', 'float32', 'float64'] as const).find(
          (d) => !ctx.backend.dtypes.includes(d),
        );
        if (!missing) return ctx.skip(`${ctx.backend.name} lists every float dtype`);
        const spec = reductionSpec({ formula, reduction: Reduction.Sum, axis: 'j', dtype: missing });
        // Valid buffers of the suite's dtype: refused either for the kernel's dtype or for theirs.
        await withInputs(ctx, (_spec, _args, ok) =>
          expectThrows(`a ${missing} kernel`, () => ctx.backend.run(spec, ok), DTypeError, ''),
        );
      }),
    ],
  };
}
