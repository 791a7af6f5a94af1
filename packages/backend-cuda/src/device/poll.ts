/**
 * Waiting for the GPU without blocking the event loop: `done` (an event query, a chunk check) is
 * polled, first on the next turns of the event loop (short waits stay short), then on timers that
 * back off to a few milliseconds (long kernels do not keep a core busy polling).
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** Turns of the event loop polled before switching to timers. */
const EAGER_POLLS = 32;
const MAX_SLEEP_MS = 4;

export async function waitUntil(done: () => boolean): Promise<void> {
  for (let n = 0; !done(); n++) {
    if (n < EAGER_POLLS) await nextTurn();
    else await sleep(Math.min(MAX_SLEEP_MS, 1 + ((n - EAGER_POLLS) >> 4)));
  }
}
