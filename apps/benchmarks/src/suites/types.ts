/**
 * What a benchmark suite is. A suite turns a size into a workload: fresh inputs, the core-ir
 * kernel spec a backend runs, and the same problem stated plainly (`Problem`) so that hand-written
 * baselines, which know nothing of kernel specs, compute the very same numbers.
 */
import type { Backend, ReductionSpec, TypedArray } from '@symtensor/core-ir';
import type { KernelName } from './kernel-functions.js';

/** Point clouds shared by every problem: x is N x D (rows, indexed by i), y is M x D (indexed by j). */
interface PointClouds {
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly N: number;
  readonly M: number;
  readonly D: number;
}

/** out_i = sum_j k(|x_i - y_j|) b_j with a scale (bandwidth) s. */
export interface KernelSumProblem extends PointClouds {
  readonly kind: 'kernel-sum';
  readonly kernel: KernelName;
  readonly scale: number;
  /** Signal, M x 1. */
  readonly b: Float32Array;
}

/** out_i = the indices of the K nearest y_j (squared Euclidean distance), nearest first. */
export interface KnnProblem extends PointClouds {
  readonly kind: 'knn';
  readonly K: number;
}

/** out_i = log sum_j exp(-|x_i - y_j|^2 / eps + h_j): the softmin of optimal transport solvers. */
export interface SoftminProblem extends PointClouds {
  readonly kind: 'softmin';
  readonly eps: number;
  /** Log-weights (dual potential), M x 1. */
  readonly h: Float32Array;
}

/** What an algorithm suite's check of one result measured (see check/check.ts). */
export interface AlgorithmCheck {
  /** The worst error, in the metric's unit (NaN or Infinity when invalid). */
  readonly error: number;
  readonly tolerance: number;
  readonly metric: string;
  /** Number of values compared. */
  readonly rows: number;
  readonly note?: string;
}

/**
 * A whole algorithm built on lazytensor (Sinkhorn, k-means, EM, CG, Lanczos): it runs on the
 * backend given (lazytensor's current backend during the run) and checks its own packed result
 * against a float64 computation of the same problem.
 */
interface SelfCheckingRun {
  /** One complete run on `backend`, its result packed on the host. */
  run(backend: Backend): Promise<TypedArray>;
  check(out: TypedArray): AlgorithmCheck;
  /** Computes what `check` compares with, when that is asynchronous (called untimed, before runs). */
  reference?(): Promise<void>;
}

export interface AlgorithmProblem extends SelfCheckingRun {
  readonly kind: 'algorithm';
}

/**
 * k-means from given centroids, also stated plainly so that a baseline library (ml-kmeans) runs
 * the same problem: Lloyd iterations on the rows of x (N x D) from the K rows of `init`. A result
 * is the K x D final centroids, checked through their float64 inertia.
 */
export interface KMeansProblem extends SelfCheckingRun {
  readonly kind: 'kmeans';
  readonly x: Float32Array;
  readonly N: number;
  readonly D: number;
  readonly K: number;
  readonly init: Float32Array;
  readonly maxIter: number;
}

export type Problem = KernelSumProblem | KnnProblem | SoftminProblem | AlgorithmProblem | KMeansProblem;

/** Problems that run and check themselves (no kernel spec, no row-sampled reference). */
export function selfChecking(p: Problem): p is AlgorithmProblem | KMeansProblem {
  return p.kind === 'algorithm' || p.kind === 'kmeans';
}

/** One suite at one size, with its inputs drawn for that size. */
export interface Workload {
  readonly suite: string;
  /** The swept size (N = M). */
  readonly n: number;
  /** Human-readable size, e.g. "N=M=1000, D=3". */
  readonly sizeLabel: string;
  /** Number of (i, j) pairs the reduction visits: the unit of the pairs/s column. */
  readonly pairs: number;
  readonly problem: Problem;
  /**
   * The kernel a backend runs, its host arguments by variable position, and its sizes. Algorithm
   * workloads have no single kernel: their spec is absent and args empty.
   */
  readonly spec?: ReductionSpec;
  readonly args: readonly Float32Array[];
  readonly nx: number;
  readonly ny: number;
}

/** A benchmark suite: a computation swept over sizes. */
export interface Suite {
  readonly id: string;
  /** Group name, usable on the command line to select every suite of the group. */
  readonly group: string;
  readonly title: string;
  /** The kind of problem its workloads state (decides which baselines take part). */
  readonly kind: Problem['kind'];
  /** The computation as a reader would write it. */
  readonly formula: string;
  readonly defaultSizes: readonly number[];
  readonly quickSizes: readonly number[];
  /** The smallest N the problem is defined for (k-means needs N >= K); smaller sizes are skipped with `why`. */
  readonly minSize?: { readonly n: number; readonly why: string };
  workload(n: number): Workload;
}
