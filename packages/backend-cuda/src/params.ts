/** Packs kernel arguments, by name, into the 8-byte slots of a layout's parameter list. */
import type { Param } from './codegen/layout.js';

export type ArgValue = bigint | number;

export function packParams(
  params: readonly Param[],
  values: Readonly<Record<string, ArgValue>>,
): BigInt64Array {
  const out = new BigInt64Array(params.length);
  params.forEach((p, k) => {
    const v = values[p.name];
    if (v === undefined) throw new Error(`kernel parameter '${p.name}' was given no value`);
    out[k] = typeof v === 'bigint' ? v : BigInt(v);
  });
  return out;
}
