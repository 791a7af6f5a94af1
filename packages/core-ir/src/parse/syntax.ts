/**
 * The formula-string syntax, shared by the parser and the printer so the two cannot drift apart.
 *
 * Grammar (KeOps' string syntax; function names are case-sensitive):
 *
 * ```
 * formula  := scalprod EOF
 * scalprod := additive ('|' additive)*          -- Scalprod, lowest precedence
 * additive := term (('+' | '-') term)*          -- left associative
 * term     := unary (('*' | '/') unary)*        -- left associative
 * unary    := ('-' | '+')* primary
 * primary  := INT | FLOAT | 'NaN' | 'Inf' | NAME | NAME '(' args? ')' | '(' scalprod ')'
 * args     := arg (',' arg)*                    -- each arg is a formula, an integer or a tuple,
 * tuple    := '(' (int (',' int)* ','?)? ')' | int      as the function's signature says
 * int      := ('-' | '+')? INT
 * ```
 *
 * `|` sits below `+` on purpose: it is Python's precedence, and KeOps formula strings are Python
 * expressions, so `x|y + z` means the same here as in KeOps (`x|(y + z)`). Unary minus binds
 * tighter than `*`, again as in Python: `-a*b` is `(-a)*b`.
 *
 * A `-` written directly before a numeric literal is part of the literal: `-0.0` is the float
 * negative zero and `-Inf` minus infinity, which `Minus` applied to `0.0` could not express (the
 * constructors fold `0.0` to the exact zero first).
 */

/** Binding strength of printed forms, from loosest to tightest. */
export enum Prec {
  Scalprod = 1,
  Additive = 2,
  Multiplicative = 3,
  Unary = 4,
  Atom = 5,
}

/** Literal keywords for the non-finite floats, so every float constant has a parseable form. */
export const NAN_KEYWORD = 'NaN';
export const INF_KEYWORD = 'Inf';

/**
 * Deepest nesting of parentheses and calls the parser accepts. The parser is recursive; the bound
 * turns a pathological input into a ParseError instead of a stack overflow (each level costs a
 * handful of frames, so 500 levels stay far below Node's default stack).
 */
export const MAX_NESTING = 500;
