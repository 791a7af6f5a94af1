import { hashString } from './hash.js';

/**
 * The index a variable follows: `i` (the output row), `j` (the reduction index) or `p` (a
 * parameter, the same for every pair).
 */
export type Category = 'i' | 'j' | 'p';

/**
 * A node of a formula DAG. Nodes are immutable and hash-consed: two structurally equal formulas
 * are the same object, so `===` is structural equality and `key` is a stable structural hash.
 *
 * Build nodes with the constructors of `build.ts` (which simplify); `Formula.make` is the raw
 * interning step and performs no simplification.
 */
export class Formula {
  private static readonly table = new Map<string, WeakRef<Formula>>();
  private static readonly registry = new FinalizationRegistry<string>((internKey) => {
    const ref = Formula.table.get(internKey);
    if (ref && ref.deref() === undefined) Formula.table.delete(internKey);
  });
  private static nextId = 1;

  /** Unique per live node; used for memo tables (not stable across processes: use `key`). */
  readonly id: number;
  /** Stable structural key: equal for structurally equal formulas, in any process. */
  readonly key: string;

  private constructor(
    readonly op: string,
    readonly children: readonly Formula[],
    readonly attrs: readonly number[],
    readonly dim: number,
  ) {
    this.id = Formula.nextId++;
    const text = `${op}[${attrs.map(attrText).join(',')}](${children.map((c) => c.key).join(',')})`;
    this.key = text.length <= 48 ? text : hashString(text);
  }

  /** Interns a node whose dimension was already checked by the op's dim rule. */
  static make(op: string, children: readonly Formula[], attrs: readonly number[], dim: number): Formula {
    // -0 and 0 are the same static argument (a float constant's sign lives in its own op).
    if (op !== 'FloatCst') attrs = attrs.map((a) => (Object.is(a, -0) ? 0 : a));
    const internKey = `${op}|${attrs.map(attrText).join(',')}|${children.map((c) => c.id).join(',')}`;
    const existing = Formula.table.get(internKey)?.deref();
    if (existing) return existing;
    const node = new Formula(op, Object.freeze([...children]), Object.freeze([...attrs]), dim);
    Formula.table.set(internKey, new WeakRef(node));
    Formula.registry.register(node, internKey);
    return node;
  }

  /** Number of live interned nodes (for memory tests). */
  static liveCount(): number {
    return Formula.table.size;
  }
}

/** Exact text of an attribute: integers, floats with round-trip precision, and -0 distinct. */
function attrText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Nodes of a DAG in topological order (children before parents), each once. */
export function topoOrder(roots: readonly Formula[]): Formula[] {
  const seen = new Set<number>();
  const order: Formula[] = [];
  const stack: [Formula, number][] = roots.map((r) => [r, 0]);
  stack.reverse();
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (seen.has(node.id)) {
      stack.pop();
      continue;
    }
    if (next < node.children.length) {
      top[1] = next + 1;
      const child = node.children[next]!;
      if (!seen.has(child.id)) stack.push([child, 0]);
    } else {
      seen.add(node.id);
      order.push(node);
      stack.pop();
    }
  }
  return order;
}
