/**
 * A kernel spec as one CUDA translation unit: the prelude, then the spec's kernels. The source is
 * self-contained (no #include), so it compiles the same with NVRTC and with `nvcc -cubin`, and it
 * is the content the compile caches hash.
 *
 * Each kernel is named by a hash of its own text, not by the spec key: specs that print the same
 * code (a reduction over i and its mirror over j, say) then give one source, compiled and cached
 * once, and kernels shared between specs (the split scheme's merge kernel depends only on the
 * reduction and its types) have one name wherever they appear.
 */
import { DTypeError, hashString, type KernelSpec, lowerKernel, type ProgramInput } from '@symtensor/core-ir';
import type { KernelLayout, Printed } from './layout.js';
import { mapKernel } from './map.js';
import { PRELUDE } from './prelude.js';
import { reductionKernels } from './reduction.js';
import { takeKernel } from './take.js';

export interface KernelSource {
  /** The complete translation unit. */
  readonly source: string;
  /** Its kernels by entry name (several specs' kernels can share a translation unit after one PRELUDE). */
  readonly kernels: ReadonlyMap<string, string>;
  readonly layout: KernelLayout;
  /** The program's inputs (none for take): `cat` is relative to the program (rows are `i`). */
  readonly inputs: readonly ProgramInput[];
}

export function kernelSource(spec: KernelSpec): KernelSource {
  const { inputs, printWith } = printer(spec);
  // Printed once with placeholder names to hash each kernel's text, then with the hashes.
  const draft = printWith(['@0', '@1']);
  const printed = printWith(draft.kernels.map((text) => hashString(text)));
  const kernels = new Map(printed.kernels.map((text) => [entryName(text), text]));
  return { source: `${PRELUDE}\n${printed.kernels.join('\n')}\n`, kernels, layout: printed.layout, inputs };
}

function entryName(kernel: string): string {
  const name = /__global__ void __launch_bounds__\(\d+\) (\w+)\(/.exec(kernel)?.[1];
  if (!name) throw new Error(`a printed kernel has no entry: ${kernel.slice(0, 200)}`);
  return name;
}

function printer(spec: KernelSpec): {
  inputs: readonly ProgramInput[];
  printWith: (ids: readonly string[]) => Printed;
} {
  if (spec.kind === 'take') return { inputs: [], printWith: (ids) => takeKernel(spec, ids) };
  const acc = spec.kind === 'reduction' ? spec.accumulator : spec.dtype;
  for (const d of [spec.dtype, acc])
    if (d !== 'float32' && d !== 'float64')
      throw new DTypeError(
        `the cuda backend computes in float32 and float64, not ${d}; build the spec with dtype 'float32'`,
      );
  const lowered = lowerKernel(spec);
  return {
    inputs: lowered.inputs,
    printWith:
      spec.kind === 'map'
        ? (ids) => mapKernel(spec, lowered, ids)
        : (ids) => reductionKernels(spec, lowered, ids),
  };
}
