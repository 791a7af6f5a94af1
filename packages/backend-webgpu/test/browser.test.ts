/**
 * The backend in a real browser: a page built with Vite (`test/browser/`) runs a Gaussian kernel
 * product and a k-nearest-neighbour search through Chromium's own `navigator.gpu` (headless
 * Debian `chromium`, WebGPU on SwiftShader, driven by playwright-core), and its results must
 * match the CPU backend's on the same data. Both backends pass core-ir's conformance suite in
 * float32, each within the suite's tolerance of float64, so they may differ by twice that:
 * 2e-4 of the row scale for the sums, 2e-5 for the distances; a neighbour index may differ only
 * where the float64 distances at both indices agree within the latter (a near-tie).
 *
 * The page is built once for the file, served from 127.0.0.1 (a secure context, which WebGPU
 * requires) and loaded in one browser. Without /usr/bin/chromium or without a WebGPU adapter in
 * it the test is skipped with the reason, unless SYMTENSOR_REQUIRE_WEBGPU=1 (CI): then it fails.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@symtensor/backend-cpu';
import { Rng, rowScale } from '@symtensor/core-ir/testing';
import { type BrowserContext, chromium } from 'playwright-core';
import { build, defaultClientConditions } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserInput,
  type BrowserOutput,
  K,
  type KernelResults,
  runKernels,
} from './browser/kernels.js';
import { REQUIRE_WEBGPU } from './gpu.js';

const CHROMIUM = '/usr/bin/chromium';
/** The flags of platform.md, less those playwright-core sets itself (--headless, --no-sandbox, --user-data-dir). */
const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PAGE_DIR = fileURLToPath(new URL('./browser/', import.meta.url));

const SUM_TOL = 2e-4;
const DISTANCE_TOL = 2e-5;

if (REQUIRE_WEBGPU && !existsSync(CHROMIUM))
  throw new Error(
    `SYMTENSOR_REQUIRE_WEBGPU=1 but ${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`,
  );

/** Builds the page into a fresh folder (Vite, with workspace packages resolved to their sources). */
async function buildPage(outDir: string): Promise<void> {
  await build({
    root: PAGE_DIR,
    logLevel: 'warn',
    configFile: false,
    resolve: { conditions: ['source', ...defaultClientConditions] },
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false, reportCompressedSize: false },
  });
}

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

/** Serves the built page from 127.0.0.1 on a free port. */
async function servePage(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(join(root, new URL(req.url ?? '/', 'http://x').pathname));
    const file = path.endsWith(sep) ? join(path, 'index.html') : path;
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' })
          .end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

function squaredDistance(input: BrowserInput, i: number, j: number): number {
  let s = 0;
  for (let d = 0; d < 3; d++) s += (input.x[3 * i + d]! - input.y[3 * j + d]!) ** 2;
  return s;
}

describe.skipIf(!existsSync(CHROMIUM))('in headless Chromium, through navigator.gpu', () => {
  let dir: string;
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'symtensor-browser-'));
    const outDir = join(dir, 'page');
    await buildPage(outDir);
    ({ server, url } = await servePage(outDir + sep));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      chromiumSandbox: false,
      args: CHROMIUM_FLAGS,
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('computes a Gaussian kernel product and a kNN that match the CPU backend', async (ctx) => {
    const rng = new Rng(31337);
    const [nx, ny] = [700, 1500];
    const input: BrowserInput = {
      nx,
      ny,
      x: Array.from({ length: nx * 3 }, () => Math.fround(rng.uniform(-1, 1))),
      y: Array.from({ length: ny * 3 }, () => Math.fround(rng.uniform(-1, 1))),
      b: Array.from({ length: ny * 2 }, () => Math.fround(rng.uniform(-1, 1))),
      gamma: 2,
    };
    const page = await context!.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => typeof window.runSymtensor === 'function', undefined, {
      timeout: 30_000,
    });
    const out: BrowserOutput = await page.evaluate((data) => window.runSymtensor!(data), input);
    await page.close();
    if ('error' in out) {
      const reason = `the page got ${out.error.name}: ${out.error.message}`;
      if (out.error.name === 'BackendUnavailableError' && !REQUIRE_WEBGPU) return ctx.skip(reason);
      throw new Error(`${reason}\n${logs.join('\n')}`);
    }

    const backend = cpu();
    let want: KernelResults;
    try {
      want = await runKernels(backend, input);
    } finally {
      await backend.dispose();
    }
    expect(out.gaussian).toHaveLength(nx * 2);
    for (let k = 0; k < nx * 2; k++) {
      const scale = rowScale(want.gaussian, k - (k % 2), k - (k % 2) + 2);
      expect(Math.abs(out.gaussian[k]! - want.gaussian[k]!)).toBeLessThanOrEqual(SUM_TOL * scale);
    }
    expect(out.knnDistances).toHaveLength(nx * K);
    expect(out.knnIndices).toHaveLength(nx * K);
    for (let k = 0; k < nx * K; k++) {
      const i = Math.floor(k / K);
      const tol = DISTANCE_TOL * Math.max(1, want.knnDistances[k]!);
      expect(Math.abs(out.knnDistances[k]! - want.knnDistances[k]!)).toBeLessThanOrEqual(tol);
      const [got, exp] = [out.knnIndices[k]!, want.knnIndices[k]!];
      if (got !== exp)
        expect(Math.abs(squaredDistance(input, i, got) - squaredDistance(input, i, exp))).toBeLessThanOrEqual(
          tol,
        );
    }
    // Each row's neighbours are distinct.
    for (let i = 0; i < nx; i++) expect(new Set(out.knnIndices.slice(i * K, i * K + K)).size).toBe(K);
    console.info(`browser adapter: ${out.adapter}`);
  });
});

if (!existsSync(CHROMIUM))
  describe('in headless Chromium', () => {
    it.skip(`${CHROMIUM} is missing (Debian: apt-get install chromium)`, () => {});
  });
