/**
 * Gaussian kernel product on WebGPU: out_i = sum_j exp(-g |x_i - y_j|^2) b_j, D = 3, float32,
 * N = M = 10^4 (or `--n <N>`), through this backend's generated kernel and through a hand-tiled
 * WGSL kernel written here (the baseline: one invocation per row, y and b tiles in workgroup
 * memory, no generality). Both run on the same device; each is timed from submission to results
 * on the host, best of `--reps` runs after a warm-up run (which compiles), the contenders
 * alternating so that all see the same machine load. Where the device has `shader-f16`, the
 * generated kernel also runs in float16 (f16 data and formula, f32 sums). Checks the results
 * against a float64 computation on a sample of rows.
 *
 *   pnpm --filter @symtensor/backend-webgpu bench [-- --n 10000 --reps 10 --wg 64 --split 1]
 */
import { exp, minus, mul, Reduction, reductionSpec, sqDist, variable } from '@symtensor/core-ir';
import { fromFloat16, toFloat16, webgpu } from '../src/index.js';

const arg = (name: string, fallback: number) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
};
const N = arg('n', 10_000);
const REPS = arg('reps', 10);
const WG = arg('wg', 0);
const SPLIT = arg('split', 0);
const G = 2;

const backend = await webgpu({
  tuning: { ...(WG > 0 ? { workgroupSize: WG } : {}), ...(SPLIT > 0 ? { split: SPLIT } : {}) },
});
const device = backend.device;
console.log(`device: ${backend.description}`);

const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random());
const x = rand(N * 3);
const y = rand(N * 3);
const b = rand(N);

/** Runs each contender once (warm-up, compiles), then `REPS` times alternating; prints the best times. */
async function race(contenders: [string, () => Promise<Float32Array>][]): Promise<Float32Array[]> {
  const outs = await Promise.all(contenders.map(async ([, once]) => once()));
  const fastest = contenders.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < REPS; r++)
    for (const [k, [, once]] of contenders.entries()) {
      const t0 = performance.now();
      outs[k] = await once();
      fastest[k] = Math.min(fastest[k]!, (performance.now() - t0) / 1000);
    }
  for (const [k, [label]] of contenders.entries())
    console.log(
      `${label.padEnd(34)} ${fastest[k]!.toFixed(3)} s  (${((N * N) / fastest[k]! / 1e6).toFixed(0)} M pairs/s, best of ${REPS})`,
    );
  return outs;
}

// The generated kernel.
const spec = reductionSpec({
  formula: mul(
    exp(mul(minus(variable(3, 1, 'p')), sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')))),
    variable(2, 1, 'j'),
  ),
  reduction: Reduction.Sum,
  axis: 'j',
  dtype: 'float32',
});
const args = [x, y, b, Float32Array.of(G)].map((a) => backend.upload(a));
const generated = async () => {
  const [out] = backend.run(spec, { args, nx: N, ny: N });
  const data = (await backend.download(out!)) as Float32Array;
  backend.free(out!);
  return data;
};

// The same kernel in float16, where the device can.
const half = backend.dtypes.includes('float16');
const spec16 = reductionSpec({
  formula: spec.formula,
  reduction: Reduction.Sum,
  axis: 'j',
  dtype: 'float16',
});
const args16 = half ? [x, y, b, Float32Array.of(G)].map((a) => backend.upload(toFloat16(a))) : [];
const generated16 = async () => {
  const [out] = backend.run(spec16, { args: args16, nx: N, ny: N });
  const data = fromFloat16((await backend.download(out!)) as Uint16Array);
  backend.free(out!);
  return data;
};

// The hand-tiled baseline.
const TILE = 64;
const wgsl = `
@group(0) @binding(0) var<storage, read> xs: array<f32>;
@group(0) @binding(1) var<storage, read> ys: array<f32>;
@group(0) @binding(2) var<storage, read> bs: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
var<workgroup> ty: array<f32, ${3 * TILE}>;
var<workgroup> tb: array<f32, ${TILE}>;
const N = ${N}u;
const G = ${G}.0f;
@compute @workgroup_size(${TILE})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = min(gid.x, N - 1u);
  let x0 = xs[3u * i];
  let x1 = xs[3u * i + 1u];
  let x2 = xs[3u * i + 2u];
  var acc = 0.0f;
  for (var t = 0u; t < N; t += ${TILE}u) {
    let j = t + lid;
    if (j < N) {
      ty[3u * lid] = ys[3u * j];
      ty[3u * lid + 1u] = ys[3u * j + 1u];
      ty[3u * lid + 2u] = ys[3u * j + 2u];
      tb[lid] = bs[j];
    }
    workgroupBarrier();
    let cnt = min(${TILE}u, N - t);
    for (var q = 0u; q < cnt; q++) {
      let d0 = x0 - ty[3u * q];
      let d1 = x1 - ty[3u * q + 1u];
      let d2 = x2 - ty[3u * q + 2u];
      acc += exp(-G * (d0 * d0 + d1 * d1 + d2 * d2)) * tb[q];
    }
    workgroupBarrier();
  }
  if (gid.x < N) { out[gid.x] = acc; }
}`;
const STORAGE = 0x80;
const COPY_DST = 0x8;
const COPY_SRC = 0x4;
const MAP_READ = 0x1;
const buffer = (data: Float32Array) => {
  const buf = device.createBuffer({ size: data.byteLength, usage: STORAGE | COPY_DST });
  device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
  return buf;
};
const [bx, by, bb] = [buffer(x), buffer(y), buffer(b)];
const bout = device.createBuffer({ size: N * 4, usage: STORAGE | COPY_SRC });
const staging = device.createBuffer({ size: N * 4, usage: MAP_READ | COPY_DST });
const pipeline = await device.createComputePipelineAsync({
  layout: 'auto',
  compute: { module: device.createShaderModule({ code: wgsl }), entryPoint: 'main' },
});
const group = device.createBindGroup({
  layout: pipeline.getBindGroupLayout(0),
  entries: [bx, by, bb, bout].map((buf, k) => ({ binding: k, resource: { buffer: buf } })),
});
const handTiled = async () => {
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(N / TILE));
  pass.end();
  enc.copyBufferToBuffer(bout, 0, staging, 0, N * 4);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(MAP_READ);
  const data = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  return data;
};

const contenders: [string, () => Promise<Float32Array>][] = [
  ['symtensor (generated WGSL)', generated],
  ['hand-tiled WGSL (this file)', handTiled],
];
if (half) contenders.push(['symtensor float16 (generated WGSL)', generated16]);
const results = await race(contenders);

// Against float64 on a sample of rows (float16: its inputs are rounded to float16 first).
const worst = results.map(() => 0);
for (let i = 0; i < N; i += Math.max(1, Math.floor(N / 50))) {
  let ref = 0;
  for (let j = 0; j < N; j++) {
    let d = 0;
    for (let k = 0; k < 3; k++) d += (x[3 * i + k]! - y[3 * j + k]!) ** 2;
    ref += Math.exp(-G * d) * b[j]!;
  }
  results.forEach((got, k) => {
    worst[k] = Math.max(worst[k]!, Math.abs(got[i]! - ref) / Math.abs(ref));
  });
}
for (const [k, [label]] of contenders.entries())
  console.log(
    `${label}: largest relative error against float64 on sampled rows ${worst[k]!.toExponential(2)}`,
  );

for (const buf of [bx, by, bb, bout, staging]) buf.destroy();
for (const a of [...args, ...args16]) backend.free(a);
await backend.dispose();
