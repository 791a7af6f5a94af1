/**
 * Suites of the benchmark plan (issue 11) whose packages are not written yet. They stay in the
 * suite list so every table says what is missing and why, instead of silently measuring less.
 */
import type { PendingSuite } from './types.js';

export const PENDING_SUITES: readonly PendingSuite[] = [];
