/** Bad input: typed errors that name the argument and say what to do. */
import {
  DTypeError,
  mapSpec,
  Reduction,
  reductionSpec,
  ShapeError,
  sqDist,
  ValueError,
  variable,
} from '@symtensor/core-ir';
import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../src/index.js';

const spec = reductionSpec({
  formula: sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')),
  reduction: Reduction.Min,
  axis: 'j',
});

describe('bad input', () => {
  const backend = cpu({ threads: 0 });
  afterAll(() => backend.dispose());

  it('float16 data and float16 kernels give DTypeErrors naming what is available', () => {
    expect(() => backend.upload(new Uint16Array(4))).toThrow(DTypeError);
    expect(() => backend.upload(new Uint16Array(4))).toThrow(/float32, float64, int32/);
    const f16 = mapSpec({ formula: variable(0, 1, 'i'), dtype: 'float16' });
    expect(() => backend.run(f16, { args: [backend.upload(new Float32Array(2))], nx: 2, ny: 0 })).toThrow(
      /computes in float32 and float64, not float16/,
    );
  });

  it('dtype and shape mismatches name the argument', () => {
    const x = backend.upload(new Float64Array(6));
    const y = backend.upload(new Float32Array(9));
    expect(() => backend.run(spec, { args: [x, y], nx: 2, ny: 3 })).toThrow(DTypeError);
    expect(() => backend.run(spec, { args: [x, y], nx: 2, ny: 3 })).toThrow(/args\[0\]/);
    const x32 = backend.upload(new Float32Array(7));
    expect(() => backend.run(spec, { args: [x32, y], nx: 2, ny: 3 })).toThrow(ShapeError);
    expect(() => backend.run(spec, { args: [backend.upload(new Float32Array(6))], nx: 2, ny: 3 })).toThrow(
      /args\[1\] is missing/,
    );
  });

  it('buffers of another backend, freed buffers and bad options are refused', async () => {
    const other = cpu({ threads: 0 });
    const foreign = other.upload(new Float32Array(6));
    const y = backend.upload(new Float32Array(9));
    expect(() => backend.run(spec, { args: [foreign, y], nx: 2, ny: 3 })).toThrow(
      /not a buffer of this cpu backend/,
    );
    const x = backend.upload(new Float32Array(6));
    backend.free(x);
    expect(() => backend.run(spec, { args: [x, y], nx: 2, ny: 3 })).toThrow(/args\[0\] was freed/);
    await expect(backend.download(x)).rejects.toThrow(ValueError);
    expect(() => cpu({ threads: -1 })).toThrow(/threads must be an integer >= 0/);
    expect(() => cpu({ tile: 0 })).toThrow(/tile must be an integer >= 1/);
    await other.dispose();
    expect(() => other.upload(new Float32Array(1))).toThrow(/disposed/);
  });
});
