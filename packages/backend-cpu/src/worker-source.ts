/**
 * The code each worker thread runs, as a string: started with `new Worker(code, { eval: true })`
 * it needs no separate file, so it works the same from TypeScript sources (tests, tsx) and from
 * the built package. A worker compiles each kernel source once (keyed like the main cache) and
 * runs chunks of rows on buffers shared with the main thread.
 *
 * Messages in: `{ id, key, source?, drop?, task }` (source only the first time this worker sees
 * the key; `drop` names a kernel the main thread evicted). Out: `{ id }` or `{ id, error, compile }`.
 */
export const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const kernels = new Map();
parentPort.on('message', (m) => {
  if (m.drop !== undefined) kernels.delete(m.drop);
  let fn = kernels.get(m.key);
  if (fn === undefined) {
    try {
      fn = new Function(m.source)();
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: String(e && e.message), compile: true });
      return;
    }
    kernels.set(m.key, fn);
  }
  try {
    fn(m.task);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.stack) || e), compile: false });
    return;
  }
  parentPort.postMessage({ id: m.id });
});
`;
