/**
 * The backend conformance suite against the reference interpreter behind the Backend interface:
 * the suite's own baseline (a failure here is a bug of the suite, not of a backend). The full
 * catalogue runs in float64, million-pair run included; float32 runs the quick sizes.
 *
 * The program backend (the lowering's test) runs in conformance-program*.test.ts: one file per
 * backend, so that vitest spreads them over the cores.
 */
import { referenceBackend, registerConformanceSuite } from '@symtensor/core-ir/testing';

registerConformanceSuite('reference', referenceBackend, { dtypes: ['float64'] });
registerConformanceSuite('reference', referenceBackend, { dtypes: ['float32'], sizes: 'quick' });
