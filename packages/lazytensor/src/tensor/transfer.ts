/** Moving data between the device and the host, or between backends: the only waiting points. */
import type { Backend } from '@symtensor/core-ir';
import { checkBackendDType, type HostArray } from './dtype.js';
import { Storage } from './storage.js';
import { Tensor } from './tensor.js';

/** A host copy of the tensor's data, once the kernels writing it are done. */
export async function download(t: Tensor): Promise<HostArray> {
  const data = await t.backend.download(t.bufferFor('data()'));
  return data as HostArray;
}

/** Uploads host data as a new tensor on `backend` (the data are copied). */
export function upload(
  backend: Backend,
  data: HostArray,
  shape: readonly number[],
  requiresGrad = false,
): Tensor {
  const dtype = data instanceof Float64Array ? 'float64' : data instanceof Float32Array ? 'float32' : 'int32';
  checkBackendDType(backend, dtype, 'tensor');
  return Tensor.wrap({ storage: new Storage(backend, backend.upload(data)), shape, dtype, requiresGrad });
}

/** A copy of `t` on `backend` (cut from the autograd tape). */
export async function moveTo(t: Tensor, backend: Backend): Promise<Tensor> {
  checkBackendDType(backend, t.dtype, 'to(backend)');
  const data = await download(t);
  return upload(backend, data, t.shape);
}
