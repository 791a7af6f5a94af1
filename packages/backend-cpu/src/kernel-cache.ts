/**
 * Compiled kernels, cached by spec key. The first run of a spec lowers, prints and compiles it
 * (milliseconds); every later run is one Map lookup. The same source is what workers compile, so
 * the calling thread and the pool run identical code.
 */
import {
  CompileError,
  type FormulaSpec,
  type LoweredKernel,
  lowerKernel,
  type Stmt,
} from '@symtensor/core-ir';
import { LruMap } from './lru.js';
import { type KernelTask, printKernel } from './printer.js';
import { generateWasm, WasmUnsupported } from './wasm/codegen.js';
import { printWasmGlue } from './wasm/glue.js';

/** The code a kernel runs as: generated WebAssembly SIMD, or generated JavaScript. */
export type Engine = 'wasm' | 'js';

export interface CompiledKernel {
  /** Cache key: the spec key plus the printing options. */
  readonly key: string;
  readonly source: string;
  readonly fn: (task: KernelTask) => void;
  readonly lowered: LoweredKernel;
  /** Rough cost of one pair (reductions) or one row (maps), in statements, to size work. */
  readonly cost: number;
  /** What the kernel runs as; a WebAssembly kernel still runs batched runs as JavaScript. */
  readonly engine: Engine;
  /** Why a kernel stays on JavaScript although WebAssembly was asked for. */
  readonly fallback?: string;
}

export interface KernelCacheOptions {
  readonly tile: number;
  /** Preferred engine; kernels the WebAssembly generator cannot express run as JavaScript. */
  readonly engine: Engine;
  /** Most compiled kernels kept (least recently used ones are dropped). */
  readonly limit: number;
}

export class KernelCache {
  private readonly cache: LruMap<string, CompiledKernel>;

  constructor(private readonly options: KernelCacheOptions) {
    this.cache = new LruMap(options.limit);
  }

  get(spec: FormulaSpec): CompiledKernel {
    const { tile } = this.options;
    const key = `${spec.key}|t${tile}|${this.options.engine}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const lowered = lowerKernel(spec);
    // The backend rejects float16 specs with a DTypeError before they reach the cache.
    const dtype = spec.dtype as 'float32' | 'float64';
    const accumulator = spec.kind === 'reduction' ? spec.accumulator : spec.dtype;
    const jsSource = printKernel(lowered, { dtype, accumulator, tile });
    let source = jsSource;
    let engine: Engine = 'js';
    let fallback: string | undefined;
    if (this.options.engine === 'wasm') {
      try {
        const wasm = generateWasm(
          lowered,
          dtype,
          accumulator,
          spec.kind === 'reduction' ? { reduction: spec.reduction } : {},
        );
        source = printWasmGlue(lowered, wasm, dtype, tile, jsSource);
        engine = 'wasm';
      } catch (e) {
        if (!(e instanceof WasmUnsupported)) throw e;
        fallback = e.message;
      }
    }
    const fn = compileKernel(source, key);
    const cost = countStatements(lowered.kind === 'map' ? lowered.row : lowered.pair) + 1;
    const compiled: CompiledKernel = {
      key,
      source,
      fn,
      lowered,
      cost,
      engine,
      ...(fallback === undefined ? {} : { fallback }),
    };
    this.cache.set(key, compiled);
    return compiled;
  }
}

/** Compiles printed source; a syntax error here is a printer bug, reported with the source. */
export function compileKernel(source: string, key: string): (task: KernelTask) => void {
  try {
    return new Function(source)() as (task: KernelTask) => void;
  } catch (e) {
    throw new CompileError(
      `cpu backend: generated code for kernel ${key} does not compile (${(e as Error).message}); please report it with error.source`,
      source,
    );
  }
}

function countStatements(stmts: readonly Stmt[]): number {
  let n = 0;
  for (const s of stmts) {
    if (s.t === 'for') n += s.n * countStatements(s.body);
    else if (s.t === 'if') n += 1 + Math.max(countStatements(s.then), countStatements(s.else));
    else n += 1;
  }
  return n;
}
