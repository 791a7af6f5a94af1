/**
 * One conformance case: fresh random inputs, the float64 reference, the same run on the backend
 * under test, and every check the contract asks for (output count, dtypes, exact lengths, every
 * element, inputs left untouched, every buffer freed).
 */
import type { Backend, DeviceBuffer, Ranges } from '../backend.js';
import { planRun } from '../backend.js';
import { allocTyped, type FloatDType, type TypedArray } from '../dtype.js';
import { type ReferenceRunOptions, referenceRun } from '../interpret/reference.js';
import { type FormulaSpec, specInputs, specOutputs } from '../kernel/spec.js';
import { checkOutputs } from './check-outputs.js';
import { type Domain, STANDARD, sample } from './domain.js';
import type { Rng } from './random.js';

export interface Case {
  /** Shown in failure messages. */
  readonly label: string;
  readonly spec: (dtype: FloatDType) => FormulaSpec;
  readonly nx: number;
  readonly ny: number;
  readonly batch?: readonly number[];
  /** Batch shapes by argument position (default: `batch`). */
  readonly argBatch?: Readonly<Record<number, readonly number[]>>;
  /** Block-sparse ranges, drawn for the run's output rows and reduced indices. */
  readonly ranges?: (rng: Rng, rows: number, reduced: number) => Ranges;
  /** Input domains by argument position (default: uniform on [-1, 1)). */
  readonly domains?: Readonly<Record<number, Domain>>;
  /** The inputs hold exact ties: index outputs must match even in float32. */
  readonly exactIndices?: boolean;
  /** Call `sync()` before downloading (otherwise `download` alone must wait for the work). */
  readonly sync?: boolean;
}

/** The spec and host inputs of a case, drawn from `rng`. */
export interface Prepared {
  readonly spec: FormulaSpec;
  readonly run: ReferenceRunOptions & { readonly args: (TypedArray | undefined)[] };
}

export function prepare(c: Case, dtype: FloatDType, rng: Rng): Prepared {
  const spec = c.spec(dtype);
  const batch = c.batch ?? [];
  const args: (TypedArray | undefined)[] = [];
  const argBatch: (readonly number[] | undefined)[] = [];
  for (const { pos, cat, dim } of specInputs(spec)) {
    const ab = c.argBatch?.[pos] ?? batch;
    argBatch[pos] = ab;
    const rows = cat === 'p' ? 1 : cat === 'i' ? c.nx : c.ny;
    // Drawn in float64 and stored in the kernel's dtype: the reference reads the very same
    // (rounded) values as the backend.
    const data = allocTyped(dtype, ab.reduce((a, b) => a * b, 1) * rows * dim);
    const domain = c.domains?.[pos] ?? STANDARD;
    for (let k = 0; k < data.length; k++) data[k] = sample(rng, domain);
    args[pos] = data;
  }
  const rows = spec.kind === 'map' || spec.axis === 'j' ? c.nx : c.ny;
  const reduced = spec.kind === 'map' ? 0 : spec.axis === 'j' ? c.ny : c.nx;
  return {
    spec,
    run: {
      args,
      nx: c.nx,
      ny: c.ny,
      batch,
      argBatch,
      ...(c.ranges ? { ranges: c.ranges(rng, rows, reduced) } : {}),
    },
  };
}

export async function runCase(backend: Backend, c: Case, dtype: FloatDType, rng: Rng): Promise<void> {
  const p = prepare(c, dtype, rng);
  const { spec, run } = p;
  const fail = (msg: string): never => {
    throw new Error(
      `${c.label} (${spec.kind} ${spec.kind === 'reduction' ? `${spec.reduction} over ${spec.axis} ` : ''}${dtype}, nx=${c.nx} ny=${c.ny}): ${msg}`,
    );
  };
  const ref = referenceRun(spec, run);
  const plan = planRun(
    spec,
    { ...run, args: run.args.map((a) => (a ? { backend: 'host', dtype, length: a.length } : undefined)) },
    'host',
  );

  const before = backend.memory();
  const uploaded: DeviceBuffer[] = [];
  const outs: DeviceBuffer[] = [];
  try {
    const args = run.args.map((a) => {
      if (!a) return undefined;
      const buf = backend.upload(a);
      uploaded.push(buf);
      return buf;
    });
    outs.push(...backend.run(spec, { ...run, args }));
    const expected = specOutputs(spec);
    if (outs.length !== expected.length)
      fail(`run returned ${outs.length} buffers, the spec has ${expected.length} outputs`);
    outs.forEach((o, n) => {
      const dt = expected[n]!.type === 'i' ? 'int32' : dtype;
      if (o.backend !== backend.name) fail(`output ${n} claims backend '${o.backend}'`);
      if (o.dtype !== dt) fail(`output ${n} has dtype ${o.dtype}, expected ${dt}`);
      if (o.length !== plan.outputLengths[n])
        fail(`output ${n} has ${o.length} elements, expected ${plan.outputLengths[n]}`);
    });
    if (c.sync) await backend.sync();
    const got = await Promise.all(outs.map((o) => backend.download(o)));
    got.forEach((g, n) => {
      const dt = expected[n]!.type === 'i' ? 'int32' : dtype;
      if (g.constructor !== allocTyped(dt, 0).constructor)
        fail(`output ${n} downloads as ${g.constructor.name}, expected ${dt}`);
      if (g.length !== plan.outputLengths[n])
        fail(`output ${n} downloads ${g.length} elements, expected ${plan.outputLengths[n]}`);
    });
    const problems = checkOutputs(
      {
        spec,
        run,
        batchSize: plan.batchSize,
        rows: plan.rows,
        reduced: plan.reduced,
        exactIndices: c.exactIndices ?? false,
      },
      ref,
      got,
    );
    if (problems.length > 0) fail(`\n  ${problems.join('\n  ')}`);
    // A kernel must not write its inputs.
    for (const [pos, buf] of args.entries()) {
      if (!buf) continue;
      const back = await backend.download(buf);
      if (!sameBits(back, run.args[pos]!)) fail(`run modified its input args[${pos}]`);
    }
  } finally {
    for (const b of [...uploaded, ...outs]) backend.free(b);
  }
  const after = backend.memory();
  if (after.buffers !== before.buffers || after.bytes !== before.bytes)
    fail(
      `memory went from ${JSON.stringify(before)} to ${JSON.stringify(after)} although every buffer was freed`,
    );
}

function sameBits(a: TypedArray, b: TypedArray): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, k) => v === y[k]);
}
