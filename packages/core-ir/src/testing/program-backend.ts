/**
 * `programBackend()`: a `Backend` that runs the LOWERED program of a spec (`lowerKernel`) with the
 * tree-walking `ProgramMachine`, following the program's skeleton literally: per output row
 * `row`, `init`, `pair` for each reduced index, `finalize`. It exists to test the lowering (and
 * the reductions' accumulator code) against the reference interpreter, so it is slow and simple.
 *
 * With `split: s > 1` the reduced indices of each row are cut into s chunks, each accumulated in
 * a fresh state (init on copy 0) and merged into the running result (chunk state in copy 1, then
 * `merge`), the way a GPU backend splits j across blocks; that is what tests the `merge` code.
 * Odd rows merge their chunks in reverse order (ties must then go to the state merged in).
 * `unrollLimit` is passed to the lowering (a small value forces the counted loops).
 */
import { argBatchIndex, type Backend, type DeviceBuffer, planRun, type RunOptions } from '../backend.js';
import { allocTyped, type DType, type TypedArray } from '../dtype.js';
import { ValueError } from '../errors.js';
import { checkComputeDtype, HostBuffers } from '../interpret/host-buffers.js';
import { type FormulaSpec, type KernelSpec, specInputs } from '../kernel/spec.js';
import { takeReference } from '../kernel/take.js';
import { lowerKernel } from '../lower/lower.js';
import type { LoweredKernel } from '../lower/program.js';
import { ProgramMachine } from './program-machine.js';
import { chunks, reducedIndices } from './reduced-indices.js';

export interface ProgramBackendOptions {
  /** Passed to `lowerKernel` (default: the lowering's default). */
  unrollLimit?: number;
  /** Number of chunks the reduced range of each row is split into and merged (default 1). */
  split?: number;
}

const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function programBackend(options: ProgramBackendOptions = {}): Backend {
  const split = options.split ?? 1;
  if (!Number.isInteger(split) || split < 1)
    throw new ValueError(`split must be an integer >= 1, got ${split}`);
  const buffers = new HostBuffers('program', DTYPES);
  const lowered = new Map<string, LoweredKernel>();
  const lower = (spec: FormulaSpec) => {
    let k = lowered.get(spec.key);
    if (!k) {
      k = lowerKernel(spec, options.unrollLimit === undefined ? {} : { unrollLimit: options.unrollLimit });
      lowered.set(spec.key, k);
    }
    return k;
  };

  return {
    name: 'program',
    dtypes: DTYPES,
    upload: (data) => buffers.upload(data),
    download: (buf) => buffers.download(buf),
    free: (buf) => buffers.free(buf),
    run(spec: KernelSpec, run: RunOptions): DeviceBuffer[] {
      if (spec.kind === 'take') {
        // Data movement is not lowered: each backend implements it directly (see takeReference).
        planRun(spec, run, 'program');
        const index = spec.indexed ? (buffers.data(run.args[1]!, 'args[1]') as Int32Array) : undefined;
        const out = allocTyped(spec.dtype, run.nx);
        out.set(takeReference(spec, buffers.data(run.args[0]!, 'args[0]'), index, run.nx));
        return [buffers.adopt(out)];
      }
      checkComputeDtype('program', DTYPES, spec.dtype);
      const plan = planRun(spec, run, 'program');
      const kernel = lower(spec);
      const outputs = kernel.outputs.map((o, n) =>
        allocTyped(o.type === 'i' ? 'int32' : spec.dtype, plan.outputLengths[n]!),
      );
      const machine = new ProgramMachine(
        kernel,
        spec.dtype,
        spec.kind === 'reduction' ? spec.accumulator : spec.dtype,
      );
      // Data layout of each program input: rows of its category as the spec writes it (the
      // program's categories are swapped for reductions over i).
      const specCat = new Map(specInputs(spec).map((v) => [v.pos, v.cat]));
      const layout = kernel.inputs.map((input) => {
        const cat = specCat.get(input.pos)!;
        return {
          input,
          data: buffers.data(run.args[input.pos]!, `args[${input.pos}]`),
          rows: cat === 'p' ? 1 : cat === 'i' ? run.nx : run.ny,
        };
      });
      const at = (n: number, b: number, r: number) => {
        const { input, rows } = layout[n]!;
        return (argBatchIndex(plan.batch, plan.argBatch[input.pos]!, b) * rows + r) * input.dim;
      };

      for (let b = 0; b < plan.batchSize; b++) {
        layout.forEach((l, n) => {
          machine.inData[n] = l.data;
        });
        for (let row = 0; row < plan.rows; row++) {
          layout.forEach((l, n) => {
            if (l.input.cat !== 'j') machine.inBase[n] = at(n, b, l.input.cat === 'p' ? 0 : row);
          });
          machine.beginRow(
            outputs,
            kernel.outputs.map((o) => (b * plan.rows + row) * o.dim),
          );
          machine.exec(kernel.row);
          if (kernel.kind === 'reduction') {
            const indices = reducedIndices(run.ranges, plan.reduced, row);
            const fold = (js: readonly number[]) => {
              machine.clearState(0);
              machine.exec(kernel.init);
              for (const j of js) {
                layout.forEach((l, n) => {
                  if (l.input.cat === 'j') machine.inBase[n] = at(n, b, j);
                });
                machine.j = j;
                machine.exec(kernel.pair);
              }
              machine.j = -1;
            };
            if (split === 1) fold(indices);
            else {
              // Even rows merge the chunks in order, odd rows in reverse, so that merge meets
              // both cases: the state merged in (copy 1) holding the later or the earlier indices.
              const parts = chunks(indices, split);
              if (row % 2 === 1) parts.reverse();
              let total: ReturnType<ProgramMachine['snapshot']> | undefined;
              for (const part of parts) {
                fold(part);
                if (total) {
                  machine.clearState(1);
                  machine.restore(1, machine.snapshot(0));
                  machine.restore(0, total);
                  machine.exec(kernel.merge);
                }
                total = machine.snapshot(0);
              }
              machine.restore(0, total!);
            }
            machine.exec(kernel.finalize);
          }
          machine.endRow();
        }
      }
      return outputs.map((o: TypedArray) => buffers.adopt(o));
    },
    sync: () => Promise.resolve(),
    dispose: () => {
      buffers.clear();
      lowered.clear();
      return Promise.resolve();
    },
    memory: () => buffers.memory(),
  };
}
