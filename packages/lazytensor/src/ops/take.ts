/**
 * Running core-ir's take kernel: `out[k] = convert(src[index[k]])`, or a plain dtype conversion
 * without an index. Index arrays computed from shapes on the host are uploaded as int32; an index
 * outside the source gives `fill`.
 */
import { takeSpec } from '@symtensor/core-ir';
import type { RawOutput } from '../autograd/record.js';
import { allocHost, checkBackendDType, type TensorDType } from '../tensor/dtype.js';
import { type Shape, sizeOf } from '../tensor/shape.js';
import { Storage } from '../tensor/storage.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Takes `src` elements at `index` (host int32 array, int32 tensor, or null for `out[k] = src[k]`)
 * into a new buffer of `outShape` and `dtype` (default: the source's). `name` labels errors.
 */
export function runTake(
  name: string,
  src: Tensor,
  index: Int32Array | Tensor | null,
  outShape: Shape,
  options: { dtype?: TensorDType; fill?: number } = {},
): RawOutput {
  const { backend } = src;
  const dtype = options.dtype ?? src.dtype;
  const n = sizeOf(outShape);
  checkBackendDType(backend, dtype, name);
  if (n === 0)
    return { storage: new Storage(backend, backend.upload(allocHost(dtype, 0))), shape: outShape, dtype };
  const spec = takeSpec({
    dtype,
    srcDtype: src.dtype,
    indexed: index !== null,
    ...(options.fill === undefined ? {} : { fill: options.fill }),
  });
  let uploaded: ReturnType<typeof backend.upload> | undefined;
  if (index instanceof Int32Array) {
    checkBackendDType(backend, 'int32', `${name} (index buffer)`);
    uploaded = backend.upload(index);
  }
  try {
    const args = [src.bufferFor(name)];
    if (index !== null) args.push(uploaded ?? (index as Tensor).bufferFor(`${name} (index)`));
    const [out] = backend.run(spec, { args, nx: n, ny: 0 });
    return { storage: new Storage(backend, out!), shape: outShape, dtype };
  } finally {
    // The run is enqueued and holds what it reads.
    if (uploaded) backend.free(uploaded);
  }
}
