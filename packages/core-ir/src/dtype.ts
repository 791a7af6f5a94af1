/** Element types that buffers can hold. Reductions return `int32` indices. */
export type DType = 'float16' | 'float32' | 'float64' | 'int32';

/** Floating-point element types a kernel can compute in. */
export type FloatDType = 'float16' | 'float32' | 'float64';

/** Typed array matching each dtype (float16 data travel as raw 16-bit words). */
export type TypedArrayFor<D extends DType> = D extends 'float64'
  ? Float64Array
  : D extends 'float32'
    ? Float32Array
    : D extends 'int32'
      ? Int32Array
      : Uint16Array;

export type TypedArray = Float64Array | Float32Array | Int32Array | Uint16Array;

/** Bytes per element. */
export function byteSize(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'float16' ? 2 : 4;
}

/** A fresh zeroed typed array of the dtype. */
export function allocTyped(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float64':
      return new Float64Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'float16':
      return new Uint16Array(length);
  }
}

/** The dtype a typed array holds (Uint16Array is read as float16 words). */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  return 'float16';
}
