/**
 * @symtensor/core-ir: Formula IR, op table, symbolic differentiation, reductions, kernel specs and lowering, the formula-string parser, the Backend interface, a float64 reference interpreter and the backend conformance suite (@symtensor/core-ir/testing).
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
