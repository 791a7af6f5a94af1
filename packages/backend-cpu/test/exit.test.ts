/** No worker leak: a Node process that uses the pool exits by itself, with or without dispose(). */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const coreIr = join(root, 'packages', 'core-ir', 'src', 'index.ts');

function script(dispose: boolean) {
  return `
import { Reduction, reductionSpec, sqDist, variable } from ${JSON.stringify(coreIr)};
import { cpu } from ${JSON.stringify(entry)};
const backend = cpu({ threads: 2, inlineWork: 0 });
const spec = reductionSpec({ formula: sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')), reduction: Reduction.ArgMin, axis: 'j' });
const [out] = backend.run(spec, { args: [backend.upload(new Float32Array(3000)), backend.upload(new Float32Array(3000))], nx: 1000, ny: 1000 });
const idx = await backend.download(out);
${dispose ? 'await backend.dispose();' : ''}
console.log('done', idx.length);
`;
}

/** Runs the script with tsx; resolves with stdout, rejects when it does not exit within `ms`. */
function runScript(code: string, ms: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'symtensor-cpu-exit-'));
  // .mts: an ES module (top-level await) wherever the temporary directory is.
  const file = join(dir, 'script.mts');
  writeFileSync(file, code);
  return new Promise((resolve, reject) => {
    execFile(
      tsx,
      ['--conditions=source', file],
      { cwd: root, timeout: ms, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

describe('process exit', () => {
  // tsx compiles the sources on start (a second or two); the workers must not add more than that.
  for (const dispose of [true, false]) {
    it(`exits by itself ${dispose ? 'after dispose()' : 'without dispose() (idle workers are unref-ed)'}`, async () => {
      const start = performance.now();
      expect(await runScript(script(dispose), 20_000)).toContain('done 1000');
      expect(performance.now() - start).toBeLessThan(15_000);
    });
  }
});
