/**
 * A symtensor backend as a contender: inputs are uploaded once before timing (device-resident
 * data, as a user's tensors would be), and each timed run enqueues the kernel and downloads the
 * result; the download is the only wait.
 */
import type { Backend, DeviceBuffer } from '@symtensor/core-ir';
import type { Contender } from '../contender.js';
import { selfChecking } from '../suites/types.js';

export function backendContender(backend: Backend, detail: string): Contender {
  return {
    name: backend.name,
    kind: 'backend',
    detail,
    // Every backend runs every kernel spec; whether it supports the spec's dtype is checked at
    // run time and reported as an error of that measurement, with the backend's own message.
    supports: () => true,
    async prepare(w) {
      const p = w.problem;
      if (selfChecking(p)) {
        await p.reference?.();
        return { run: () => p.run(backend), dispose: () => undefined };
      }
      const spec = w.spec;
      if (!spec) throw new Error(`workload ${w.suite} has no kernel spec`);
      const args: DeviceBuffer[] = w.args.map((a) => backend.upload(a));
      return {
        async run() {
          const [out] = backend.run(spec, { args, nx: w.nx, ny: w.ny });
          try {
            return await backend.download(out!);
          } finally {
            backend.free(out!);
          }
        },
        dispose() {
          for (const a of args) backend.free(a);
        },
      };
    },
    close: () => backend.dispose(),
  };
}
