/**
 * A counter-based generator: value k of a stream is a hash of (seed, k), so a given seed gives the
 * same numbers on every machine and backend, in any order, and for any dtype (values are drawn in
 * float64 and rounded once).
 */
import { ValueError } from '@symtensor/core-ir';
import { lowbias32 as hash32 } from '@symtensor/core-ir/peer-inputs';

/** Two independent 32-bit words for counter k of the stream `seed`. */
function words(seed: number, k: number): [number, number] {
  const s = hash32(seed ^ 0x9e3779b9);
  const lo = k >>> 0;
  const hi = Math.floor(k / 2 ** 32) >>> 0;
  const a = hash32(hash32(lo ^ s) ^ hash32(hi + 0x632be5ab));
  const b = hash32(a ^ 0x85ebca6b ^ s);
  return [a, b];
}

/** Uniform in [0, 1) with 53 random bits, for counter k. */
function uniformAt(seed: number, k: number): number {
  const [a, b] = words(seed, k);
  return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
}

/** n uniform values in [0, 1). */
export function uniforms(seed: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = uniformAt(seed, k);
  return out;
}

/** n standard normal values (Box-Muller on counter pairs). */
export function normals(seed: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k += 2) {
    // 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - uniformAt(seed, k)));
    const theta = 2 * Math.PI * uniformAt(seed, k + 1);
    out[k] = r * Math.cos(theta);
    if (k + 1 < n) out[k + 1] = r * Math.sin(theta);
  }
  return out;
}

let nextSeed = 0;

/** Sets the seed that `rand`/`randn` calls without an explicit seed draw from. */
export function manualSeed(seed: number): void {
  nextSeed = checkSeed(seed, 'manualSeed(seed)');
}

/** The seed of the next call without an explicit seed (each call advances it). */
export function drawSeed(): number {
  const s = nextSeed;
  nextSeed = hash32(nextSeed + 1);
  return s;
}

/** A user seed (any safe integer) folded to 32 bits; `what` names the argument. */
export function checkSeed(seed: number, what: string): number {
  if (!Number.isSafeInteger(seed)) throw new ValueError(`${what} must be a safe integer, got ${seed}`);
  const hi = Math.floor(seed / 2 ** 32);
  return ((seed >>> 0) ^ (hi === 0 ? 0 : hash32(hi))) >>> 0;
}
