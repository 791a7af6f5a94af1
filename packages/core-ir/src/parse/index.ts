/** The formula-string parser and printer (KeOps syntax). */
export { type AliasSpec, parseAliases, type ResolvedAlias } from './aliases.js';
export { parseFormula } from './parser.js';
export { printFormula } from './printer.js';
export { MAX_NESTING } from './syntax.js';
