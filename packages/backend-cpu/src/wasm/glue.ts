/**
 * The JavaScript around a WebAssembly kernel, printed as a source string like the JavaScript
 * kernels (`new Function(source)()` returns `kernel(task)`), so the worker pool, the worker code
 * and the calling thread run it unchanged. The source embeds the module (base64) and the
 * JavaScript kernel of the same program, used for the runs the WebAssembly skeleton does not
 * cover: batched runs, and rows whose ranges reduce over nothing (their empty values).
 *
 * Ranges (block sparsity) run in WebAssembly: a run of rows sharing one segment gets the
 * segment's spans of j-variables gathered into one contiguous block, reduced as a dense problem.
 * Spans are sorted and disjoint, so gathered positions grow with j: ties still resolve to the
 * smaller j, and integer outputs (always reduced-axis indices) map back through the span table.
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
    `  if (t.inOffs.length !== ${k.inputs.length}) return js(t);`,
    '  if (t.rowSeg === null) return block(t, t.g0, t.g1 - t.g0, t.reduced, -1);',
    '  const rowSeg = t.rowSeg, segSpan = t.segSpan, spans = t.spans;',
    '  for (let g = t.g0; g < t.g1; ) {',
    '    const seg = rowSeg[g];',
    '    let e = g + 1;',
    '    while (e < t.g1 && rowSeg[e] === seg) e++;',
    '    let red = 0;',
    '    if (seg >= 0) for (let s = segSpan[seg]; s < segSpan[seg + 1]; s++) red += spans[2 * s + 1] - spans[2 * s];',
    '    if (red === 0) js({ ...t, g0: g, g1: e });',
    '    else block(t, g, e - g, red, seg);',
    '    g = e;',
    '  }',
    '};',
    // Rows [g0, g0 + n) against `red` reduced indices: all of them (seg < 0) or the segment's spans.
    'function block(t, g0, n, red, seg) {',
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
    } else if (v.cat === 'j') {
      lines.push(
        `  if (seg < 0) M.set(${src}.subarray(${off}, ${off} + red * ${v.dim}), p${n} / ${bytes});`,
        `  else for (let s = t.segSpan[seg], d = p${n} / ${bytes}; s < t.segSpan[seg + 1]; s++) {`,
        `    const ja = t.spans[2 * s], jz = t.spans[2 * s + 1];`,
        `    M.set(${src}.subarray(${off} + ja * ${v.dim}, ${off} + jz * ${v.dim}), d);`,
        `    d += (jz - ja) * ${v.dim};`,
        '  }',
      );
    } else lines.push(`  M.set(${src}.subarray(${off}, ${off} + ${v.dim}), p${n} / ${bytes});`);
  });
  lines.push(
    `  k(groups, red, ${tiling}, scratch${k.inputs.map((_, n) => `, p${n}`).join('')}${k.outputs.map((_, n) => `, q${n}`).join('')});`,
  );
  const indexOutputs = k.outputs.some((o) => o.type === 'i');
  if (indexOutputs)
    // Gathered position -> j, for index outputs of ranged blocks (negative: an empty slot).
    lines.push(
      '  let jOf = null;',
      '  if (seg >= 0) {',
      '    jOf = new Int32Array(red);',
      '    for (let s = t.segSpan[seg], p = 0; s < t.segSpan[seg + 1]; s++)',
      '      for (let j = t.spans[2 * s]; j < t.spans[2 * s + 1]; j++) jOf[p++] = j;',
      '  }',
    );
  k.outputs.forEach((o, n) => {
    const view = o.type === 'i' ? 'MI' : 'M';
    const value = o.type === 'i' ? `(jOf === null || v < 0 ? v : jOf[v])` : 'v';
    lines.push(
      `  { const d = t.outs[${n}], b = q${n} / ${bytes};`,
      `    for (let r = 0; r < n; r++) {`,
      `      const s = b + ((r / ${L}) | 0) * ${o.dim * L} + (r % ${L}), x = (g0 + r) * ${o.dim};`,
      `      for (let c = 0; c < ${o.dim}; c++) { const v = ${view}[s + c * ${L}]; d[x + c] = ${value}; }`,
      '    } }',
    );
  });
  lines.push('}');
  return lines.join('\n');
}
