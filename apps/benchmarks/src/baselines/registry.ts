/**
 * The in-process baselines: name -> async factory. A baseline whose library does not install or
 * initialise here is listed as unavailable with the reason.
 */
import { type Loaded, tryLoad } from '../contender.js';
import { UsageError } from '../errors.js';
import { hnswlibContender } from './hnswlib.js';
import { jaxContender } from './jax.js';
import { mlKmeansContender } from './ml-kmeans.js';
import { naiveContender } from './naive.js';
import { tfjsContender } from './tfjs.js';

const FACTORIES = {
  'naive-js': async () => naiveContender(),
  'tfjs-cpu': () => tfjsContender('cpu'),
  'tfjs-wasm': () => tfjsContender('wasm'),
  'jax-js-wasm': () => jaxContender(),
  'ml-kmeans': () => mlKmeansContender(),
  'hnswlib-node': () => hnswlibContender(),
} as const;

export const BASELINE_NAMES: readonly string[] = Object.keys(FACTORIES);

export function loadBaseline(name: string): Promise<Loaded> {
  const factory = (FACTORIES as Record<string, (typeof FACTORIES)[keyof typeof FACTORIES]>)[name];
  if (!factory) throw new UsageError(`unknown baseline '${name}'; choose from: ${BASELINE_NAMES.join(', ')}`);
  return tryLoad(name, factory);
}
