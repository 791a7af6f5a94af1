/** The backend conformance suite of core-ir, float32 and float64, on the calling thread, 1 worker and 2 workers. */
import { registerConformanceSuite } from '@symtensor/core-ir/testing';
import { cpu } from '../src/index.js';

registerConformanceSuite('cpu, calling thread', () => cpu({ engine: 'js', threads: 0 }));
// inlineWork 0 sends every run, however small, through the pool.
registerConformanceSuite('cpu, 1 worker', () => cpu({ engine: 'js', threads: 1, inlineWork: 0 }));
registerConformanceSuite('cpu, 2 workers', () => cpu({ engine: 'js', threads: 2, inlineWork: 0, tile: 256 }));
