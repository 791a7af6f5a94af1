/**
 * The buffer contract: upload copies (bit for bit, signed zeros and NaN included), download
 * returns the same dtype and length, memory() counts live buffers and bytes, free releases them,
 * a freed buffer is refused with ValueError, and dispose() resolves.
 */
import type { DeviceBuffer } from '../../backend.js';
import { allocTyped, type DType, type TypedArray } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { exp, variable } from '../../formula/build.js';
import { mapSpec } from '../../kernel/spec.js';
import type { ConformanceTest, TestContext, TestGroup } from './common.js';

const STORED: readonly DType[] = ['float32', 'float64', 'int32'];

function randomData(ctx: TestContext, dtype: DType, n: number): TypedArray {
  const data = allocTyped(dtype, n);
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0];
  for (let k = 0; k < n; k++)
    data[k] =
      dtype === 'int32'
        ? ctx.rng.int(-(2 ** 31), 2 ** 31)
        : k < specials.length
          ? specials[k]!
          : ctx.rng.uniform(-1e3, 1e3);
  return data;
}

function sameBits(a: TypedArray, b: TypedArray): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, k) => v === y[k]);
}

const test = (name: string, run: (ctx: TestContext) => Promise<void>): ConformanceTest => ({ name, run });

export function bufferGroup(): TestGroup {
  return {
    name: 'buffers',
    once: true,
    tests: [
      test('upload / download round trip in every stored dtype', async (ctx) => {
        const { backend } = ctx;
        for (const dtype of STORED.filter((d) => backend.dtypes.includes(d))) {
          for (const n of [0, 1, 1001]) {
            const data = randomData(ctx, dtype, n);
            const buf = backend.upload(data);
            try {
              if (buf.dtype !== dtype || buf.length !== n || buf.backend !== backend.name)
                throw new Error(`upload of ${n} ${dtype} gave ${JSON.stringify(buf)}`);
              // Upload copies: changing the host array afterwards must not reach the buffer.
              const expected = data.slice();
              if (n > 0) data[0] = 7;
              const back = await backend.download(buf);
              if (!sameBits(back, expected))
                throw new Error(`download of ${n} ${dtype} differs from the upload`);
            } finally {
              backend.free(buf);
            }
          }
        }
      }),
      test('memory() counts live buffers and bytes; free releases them', async (ctx) => {
        const { backend } = ctx;
        const before = backend.memory();
        const data = randomData(ctx, 'float32', 257);
        const buf = backend.upload(data);
        const during = backend.memory();
        if (during.buffers !== before.buffers + 1 || during.bytes !== before.bytes + data.byteLength)
          throw new Error(
            `after one upload of ${data.byteLength} bytes: ${JSON.stringify(before)} -> ${JSON.stringify(during)}`,
          );
        backend.free(buf);
        const after = backend.memory();
        if (after.buffers !== before.buffers || after.bytes !== before.bytes)
          throw new Error(`after free: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
      }),
      test('a freed buffer is refused with ValueError', async (ctx) => {
        const { backend } = ctx;
        const buf: DeviceBuffer = backend.upload(randomData(ctx, 'float32', 12));
        backend.free(buf);
        let error: unknown;
        try {
          await backend.download(buf);
        } catch (e) {
          error = e;
        }
        if (!(error instanceof ValueError))
          throw new Error(`download of a freed buffer: expected ValueError, got ${String(error)}`);
        const spec = mapSpec({ formula: exp(variable(0, 3, 'i')), dtype: 'float32' });
        error = undefined;
        try {
          backend.run(spec, { args: [buf], nx: 4, ny: 0 });
        } catch (e) {
          error = e;
        }
        if (!(error instanceof ValueError))
          throw new Error(`run on a freed buffer: expected ValueError, got ${String(error)}`);
      }),
      test('dispose() releases a fresh backend', async (ctx) => {
        const other = await ctx.makeBackend();
        other.upload(randomData(ctx, 'float32', 5));
        await other.dispose();
      }),
    ],
  };
}
