/**
 * Recursive-descent parser of KeOps formula strings (grammar in `syntax.ts`). It builds nodes with
 * the simplifying constructors, so `parseFormula('x*0', ...)` is the same node as
 * `mul(x, intCst(0))`. Every failure, including a dimension error raised by a constructor, is a
 * ParseError whose column points at the token responsible.
 */
import { ParseError } from '../errors.js';
import * as B from '../formula/build.js';
import type { Category, Formula } from '../formula/formula.js';
import { type AliasEntry, type AliasSpec, resolveAliases, variableText } from './aliases.js';
import {
  type ArgValue,
  type FunctionSpec,
  functionNames,
  functionSpec,
  notCallableReason,
  type Param,
  signature,
} from './functions.js';
import { columnOf, describeToken, type Token, tokenize } from './lexer.js';
import { INF_KEYWORD, MAX_NESTING, NAN_KEYWORD } from './syntax.js';

/** Where a variable position was first used, to report a conflicting second use. */
interface VarUse {
  readonly dim: number;
  readonly cat: Category;
  readonly what: string;
}

const CATEGORIES: readonly Category[] = ['i', 'j', 'p'];

/**
 * Parses a KeOps formula string, such as `Exp(-G*SqDist(X,Y))*C`, into a Formula. `aliases` binds
 * names to variables: `{ X: 'Vi(3)', G: { cat: 'p', dim: 1 } }` or KeOps' list
 * `['X = Vi(3)', 'G = Pm(1)']`; positions left implicit follow the listing order. Variables can
 * also be written inline as `Var(pos, dim, cat)` (cat 0 = i, 1 = j, 2 = p).
 *
 * Throws ParseError (and nothing else) on any malformed input, with the 1-based column.
 */
export function parseFormula(
  text: string,
  aliases?: readonly string[] | Readonly<Record<string, AliasSpec | string>>,
): Formula {
  if (typeof text !== 'string')
    throw new ParseError(`the formula must be a string, got ${typeof text}`, String(text), 1);
  try {
    const resolved = resolveAliases(aliases);
    return new Parser(text, tokenize(text), resolved).parseAll();
  } catch (e) {
    if (e instanceof ParseError) throw e;
    // Safety net for the contract "only ParseError escapes": a failure the parser did not foresee
    // (a bug, or an exhausted stack inside a constructor) still reaches the caller typed.
    const reason = `internal error while parsing: ${e instanceof Error ? e.message : String(e)}`;
    const err = new ParseError(reason, text, 1);
    err.cause = e;
    throw err;
  }
}

class Parser {
  private k = 0;
  private depth = 0;
  private readonly vars = new Map<number, VarUse>();

  constructor(
    private readonly input: string,
    private readonly tokens: readonly Token[],
    private readonly aliases: ReadonlyMap<string, AliasEntry>,
  ) {
    // Declared aliases claim their positions even when the formula does not use them, so an
    // inline Var cannot silently take an alias's argument slot with another dim or category.
    for (const a of aliases.values())
      if (!this.vars.has(a.pos)) this.vars.set(a.pos, { dim: a.dim, cat: a.cat, what: `alias '${a.text}'` });
  }

  parseAll(): Formula {
    if (this.peek().kind === 'end') this.fail('empty formula', 0);
    const f = this.parseScalprod();
    const rest = this.peek();
    if (rest.kind !== 'end') {
      if (this.isPunct(rest, ')')) this.fail("unmatched ')'", rest);
      this.fail(`unexpected ${describeToken(rest)} after a complete formula (missing operator?)`, rest);
    }
    return f;
  }

  // -------------------------------------------------------------------------------------------
  // Token helpers

  private peek(): Token {
    return this.tokens[this.k]!;
  }

  private next(): Token {
    const token = this.tokens[this.k]!;
    if (token.kind !== 'end') this.k++;
    return token;
  }

  private isPunct(token: Token, text: string): boolean {
    return token.kind === 'punct' && token.text === text;
  }

  private fail(reason: string, at: Token | number): never {
    const index = typeof at === 'number' ? at : at.index;
    throw new ParseError(reason, this.input, columnOf(this.input, index));
  }

  /** Runs a constructor, turning its ShapeError / ValueError into a ParseError at `at`. */
  private build(at: Token, what: string, make: () => Formula): Formula {
    try {
      return make();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const err = new ParseError(
        // Constructor messages often start with the op's name already.
        message.startsWith(what) ? message : `${what}: ${message}`,
        this.input,
        columnOf(this.input, at.index),
      );
      err.cause = e;
      throw err;
    }
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_NESTING) this.fail(`formula nested deeper than ${MAX_NESTING} levels`, at);
  }

  private leave(): void {
    this.depth--;
  }

  /** Consumes the ')' closing `open`, or reports what is wrong there. */
  private close(open: Token, context: string): void {
    const token = this.next();
    if (this.isPunct(token, ')')) return;
    if (token.kind === 'end') this.fail(`unclosed '('${context}`, open);
    this.fail(`expected ')'${context}, found ${describeToken(token)}`, token);
  }

  // -------------------------------------------------------------------------------------------
  // Infix levels (loops, not recursion, so long chains such as a+b+...+z cost no stack)

  private parseScalprod(): Formula {
    let left = this.parseAdditive();
    while (this.isPunct(this.peek(), '|')) {
      const op = this.next();
      const right = this.parseAdditive();
      const l = left;
      left = this.build(op, "'|' (Scalprod)", () => B.scalprod(l, right));
    }
    return left;
  }

  private parseAdditive(): Formula {
    let left = this.parseTerm();
    while (this.isPunct(this.peek(), '+') || this.isPunct(this.peek(), '-')) {
      const op = this.next();
      const right = this.parseTerm();
      const l = left;
      left =
        op.text === '+'
          ? this.build(op, "'+'", () => B.add(l, right))
          : this.build(op, "'-'", () => B.sub(l, right));
    }
    return left;
  }

  private parseTerm(): Formula {
    let left = this.parseUnary();
    while (this.isPunct(this.peek(), '*') || this.isPunct(this.peek(), '/')) {
      const op = this.next();
      const right = this.parseUnary();
      const l = left;
      left =
        op.text === '*'
          ? this.build(op, "'*'", () => B.mul(l, right))
          : this.build(op, "'/'", () => B.div(l, right));
    }
    return left;
  }

  private parseUnary(): Formula {
    const signs: Token[] = [];
    while (this.isPunct(this.peek(), '-') || this.isPunct(this.peek(), '+')) signs.push(this.next());
    let operand: Formula;
    const last = signs[signs.length - 1];
    if (last?.text === '-' && this.isNumericLiteral(this.peek())) {
      // The sign belongs to the literal (see syntax.ts): this is how -0.0 and -Inf are written.
      signs.pop();
      operand = this.parseLiteral(this.next(), -1);
    } else {
      operand = this.parsePrimary();
    }
    for (let s = signs.length - 1; s >= 0; s--) {
      const sign = signs[s]!;
      const x = operand;
      if (sign.text === '-') operand = this.build(sign, 'unary minus', () => B.minus(x));
    }
    return operand;
  }

  private isNumericLiteral(token: Token): boolean {
    if (token.kind === 'int' || token.kind === 'float') return true;
    return (
      token.kind === 'name' &&
      (token.text === NAN_KEYWORD || token.text === INF_KEYWORD) &&
      !this.isPunct(this.tokens[this.k + 1]!, '(')
    );
  }

  // -------------------------------------------------------------------------------------------
  // Primaries

  private parsePrimary(): Formula {
    const token = this.peek();
    if (this.isNumericLiteral(token)) return this.parseLiteral(this.next(), 1);
    if (token.kind === 'name') {
      this.next();
      if (this.isPunct(this.peek(), '(')) return this.parseCall(token);
      return this.parseName(token);
    }
    if (this.isPunct(token, '(')) {
      const open = this.next();
      this.enter(open);
      const inner = this.parseScalprod();
      this.close(open, '');
      this.leave();
      return inner;
    }
    if (token.kind === 'end') this.fail('expected a formula, found end of input', token);
    this.fail(`expected a number, a variable, a function call or '(', found ${describeToken(token)}`, token);
  }

  /** A number or NaN / Inf, negated when `sign` is -1. */
  private parseLiteral(token: Token, sign: 1 | -1): Formula {
    if (token.kind === 'int') {
      if (!Number.isSafeInteger(token.value))
        this.fail(
          `integer literal ${token.text} is beyond 2^53 - 1 and would be rounded; write it as a float (${token.value.toExponential()})`,
          token,
        );
      return B.intCst(sign * token.value);
    }
    if (token.kind === 'float') return B.floatCst(sign * token.value);
    return B.floatCst(token.text === NAN_KEYWORD ? Number.NaN : sign * Number.POSITIVE_INFINITY);
  }

  private parseName(token: Token): Formula {
    const alias = this.aliases.get(token.text);
    if (alias) return this.variable(alias.pos, alias.dim, alias.cat, token, `alias '${alias.text}'`);
    if (functionSpec(token.text))
      this.fail(`'${token.text}' is a function: call it as ${token.text}(...)`, token);
    const lower = token.text.toLowerCase();
    const near = [...this.aliases.keys()].find((a) => a.toLowerCase() === lower);
    this.fail(
      `unknown variable '${token.text}'${near ? ` (did you mean '${near}'?)` : ' (declare it in the aliases)'}`,
      token,
    );
  }

  /** A variable node, after checking that its position is not used with another dim or category. */
  private variable(pos: number, dim: number, cat: Category, at: Token, what: string): Formula {
    const previous = this.vars.get(pos);
    if (previous && (previous.dim !== dim || previous.cat !== cat))
      this.fail(
        `${what} uses position ${pos} as ${variableText({ cat, dim, pos })} but ${previous.what} ` +
          `declares it as ${variableText({ ...previous, pos })}`,
        at,
      );
    if (!previous) this.vars.set(pos, { dim, cat, what });
    return this.build(at, what, () => B.variable(pos, dim, cat));
  }

  // -------------------------------------------------------------------------------------------
  // Calls

  private parseCall(nameToken: Token): Formula {
    const name = nameToken.text;
    const spec = functionSpec(name);
    if (!spec) this.fail(this.unknownFunction(name), nameToken);
    const open = this.next();
    this.enter(open);
    const args: ArgValue[] = [];
    if (!this.isPunct(this.peek(), ')')) {
      while (true) {
        // Extra arguments parse as formulas, so the count error below can say how many there were.
        const param = spec.params[args.length];
        args.push(this.parseArg(spec, param, args.length));
        if (!this.isPunct(this.peek(), ',')) break;
        this.next();
      }
    }
    this.close(open, ` of ${name}(`);
    this.leave();
    const max = spec.params.length;
    const min = spec.params.filter((p) => !p.optional).length;
    if (args.length < min || args.length > max) {
      const count = min === max ? `${max}` : `${min} to ${max}`;
      this.fail(
        `${name} takes ${count} argument${max === 1 ? '' : 's'}, as in ${signature(spec)}, got ${args.length}`,
        nameToken,
      );
    }
    if (name === 'Var') {
      const [pos, dim, cat] = args as number[];
      return this.variable(pos!, dim!, CATEGORIES[cat!]!, nameToken, `Var(${pos},${dim},${cat})`);
    }
    return this.build(nameToken, name, () => spec.build(args));
  }

  private unknownFunction(name: string): string {
    const reason = notCallableReason(name);
    if (reason) return reason;
    if (this.aliases.has(name)) return `'${name}' is a variable, not a function`;
    const lower = name.toLowerCase();
    const near = functionNames().find((n) => n.toLowerCase() === lower);
    return `unknown function '${name}'${near ? ` (did you mean '${near}'? names are case-sensitive)` : ''}`;
  }

  private parseArg(spec: FunctionSpec, param: Param | undefined, index: number): ArgValue {
    if (!param || param.kind === 'formula') return this.parseScalprod();
    const what = `${spec.name}: argument ${index + 1} (${param.name})`;
    if (param.kind === 'int') {
      const start = this.peek();
      const value = this.parseInt(what);
      const problem = param.check?.(value);
      if (problem) this.fail(`${what} ${problem}, got ${value}`, start);
      const after = this.peek();
      if (!this.isPunct(after, ',') && !this.isPunct(after, ')'))
        this.fail(`${what} must be an integer literal, not an expression`, start);
      return value;
    }
    return this.parseTuple(what, param.name);
  }

  /** A static integer argument: an optional sign and an integer literal. */
  private parseInt(what: string): number {
    const start = this.peek();
    let sign = 1;
    if (this.isPunct(start, '-') || this.isPunct(start, '+')) sign = this.next().text === '-' ? -1 : 1;
    const token = this.next();
    if (token.kind !== 'int')
      this.fail(`${what} must be an integer literal, found ${describeToken(token)}`, token);
    if (!Number.isSafeInteger(token.value)) this.fail(`${what} is beyond 2^53 - 1`, token);
    // 0 rather than -0, which would print as a distinct attribute.
    return sign * token.value + 0;
  }

  /** A tuple of integers `(3, 3)`, `(3,)`, `()`, or a bare integer `3` meaning `(3,)`. */
  private parseTuple(what: string, name: string): number[] {
    if (!this.isPunct(this.peek(), '(')) return [this.parseInt(what)];
    const open = this.next();
    const out: number[] = [];
    while (!this.isPunct(this.peek(), ')')) {
      out.push(this.parseInt(`${what}, entry ${out.length + 1},`));
      if (!this.isPunct(this.peek(), ',')) break;
      this.next();
    }
    this.close(open, ` of the tuple ${name}`);
    return out;
  }
}
