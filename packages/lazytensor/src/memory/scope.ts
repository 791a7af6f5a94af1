/**
 * `tidy(fn)`: a scope that disposes the tensors created inside it, except those it returns. Scopes
 * nest; a tensor returned from an inner scope belongs to the outer one.
 */
import { ValueError } from '@symtensor/core-ir';
import { Tensor } from '../tensor/tensor.js';

const scopes: Set<Tensor>[] = [];

/** Called for each new user-visible tensor: the innermost scope owns it. */
export function track(t: Tensor): void {
  scopes[scopes.length - 1]?.add(t);
}

/**
 * Runs `fn` and disposes every tensor created during the call except those in its result (a
 * tensor, or arrays and plain objects holding tensors, searched recursively). `fn` must be
 * synchronous: a scope cannot follow an `await` (other code would run inside it), so an async
 * function is refused; dispose tensors by hand around awaits. Returns `fn`'s result.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new ValueError('tidy(fn): fn must be a function');
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw e;
  }
  scopes.pop();
  if (result !== null && typeof (result as { then?: unknown })?.then === 'function') {
    for (const t of scope) t.dispose();
    throw new ValueError(
      'tidy(fn): fn returned a promise; tidy scopes must be synchronous. Keep the awaits outside, or dispose tensors with t.dispose()',
    );
  }
  const kept = new Set<Tensor>();
  collect(result, kept, new Set());
  for (const t of scope) if (!kept.has(t)) t.dispose();
  const outer = scopes[scopes.length - 1];
  if (outer) for (const t of kept) if (scope.has(t)) outer.add(t);
  return result;
}

/** Takes `t` out of every enclosing scope, so `tidy` does not dispose it. Returns `t`. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

function collect(value: unknown, out: Set<Tensor>, seen: Set<object>): void {
  if (value instanceof Tensor) {
    out.add(value);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) for (const v of value) collect(v, out, seen);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collect(v, out, seen);
}
