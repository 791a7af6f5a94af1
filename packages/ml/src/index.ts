/**
 * @symtensor/ml: k-means, Gaussian mixtures (EM) and exact kNN graphs for any metric, ready for UMAP.
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
