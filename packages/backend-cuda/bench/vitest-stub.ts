/**
 * Stands in for vitest in the bundle (scripts/bundle.mjs): @symtensor/core-ir/testing imports it
 * for `registerConformanceSuite`, which the bundled runner never calls.
 */
const unavailable = () => {
  throw new Error('vitest is not part of the bundle; use the conformance command');
};
export const describe = unavailable;
export const it = unavailable;
export const beforeAll = unavailable;
export const afterAll = unavailable;
