/**
 * The backend conformance suite against the lowered program with an unroll limit of 2 (every
 * vector of dim 3 and more becomes a counted loop) and every reduced range split into 3 chunks
 * merged with the reductions' `merge` code, in both orders.
 */
import { programBackend, registerConformanceSuite } from '@symtensor/core-ir/testing';

registerConformanceSuite('program (unroll 2, split 3)', () => programBackend({ unrollLimit: 2, split: 3 }), {
  sizes: 'quick',
});
