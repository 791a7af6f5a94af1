/**
 * The data-movement kernel `take`: gathers with out-of-range indices (fill), unindexed casts
 * between float and int32, and an empty output. Moving data is exact, so every element must equal
 * the reference bit for bit (NaN matching NaN).
 */
import type { Backend, DeviceBuffer } from '../../backend.js';
import { allocTyped, type DType, type TypedArray } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../../errors.js';
import { type TakeSpec, takeReference, takeSpec } from '../../kernel/take.js';
import type { Rng } from '../random.js';
import type { ConformanceTest, TestGroup } from './common.js';

async function runTake(
  backend: Backend,
  spec: TakeSpec,
  src: TypedArray,
  index: Int32Array | undefined,
  n: number,
) {
  const bufs: DeviceBuffer[] = [backend.upload(src), ...(index ? [backend.upload(index)] : [])];
  try {
    const outs = backend.run(spec, { args: bufs, nx: n, ny: 0 });
    if (outs.length !== 1) throw new Error(`take returned ${outs.length} outputs, expected 1`);
    const got = await backend.download(outs[0]!);
    backend.free(outs[0]!);
    const want = allocTyped(spec.dtype, n);
    want.set(takeReference(spec, src, index, n));
    if (got.length !== n) throw new Error(`take output has ${got.length} elements, expected ${n}`);
    if (got.constructor !== want.constructor)
      throw new Error(`take output is a ${got.constructor.name}, expected ${want.constructor.name}`);
    for (let k = 0; k < n; k++)
      if (!Object.is(got[k], want[k]) && !(got[k] === 0 && want[k] === 0))
        throw new Error(`take output[${k}] = ${got[k]}, expected ${want[k]} (index ${index?.[k] ?? k})`);
  } finally {
    for (const b of bufs) backend.free(b);
  }
}

function randomSource(rng: Rng, dtype: DType, n: number): TypedArray {
  const a = allocTyped(dtype, n);
  for (let k = 0; k < n; k++)
    a[k] = dtype === 'int32' ? Math.floor(rng.next() * 2e6) - 1e6 : rng.next() * 20 - 10;
  return a;
}

export function takeGroup(): TestGroup {
  const tests: ConformanceTest[] = [
    {
      name: 'gather with out-of-range indices',
      async run({ backend, dtype, rng }) {
        const src = randomSource(rng, dtype, 1000);
        const index = Int32Array.from({ length: 777 }, () => Math.floor(rng.next() * 1010) - 5);
        await runTake(backend, takeSpec({ dtype }), src, index, 777);
        await runTake(backend, takeSpec({ dtype, fill: 0 }), src, index, 777);
        await runTake(backend, takeSpec({ dtype }), src, new Int32Array(0), 0);
      },
    },
    {
      name: 'int32 gather and casts',
      async run({ backend, dtype, rng }) {
        const ints = randomSource(rng, 'int32', 500);
        const index = Int32Array.from({ length: 300 }, () => Math.floor(rng.next() * 520) - 10);
        await runTake(backend, takeSpec({ dtype: 'int32' }), ints, index, 300);
        await runTake(backend, takeSpec({ dtype, srcDtype: 'int32', indexed: false }), ints, undefined, 500);
        const floats = allocTyped(dtype, 9);
        floats.set([
          3.7,
          -3.7,
          0.5,
          -0.5,
          Number.NaN,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          1e10,
          -2147483648,
        ]);
        await runTake(
          backend,
          takeSpec({ dtype: 'int32', srcDtype: dtype, indexed: false }),
          floats,
          undefined,
          9,
        );
        await runTake(
          backend,
          takeSpec({ dtype: 'int32', srcDtype: dtype, indexed: false, fill: 7 }),
          floats,
          undefined,
          9,
        );
      },
    },
    {
      name: 'bad input',
      async run({ backend, dtype }) {
        const src = backend.upload(allocTyped(dtype, 4));
        const idx = backend.upload(new Int32Array(3));
        const wrongIdx = backend.upload(allocTyped(dtype, 3));
        try {
          const spec = takeSpec({ dtype });
          const expect = (fn: () => unknown, cls: new (...a: never[]) => Error, part: string) => {
            try {
              fn();
            } catch (e) {
              if (e instanceof cls && e.message.includes(part)) return;
              throw new Error(`expected ${cls.name} naming '${part}', got ${String(e)}`);
            }
            throw new Error(`expected ${cls.name} naming '${part}', got no error`);
          };
          expect(() => backend.run(spec, { args: [src], nx: 3, ny: 0 }), ValueError, 'args[1]');
          expect(() => backend.run(spec, { args: [src, wrongIdx], nx: 3, ny: 0 }), DTypeError, 'args[1]');
          expect(() => backend.run(spec, { args: [src, idx], nx: 2, ny: 0 }), ShapeError, 'args[1]');
          expect(
            () => backend.run(takeSpec({ dtype, indexed: false }), { args: [src], nx: 3, ny: 0 }),
            ShapeError,
            'args[0]',
          );
        } finally {
          for (const b of [src, idx, wrongIdx]) backend.free(b);
        }
      },
    },
  ];
  return { name: 'take', tests };
}
