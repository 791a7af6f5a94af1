/** The README example runs as written (imports pointed at the sources) and prints a checked value. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { grad, rand } from '@symtensor/lazytensor';
import { afterAll, expect, it, vi } from 'vitest';
import { samplesLoss } from '../src/index.js';
import { expectClose, read } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = `${root}test/.readme-run/`;
// The same module instance as this test's import, so both share one backend and tensor registry.
const lazytensor = fileURLToPath(new URL('../../lazytensor/src/index.ts', import.meta.url));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('README example prints S and the gradient of the same computation', async () => {
  const [block] = [...readFileSync(`${root}README.md`, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map(
    (m) => m[1]!,
  );
  mkdirSync(tmp, { recursive: true });
  writeFileSync(
    `${tmp}example.mjs`,
    block!
      .replaceAll("'@symtensor/geomloss'", `'${root}src/index.ts'`)
      .replaceAll("'@symtensor/lazytensor'", `'${lazytensor}'`),
  );
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  let calls: unknown[][];
  try {
    await import(/* @vite-ignore */ `${tmp}example.mjs`);
    // Read before mockRestore, which clears the recorded calls.
    calls = [...log.mock.calls];
  } finally {
    log.mockRestore();
  }
  const [[S, gx]] = calls as [[number, Float64Array]];
  const x = rand([500, 3], { seed: 1, dtype: 'float64', requiresGrad: true });
  const y = rand([400, 3], { seed: 2, dtype: 'float64' });
  const want = await samplesLoss({ blur: 0.05, scaling: 0.5 })(x, y);
  expectClose([S], [await want.item()], { rtol: 1e-14 }, 'S');
  expectClose(gx, await read(grad(want, [x])[0]!), { atol: 1e-16, rtol: 1e-12 }, 'grad');
  expect(S).toBeGreaterThan(1e-4);
});
