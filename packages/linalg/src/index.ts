/**
 * @symtensor/linalg: LinearOperator, conjugate gradient and kernel solves, and a Lanczos eigensolver over symbolic kernel matrices.
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
