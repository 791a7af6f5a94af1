/**
 * The data-movement kernel: out[k] = convert(src[index[k]]) (or src[k] unindexed), with `fill`
 * for an index outside the source and for a float that an int32 output cannot hold (core-ir's
 * `takeConvert`: NaN, infinities and values whose truncation leaves the int32 range).
 */
import type { DType, TakeSpec } from '@symtensor/core-ir';
import { BLOCK, type Printed, signature, type TakeLayout } from './layout.js';
import { literal } from './literals.js';

const CTYPE: Partial<Record<DType, 'float' | 'double' | 'int'>> = {
  float32: 'float',
  float64: 'double',
  int32: 'int',
};

export function takeLayout(spec: TakeSpec, ids: readonly string[]): TakeLayout {
  const src = CTYPE[spec.srcDtype]!;
  const dst = CTYPE[spec.dtype]!;
  return {
    kind: 'take',
    entry: `st_take_${ids[0]}`,
    params: [
      { name: 'src', ctype: `const ${src}* __restrict__` },
      ...(spec.indexed ? [{ name: 'index', ctype: 'const int* __restrict__' }] : []),
      { name: 'out', ctype: `${dst}* __restrict__` },
      { name: 'n', ctype: 'long long' },
      { name: 'srcLen', ctype: 'long long' },
    ],
  };
}

export function takeKernel(spec: TakeSpec, ids: readonly string[]): Printed<TakeLayout> {
  const layout = takeLayout(spec, ids);
  const src = CTYPE[spec.srcDtype]!;
  const dst = CTYPE[spec.dtype]!;
  const fill = literal(spec.fill, dst);
  // Float to int32: truncate in double, where both int32 bounds are exact; NaN fails the test.
  const convert =
    dst === 'int' && src !== 'int'
      ? `{ const double t = trunc((double)v); out[k] = t >= -2147483648.0 && t <= 2147483647.0 ? (int)t : ${fill}; }`
      : `out[k] = (${dst})v;`;
  const source = `extern "C" __global__ void __launch_bounds__(${BLOCK}) ${layout.entry}(${signature(layout.params)}) {
  for (long long k = (long long)blockIdx.x * ${BLOCK} + threadIdx.x; k < n; k += (long long)gridDim.x * ${BLOCK}) {
    const long long at = ${spec.indexed ? 'index[k]' : 'k'};
    if (at < 0 || at >= srcLen) { out[k] = ${fill}; continue; }
    const ${src} v = src[at];
    ${convert}
  }
}`;
  return { kernels: [source], layout };
}
