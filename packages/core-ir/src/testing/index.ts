/**
 * @symtensor/core-ir/testing: the backend conformance suite and the two test backends of core-ir.
 *
 * - `registerConformanceSuite(name, makeBackend, options)` registers vitest tests that check a
 *   backend against the float64 reference interpreter.
 * - `referenceBackend()` (re-exported from the main entry point) runs specs with the reference
 *   interpreter, the suite's own baseline.
 * - `programBackend(options)` runs the lowered program of a spec with a tree-walking evaluator, to
 *   test the lowering and the reductions' accumulator code.
 *
 * This entry point imports vitest (a peer dependency); the main entry point does not.
 */

export { referenceBackend } from '../interpret/reference-backend.js';
export { backendOrReason } from './backend-or-reason.js';
export type { ConformanceTest, TestContext, TestGroup } from './cases/common.js';
export { type ConformanceSpecsOptions, conformanceSpecs } from './conformance-specs.js';
export { EMPTY_VALUES } from './empty-values.js';
export { type ProgramBackendOptions, programBackend } from './program-backend.js';
export { ProgramError } from './program-error.js';
export { Rng, seedOf } from './random.js';
export { type ConformanceOptions, conformanceGroups, registerConformanceSuite } from './suite.js';
export { rowScale, rtol, TOLERANCE, type ToleranceKind } from './tolerance.js';
