/**
 * The JavaScript around a WebAssembly kernel, printed as a source string like the JavaScript
 * kernels (`new Function(source)()` returns `kernel(task)`), so the worker pool, the worker code
 * and the calling thread run it unchanged. The source embeds the module (base64) and the
 * JavaScript kernel of the same program, used for the runs the WebAssembly skeleton does not
 * cover: ranges (block sparsity) and batched runs.
 *
 * Each compiled copy (one per worker, one on the calling thread) owns a private WebAssembly
 * memory. A task copies its inputs in (i-variables interleaved per group of L rows, see
 * `codegen.ts`; j-variables and parameters as they are), calls `k`, and copies its output rows
 * back into the shared output buffers. The copies are O(rows + reduced) against O(rows x reduced)
 * work.
 */
import type { LoweredKernel } from '@symtensor/core-ir';
import type { WasmKernel } from './codegen.js';

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function printWasmGlue(
  k: LoweredKernel,
  wasm: WasmKernel,
  dtype: 'float32' | 'float64',
  tile: number,
  jsSource: string,
): string {
  const L = wasm.lanes;
  const bytes = dtype === 'float32' ? 4 : 8;
  const F = dtype === 'float32' ? 'Float32Array' : 'Float64Array';
  // Integer outputs are i32x4 lanes in float32 kernels, integer-valued f64x2 lanes in float64 ones.
  const intView = dtype === 'float32' ? 'Int32Array' : 'Float64Array';
  const lines: string[] = [
    `const js = (function () {\n${jsSource}\n})();`,
    `const bin = Uint8Array.from(atob(${JSON.stringify(base64(wasm.bytes))}), (c) => c.charCodeAt(0));`,
    `const env = { ${wasm.imports.map((n) => `${n}: Math.${n}`).join(', ')} };`,
    'const inst = new WebAssembly.Instance(new WebAssembly.Module(bin), { env });',
    'const k = inst.exports.k, mem = inst.exports.mem;',
    'return function kernel(t) {',
    `  if (t.rowSeg !== null || t.inOffs.length !== ${k.inputs.length}) return js(t);`,
    '  const g0 = t.g0, n = t.g1 - g0, red = t.reduced;',
    '  if (n <= 0) return;',
    `  const groups = Math.ceil(n / ${L}), padded = groups * ${L};`,
    // Byte offsets of every array, 16-byte aligned.
    `  let at = ${wasm.reserved};`,
    '  const al = (b) => { const p = at; at += (b + 15) & ~15; return p; };',
  ];
  k.inputs.forEach((v, n) => {
    const len = v.cat === 'i' ? `padded * ${v.dim}` : v.cat === 'j' ? `red * ${v.dim}` : `${v.dim}`;
    lines.push(`  const p${n} = al(${len} * ${bytes});`);
  });
  k.outputs.forEach((o, n) => {
    lines.push(`  const q${n} = al(padded * ${o.dim} * ${bytes});`);
  });
  // Selections run as one tile (see `WasmKernel.accumulates`).
  const tiling = wasm.accumulates ? tile : 0x7fffffff;
  lines.push(`  const scratch = al(${wasm.scratch ? `16 * Math.min(red, ${tiling})` : '0'});`);
  lines.push(
    '  const have = mem.buffer.byteLength;',
    '  if (at > have) mem.grow(Math.ceil((at - have) / 65536));',
    `  const M = new ${F}(mem.buffer);`,
  );
  if (k.outputs.some((o) => o.type === 'i')) lines.push(`  const MI = new ${intView}(mem.buffer);`);
  k.inputs.forEach((v, n) => {
    const src = `t.ins[${n}]`;
    const off = `t.inOffs[${n}]`;
    if (v.cat === 'i') {
      lines.push(
        `  { const s = ${src}, o = ${off}, b = p${n} / ${bytes};`,
        `    for (let r = 0; r < padded; r++) {`,
        `      const d = b + ((r / ${L}) | 0) * ${v.dim * L} + (r % ${L});`,
        `      if (r < n) { const x = o + (g0 + r) * ${v.dim}; for (let c = 0; c < ${v.dim}; c++) M[d + c * ${L}] = s[x + c]; }`,
        `      else for (let c = 0; c < ${v.dim}; c++) M[d + c * ${L}] = 0;`,
        '    } }',
      );
    } else {
      const len = v.cat === 'j' ? `red * ${v.dim}` : `${v.dim}`;
      lines.push(`  M.set(${src}.subarray(${off}, ${off} + ${len}), p${n} / ${bytes});`);
    }
  });
  lines.push(
    `  k(groups, red, ${tiling}, scratch${k.inputs.map((_, n) => `, p${n}`).join('')}${k.outputs.map((_, n) => `, q${n}`).join('')});`,
  );
  k.outputs.forEach((o, n) => {
    const view = o.type === 'i' ? 'MI' : 'M';
    lines.push(
      `  { const d = t.outs[${n}], b = q${n} / ${bytes};`,
      `    for (let r = 0; r < n; r++) {`,
      `      const s = b + ((r / ${L}) | 0) * ${o.dim * L} + (r % ${L}), x = (g0 + r) * ${o.dim};`,
      `      for (let c = 0; c < ${o.dim}; c++) d[x + c] = ${view}[s + c * ${L}];`,
      '    } }',
    );
  });
  lines.push('};');
  return lines.join('\n');
}
