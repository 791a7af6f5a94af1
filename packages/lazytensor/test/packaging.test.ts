/**
 * Packaging: core-ir, backend-cpu and lazytensor are built and packed (`pnpm pack`), only those
 * three tarballs are installed with npm into a scratch folder outside the workspace (no registry
 * needed: they have no other dependencies), and the README quick start runs there with plain
 * Node. Each tarball is also linted with publint, which must report nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const PACKAGES = ['core-ir', 'backend-cpu', 'lazytensor'];
const scratch = mkdtempSync(join(tmpdir(), 'symtensor-pack-'));
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

let tarballs: string[] = [];

beforeAll(() => {
  const filters = PACKAGES.flatMap((p) => ['--filter', `@symtensor/${p}`]);
  run('pnpm', [...filters, 'build'], workspace);
  for (const p of PACKAGES)
    run('pnpm', ['pack', '--pack-destination', scratch], join(workspace, 'packages', p));
  tarballs = readdirSync(scratch)
    .filter((f) => f.endsWith('.tgz'))
    .map((f) => join(scratch, f));
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('packaging', () => {
  it('the three tarballs install alone with npm and the README quick start runs with node', () => {
    expect(tarballs).toHaveLength(3);
    const app = join(scratch, 'app');
    run('mkdir', ['-p', app], scratch);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], app);
    const installed = readdirSync(join(app, 'node_modules', '@symtensor')).sort();
    expect(installed).toEqual(['backend-cpu', 'core-ir', 'lazytensor']);
    const readme = readFileSync(join(workspace, 'packages/lazytensor/README.md'), 'utf8');
    const quickStart = readme.match(/```js\n([\s\S]*?)```/)![1]!;
    writeFileSync(join(app, 'example.mjs'), quickStart);
    const out = run(process.execPath, ['example.mjs'], app);
    expect(out).toMatch(/^Float32Array\(1000\)/);
    expect(out).toContain('Int32Array(1000)');
    expect(out).toContain('Float32Array(3000)');
  }, 120_000);

  it.each(PACKAGES)('publint reports nothing for @symtensor/%s', async (name) => {
    const tarball = tarballs.find((t) => t.includes(`symtensor-${name}-`))!;
    const bytes = readFileSync(tarball);
    const { messages, pkg } = await publint({
      pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    expect(messages.map((m) => formatMessage(m, pkg, { color: false }))).toEqual([]);
  });
});
