/**
 * Loop fusion of a lowered program, before the WebAssembly generator emits it. Past core-ir's
 * unroll limit a vector value lowers to a local array filled by one counted loop and read by the
 * next, e.g. the Sum of a kernel times a wide weight:
 *
 * ```
 * array a[r]; for k < r { a[k] = g * v[k] }; for k' < r { st[k'] = st[k'] + a[k'] }
 * ```
 *
 * The generator keeps arrays in memory cells (see `codegen.ts`), so as printed every component
 * costs a store and a load of `a` on top of the state's own load and store. When the array is
 * read nowhere but in the second loop, at that loop's index, and the first loop computes nothing
 * but the array and reads nothing the second loop writes, iteration k of the second loop needs
 * iteration k of the first only, and the two loops become one, the array element a plain value:
 *
 * ```
 * for k' < r { let t = g * v[k']; st[k'] = st[k'] + t }
 * ```
 *
 * Repeated, a chain of elementwise operations on wide vectors becomes one loop.
 */
import type { Idx, LoweredKernel, ScalarType, Stmt } from '@symtensor/core-ir';
import { forEachExpr, forEachStmt, mapExpr, mapStmts } from './ir-walk.js';

export function fuseLoops(k: LoweredKernel): LoweredKernel {
  const fuser = new Fuser(k);
  const row = fuser.block(k.row);
  const init = fuser.block(k.init);
  const pair = fuser.block(k.pair);
  const merge = fuser.block(k.merge);
  const finalize = fuser.block(k.finalize);
  return { ...k, row, init, pair, merge, finalize, counts: { ...k.counts, ids: fuser.nextId } };
}

/** Everything a statement list writes that outlives the statement: state slots, arrays, vars. */
interface Writes {
  readonly slots: Set<number>;
  readonly arrays: Set<number>;
  readonly ids: Set<number>;
}

class Fuser {
  nextId: number;
  /** Reads of each array anywhere in the program (fusion needs them all in the consuming loop). */
  private readonly reads = new Map<number, number>();
  /** Element type of each array, from its declaration (which fusion removes). */
  private readonly types = new Map<number, ScalarType>();

  constructor(k: LoweredKernel) {
    this.nextId = k.counts.ids;
    for (const part of [k.row, k.init, k.pair, k.merge, k.finalize])
      forEachExpr(part, (e) => {
        if (e.t === 'arr') this.reads.set(e.arr, (this.reads.get(e.arr) ?? 0) + 1);
      });
    forEachStmt([k.row, k.init, k.pair, k.merge, k.finalize].flat(), (s) => {
      if (s.t === 'array') this.types.set(s.arr, s.ty);
    });
  }

  block(stmts: readonly Stmt[]): Stmt[] {
    let out = stmts.map((s) => this.inner(s));
    for (let n = 0; n + 1 < out.length; ) {
      const fused = this.fuse(out[n]!, out[n + 1]!);
      if (fused === undefined) {
        n++;
        continue;
      }
      // The array's declaration goes; its producer may now sit next to an earlier loop.
      out = [...out.slice(0, n), fused.loop, ...out.slice(n + 2)].filter(
        (s) => !(s.t === 'array' && s.arr === fused.arr),
      );
      n = 0;
    }
    return out;
  }

  private inner(s: Stmt): Stmt {
    if (s.t === 'for') return { ...s, body: this.block(s.body) };
    if (s.t === 'if') return { ...s, then: this.block(s.then), else: this.block(s.else) };
    return s;
  }

  /** The fusion of loops `a` then `b` (see the file comment), or undefined where it does not apply. */
  private fuse(a: Stmt, b: Stmt): { loop: Stmt; arr: number } | undefined {
    if (a.t !== 'for' || b.t !== 'for' || a.n !== b.n) return undefined;
    const store = a.body[a.body.length - 1];
    if (store?.t !== 'store' || !isLoopIndex(store.idx, a.loop)) return undefined;
    const arr = store.arr;
    const produce = a.body.slice(0, -1);
    // The producer's other statements only compute values local to its body.
    if (!produce.every(localOnly)) return undefined;
    // Every read of the array is in b, at b's index.
    let readsInB = 0;
    let other = false;
    forEachExpr(b.body, (e) => {
      if (e.t !== 'arr' || e.arr !== arr) return;
      if (isLoopIndex(e.idx, b.loop)) readsInB++;
      else other = true;
    });
    if (other || readsInB !== this.reads.get(arr)) return undefined;
    const w = writes(b.body);
    if (w.arrays.has(arr)) return undefined;
    let conflict = false;
    forEachExpr(a.body, (e) => {
      if (
        (e.t === 'st' && w.slots.has(e.slot)) ||
        (e.t === 'arr' && w.arrays.has(e.arr)) ||
        (e.t === 'ref' && w.ids.has(e.id))
      )
        conflict = true;
    });
    if (conflict) return undefined;
    const id = this.nextId++;
    const ty = this.types.get(arr) ?? 'f';
    const renamed = mapStmts(produce, (e) => e, renameLoop(a.loop, b.loop));
    const value = mapExpr(store.e, (e) => e, renameLoop(a.loop, b.loop));
    const consume = mapStmts(
      b.body,
      (e) => (e.t === 'arr' && e.arr === arr ? { t: 'ref', id } : e),
      (i) => i,
    );
    return {
      loop: { ...b, body: [...renamed, { t: 'let', id, ty, e: value }, ...consume] },
      arr,
    };
  }
}

/** Whether the index is exactly the loop's counter. */
export function isLoopIndex(idx: Idx, loop: number): boolean {
  return idx.offset === 0 && idx.terms.length === 1 && idx.terms[0]![0] === loop && idx.terms[0]![1] === 1;
}

/** Statements whose effects stay inside the enclosing loop body: lets, vars and loops of them. */
function localOnly(s: Stmt): boolean {
  if (s.t === 'let' || s.t === 'var') return true;
  if (s.t === 'for') {
    const declared = new Set<number>();
    const collect = (ss: readonly Stmt[]): boolean =>
      ss.every((t) => {
        if (t.t === 'let' || t.t === 'var') {
          declared.add(t.id);
          return true;
        }
        if (t.t === 'set') return declared.has(t.id);
        if (t.t === 'for') return collect(t.body);
        return false;
      });
    return collect(s.body);
  }
  return false;
}

function writes(stmts: readonly Stmt[]): Writes {
  const w: Writes = { slots: new Set(), arrays: new Set(), ids: new Set() };
  forEachStmt(stmts, (s) => {
    if (s.t === 'stset') w.slots.add(s.slot);
    if (s.t === 'store') w.arrays.add(s.arr);
    if (s.t === 'set') w.ids.add(s.id);
  });
  return w;
}

function renameLoop(from: number, to: number): (idx: Idx) => Idx {
  return (idx) => ({
    terms: idx.terms.map(([l, s]) => [l === from ? to : l, s] as const),
    offset: idx.offset,
  });
}
