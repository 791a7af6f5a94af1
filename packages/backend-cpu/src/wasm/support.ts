/**
 * Whether this runtime runs WebAssembly SIMD: `WebAssembly.validate` of a module using a v128
 * operation (Node >= 16.4 and current browsers do; some embedded or locked-down runtimes lack
 * WebAssembly or its SIMD proposal). Checked once.
 */
import { encodeModule, FuncBuilder, Op, Simd } from './encoder.js';
import { f32x4 } from './vmath.js';

let cached: boolean | undefined;

export function wasmSimdSupported(): boolean {
  if (cached !== undefined) return cached;
  const wa = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (!wa) {
    cached = false;
    return cached;
  }
  const body = new FuncBuilder(0);
  f32x4(body, 2).simd(Simd.f32x4Sqrt).op(Op.drop);
  try {
    cached = wa.validate(encodeModule({ imports: [], params: [], body }));
  } catch {
    cached = false;
  }
  return cached;
}
