/**
 * Whether new operations are recorded on the autograd tape. `grad` turns recording off while it
 * runs a backward pass, unless `createGraph` asks for a differentiable gradient.
 */

let enabled = true;

/** True when operations on tensors that require grad are recorded. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Runs `fn` with recording on or off, restoring the previous state afterwards. */
export function withGradMode<T>(on: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = on;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/**
 * Runs `fn` without recording: results do not require grad, and nothing is kept for a backward
 * pass (use it for updates of parameters, evaluation, or data preparation).
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}
