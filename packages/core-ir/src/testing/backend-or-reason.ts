import type { Backend } from '../backend.js';
import { BackendUnavailableError } from '../errors.js';

/**
 * Opens a backend for a test file, or returns why it is unavailable here so the file can skip
 * visibly with that reason. With `required` (CI sets SYMTENSOR_REQUIRE_WEBGPU=1 for WebGPU) an
 * unavailable backend rethrows: a broken driver install must fail, not pass as a skipped suite.
 * Any other error is a bug and always rethrows.
 */
export async function backendOrReason(
  open: () => Promise<Backend>,
  options: { readonly required: boolean },
): Promise<Backend | string> {
  try {
    return await open();
  } catch (e) {
    if (!(e instanceof BackendUnavailableError) || options.required) throw e;
    return e.reason;
  }
}
