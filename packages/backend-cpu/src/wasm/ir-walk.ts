/** Walks over core-ir's lowered statements and expressions, for the generator's program analyses. */
import type { Expr, Idx, Stmt } from '@symtensor/core-ir';

/** Calls `fn` on every statement, nested ones (loop bodies, branches) after their parent. */
export function forEachStmt(stmts: readonly Stmt[], fn: (s: Stmt) => void): void {
  for (const s of stmts) {
    fn(s);
    if (s.t === 'for') forEachStmt(s.body, fn);
    if (s.t === 'if') {
      forEachStmt(s.then, fn);
      forEachStmt(s.else, fn);
    }
  }
}

/** Calls `fn` on every expression and subexpression of the statements. */
export function forEachExpr(stmts: readonly Stmt[], fn: (e: Expr) => void): void {
  mapStmts(
    stmts,
    (e) => {
      fn(e);
      return e;
    },
    (i) => i,
  );
}

/** The statements with every expression rewritten bottom-up by `fe` and every index by `fi`. */
export function mapStmts(stmts: readonly Stmt[], fe: (e: Expr) => Expr, fi: (idx: Idx) => Idx): Stmt[] {
  return stmts.map((s): Stmt => {
    const e = (x: Expr) => mapExpr(x, fe, fi);
    switch (s.t) {
      case 'let':
      case 'var':
      case 'set':
        return { ...s, e: e(s.e) };
      case 'store':
      case 'stset':
      case 'out':
        return { ...s, idx: fi(s.idx), e: e(s.e) };
      case 'array':
        return s;
      case 'for':
        return { ...s, body: mapStmts(s.body, fe, fi) };
      default:
        return { ...s, cond: e(s.cond), then: mapStmts(s.then, fe, fi), else: mapStmts(s.else, fe, fi) };
    }
  });
}

export function mapExpr(e: Expr, fe: (e: Expr) => Expr, fi: (idx: Idx) => Idx): Expr {
  switch (e.t) {
    case 'in':
    case 'arr':
    case 'st':
    case 'ix':
      return fe({ ...e, idx: fi(e.idx) });
    case 'alu':
      return fe({ ...e, args: e.args.map((a) => mapExpr(a, fe, fi)) });
    case 'cast':
      return fe({ ...e, e: mapExpr(e.e, fe, fi) });
    default:
      return fe(e);
  }
}
