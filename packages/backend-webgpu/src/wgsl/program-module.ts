/**
 * The WGSL module around a lowered program's kernel body, shared by the reduction, merge and map
 * kernels: enable directives, the uniform struct, bindings, workgroup arrays, the printer's
 * helper functions, then `main` with the kernel's builtins.
 */
import type { LoweredKernel } from '@symtensor/core-ir';
import { type Binding, bindingDecls, type KernelSource } from './bindings.js';
import { enableDirectives, type FloatType } from './floats.js';
import type { ProgramPrinter } from './program.js';
import { uniformStruct } from './uniforms.js';

export interface ProgramModule {
  readonly kernel: LoweredKernel;
  readonly float: FloatType;
  readonly bindings: readonly Binding[];
  readonly printer: ProgramPrinter;
  readonly workgroupSize: number;
  /** Parameters of `main` (its builtins). */
  readonly builtins: string;
  readonly body: readonly string[];
  /** `var<workgroup>` declarations. */
  readonly workgroupVars?: readonly string[];
}

export function programModule(m: ProgramModule): KernelSource {
  const wgsl = [
    ...enableDirectives(m.float),
    uniformStruct(m.kernel.inputs.length, m.kernel.outputs.length),
    bindingDecls(m.bindings),
    ...(m.workgroupVars ?? []),
    m.printer.helperSource(),
    `@compute @workgroup_size(${m.workgroupSize})`,
    `fn main(${m.builtins}) {`,
    ...m.body,
    '}',
    '',
  ].join('\n');
  return { wgsl, bindings: m.bindings, workgroupSize: m.workgroupSize };
}
