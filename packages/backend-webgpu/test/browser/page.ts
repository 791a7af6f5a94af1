/**
 * The browser test's page: runs the shared kernels with @symtensor/backend-webgpu on the
 * browser's own `navigator.gpu`, called by the test through `window.runSymtensor`.
 */
import { webgpu } from '../../src/index.js';
import { type BrowserInput, type BrowserOutput, runKernels } from './kernels.js';

declare global {
  interface Window {
    runSymtensor?: (input: BrowserInput) => Promise<BrowserOutput>;
  }
}

async function runSymtensor(input: BrowserInput): Promise<BrowserOutput> {
  let backend: Awaited<ReturnType<typeof webgpu>>;
  try {
    backend = await webgpu();
  } catch (e) {
    return { error: { name: (e as Error).name, message: (e as Error).message } };
  }
  try {
    return { adapter: backend.description, ...(await runKernels(backend, input)) };
  } catch (e) {
    return { error: { name: (e as Error).name, message: (e as Error).message } };
  } finally {
    await backend.dispose();
  }
}

window.runSymtensor = runSymtensor;
document.getElementById('status')!.textContent = 'ready';
