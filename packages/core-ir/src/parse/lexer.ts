/**
 * Tokenizer of formula and alias strings. Token positions are UTF-16 offsets; `columnOf` turns
 * them into the 1-based, code-point column that ParseError reports, so a caret under the input
 * lines up even when the text holds characters outside the BMP.
 */
import { ParseError } from '../errors.js';
import { INF_KEYWORD } from './syntax.js';

export type TokenKind = 'int' | 'float' | 'name' | 'punct' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Source text of the token ('' for the end marker). */
  readonly text: string;
  /** UTF-16 offset of the token's first character. */
  readonly index: number;
  /** Numeric value of an 'int' or 'float' token. */
  readonly value: number;
}

const PUNCTUATION = new Set(['+', '-', '*', '/', '|', '(', ')', ',', '=']);
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
/** Characters that may not follow a number: they mean a malformed literal such as `1e` or `2x`. */
const NUMBER_TAIL = /[A-Za-z0-9_.]+/y;
const WHITESPACE = /\s/;

/** 1-based column (in code points) of the UTF-16 offset `index` of `input`. */
export function columnOf(input: string, index: number): number {
  let column = 1;
  for (let k = 0; k < index && k < input.length; k++) {
    const code = input.charCodeAt(k);
    // The high half of a surrogate pair starts a code point; the low half does not.
    if (code < 0xdc00 || code > 0xdfff) column++;
  }
  return column;
}

/** Splits `input` into tokens, ending with one 'end' token; throws ParseError on a bad character. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const fail = (reason: string, index: number): never => {
    throw new ParseError(reason, input, columnOf(input, index));
  };
  let k = 0;
  while (k < input.length) {
    const ch = input[k]!;
    if (WHITESPACE.test(ch)) {
      k++;
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, index: k, value: Number.NaN });
      k++;
      continue;
    }
    NUMBER.lastIndex = k;
    const number = NUMBER.exec(input);
    if (number) {
      const text = number[0];
      const end = k + text.length;
      NUMBER_TAIL.lastIndex = end;
      const tail = NUMBER_TAIL.exec(input);
      if (tail) fail(`malformed number '${text}${tail[0]}'`, k);
      const isFloat = /[.eE]/.test(text);
      const value = Number(text);
      if (isFloat && !Number.isFinite(value))
        fail(`float literal ${text} overflows; write ${INF_KEYWORD} for infinity`, k);
      if (isFloat && value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, '')))
        fail(`float literal ${text} underflows to 0`, k);
      tokens.push({ kind: isFloat ? 'float' : 'int', text, index: k, value });
      k = end;
      continue;
    }
    NAME.lastIndex = k;
    const name = NAME.exec(input);
    if (name) {
      tokens.push({ kind: 'name', text: name[0], index: k, value: Number.NaN });
      k += name[0].length;
      continue;
    }
    const codePoint = String.fromCodePoint(input.codePointAt(k)!);
    fail(`unexpected character ${JSON.stringify(codePoint)}`, k);
  }
  tokens.push({ kind: 'end', text: '', index: input.length, value: Number.NaN });
  return tokens;
}

/** How a token reads in an error message. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of input';
    case 'int':
    case 'float':
      return `number ${token.text}`;
    case 'name':
      return `name '${token.text}'`;
    default:
      return `'${token.text}'`;
  }
}
