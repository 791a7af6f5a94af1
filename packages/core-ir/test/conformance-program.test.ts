/**
 * The backend conformance suite against the lowered program (`lowerKernel`) run by the
 * tree-walking program backend, in float32 (every value rounded as a float32 device would) and
 * float64. Quick sizes: the evaluator is slow, and 1000+ reduced indices per row still run.
 */
import { programBackend, registerConformanceSuite } from '@symtensor/core-ir/testing';

registerConformanceSuite('program', () => programBackend(), { sizes: 'quick' });
