/**
 * @symtensor/benchmarks: The benchmark CLI: every package on every backend, against real baselines, with tables and plots.
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
