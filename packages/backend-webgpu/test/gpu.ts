/**
 * Whether the tests can get a WebGPU adapter here. Without one the GPU tests are skipped, with the
 * reason, unless SYMTENSOR_REQUIRE_WEBGPU=1 (CI, which installs lavapipe): then "no adapter" is
 * a failure, so a broken driver install cannot pass as a skipped suite.
 */
import { backendOrReason } from '@symtensor/core-ir/testing';
import { webgpu } from '../src/index.js';

export const REQUIRE_WEBGPU = process.env.SYMTENSOR_REQUIRE_WEBGPU === '1';

/** Undefined when WebGPU works here, else why not (tests then skip). */
export async function webgpuUnavailable(): Promise<string | undefined> {
  const backend = await backendOrReason(() => webgpu(), { required: REQUIRE_WEBGPU });
  if (typeof backend === 'string') return backend;
  await backend.dispose();
  return undefined;
}
