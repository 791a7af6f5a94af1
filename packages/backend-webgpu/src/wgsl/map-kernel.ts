/**
 * The map skeleton: one invocation per output row (over every batch entry of the dispatch), which
 * runs the program's row block; the block writes the outputs itself.
 */
import type { LoweredKernel } from '@symtensor/core-ir';
import {
  commonBindings,
  inputOffsets,
  outputBindings,
  outputOffsets,
  outputWrite,
  rowInput,
} from './access.js';
import type { Binding, KernelSource } from './bindings.js';
import type { FloatType } from './floats.js';
import { INDENT, ProgramPrinter } from './program.js';
import { programModule } from './program-module.js';

function mapBindings(kernel: LoweredKernel, float: FloatType): Binding[] {
  return [...commonBindings(kernel, float), ...outputBindings(kernel, float)];
}

export function mapKernel(kernel: LoweredKernel, workgroupSize: number, float: FloatType): KernelSource {
  const p = new ProgramPrinter(
    kernel,
    {
      input: (n, idx) => rowInput(kernel, n, idx),
      output: outputWrite,
      j: '0i',
    },
    float,
  );
  const I1 = INDENT;
  const body = [
    `${I1}let g = gid.x + gid.y * u.grid_x * ${workgroupSize}u;`,
    `${I1}if (g >= u.nb * u.win_rows) { return; }`,
    `${I1}let b = u.b0 + g / u.win_rows;`,
    `${I1}let r = u.row_lo + g % u.win_rows;`,
    ...inputOffsets(kernel, I1),
    ...outputOffsets(kernel, I1),
    ...p.stmts(kernel.row, I1),
  ];
  const bindings = mapBindings(kernel, float);
  const builtins = '@builtin(global_invocation_id) gid: vec3<u32>';
  return programModule({ kernel, float, bindings, printer: p, workgroupSize, builtins, body });
}
