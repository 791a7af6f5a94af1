/**
 * The op table: one complete `OpDef` per `Op`, checked exhaustive by the type system.
 * Built on first use, so modules that import each other (constructors and op rules) can load in
 * any order.
 */
import { SymtensorError } from '../errors.js';
import { binaryOps, clampDef, ifElseDef } from './elementwise-binary.js';
import { clampIntDef, powDef, roundDef, squareDef, unaryOps } from './elementwise-unary.js';
import { leafOps } from './leaves.js';
import { tensorOps } from './tensor.js';
import { Op, type OpDef } from './types.js';
import { vectorOps } from './vector.js';
import { vectorScalarOps } from './vector-scalar.js';

let table: { [P in Op]: OpDef } | undefined;

function build(): { [P in Op]: OpDef } {
  const defs = [
    ...leafOps,
    ...unaryOps,
    squareDef,
    powDef,
    roundDef,
    clampIntDef,
    ...binaryOps,
    clampDef,
    ifElseDef,
    ...vectorScalarOps,
    ...vectorOps,
    ...tensorOps,
  ];
  const out: Partial<Record<Op, OpDef>> = {};
  for (const def of defs) {
    if (out[def.op]) throw new SymtensorError(`internal: op ${def.op} defined twice`);
    out[def.op] = def;
  }
  const missing = Object.values(Op).filter((op) => !out[op]);
  if (missing.length > 0)
    throw new SymtensorError(`internal: ops without a definition: ${missing.join(', ')}`);
  return out as { [P in Op]: OpDef };
}

/** The definition of `op`. */
export function opDef(op: Op | string): OpDef {
  table ??= build();
  const def = table[op as Op];
  if (!def) throw new SymtensorError(`unknown op '${op}'`);
  return def;
}

/** Every op definition. */
export function allOps(): OpDef[] {
  table ??= build();
  return Object.values(table);
}
