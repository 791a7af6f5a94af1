/**
 * Suites of the benchmark plan (issue 11) whose packages are not written yet. They stay in the
 * suite list so every table says what is missing and why, instead of silently measuring less.
 */
import type { PendingSuite } from './types.js';

const needs = (pkg: string) => `not available yet: needs ${pkg}`;

export const PENDING_SUITES: readonly PendingSuite[] = [
  {
    id: 'sinkhorn',
    group: 'ot',
    title: 'Sinkhorn divergence (+ gradient)',
    reason: needs('@symtensor/geomloss'),
  },
  { id: 'kmeans', group: 'ml', title: 'k-means (Lloyd)', reason: needs('@symtensor/ml') },
  { id: 'gmm', group: 'ml', title: 'Gaussian mixture EM', reason: needs('@symtensor/ml') },
  { id: 'cg', group: 'linalg', title: 'CG kernel solve', reason: needs('@symtensor/linalg') },
  { id: 'eigsh', group: 'linalg', title: 'Kernel eigensolver (Lanczos)', reason: needs('@symtensor/linalg') },
];
