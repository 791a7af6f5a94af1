/**
 * @symtensor/ml: k-means, Gaussian mixtures (EM) and exact kNN graphs for any metric, ready for
 * UMAP. Built on `@symtensor/lazytensor`: it runs on whatever backend the data lives on.
 */

export type { CovarianceType } from './gmm/covariance.js';
export {
  type GaussianMixture,
  type GaussianMixtureInit,
  type GaussianMixtureOptions,
  gaussianMixture,
} from './gmm/gmm.js';
export type { KMeansMetric } from './kmeans/geometry.js';
export { type KMeansOptions, type KMeansResult, kmeans } from './kmeans/kmeans.js';
export { type KnnGraph, type KnnGraphOptions, knnGraph } from './knn/graph.js';
export { type KnnOptions, type KnnResult, knn } from './knn/knn.js';
export type { DistanceFunction, KnnMetric, KnnMetricName } from './knn/metrics.js';
