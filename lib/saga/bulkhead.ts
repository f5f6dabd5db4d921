/**
 * A bulkhead per service: at most SAGA_CALLS_PER_SERVICE (16) attempts of this process call one service
 * at once; the others wait their turn, first come first served, before their timeout starts. Without it,
 * a burst of sagas sends every call at once, each waits behind all the others at the service, and past
 * the step's timeout every one of them is retried: the retries add to the queue that caused them, the
 * breaker opens for a service that is only busy, and sagas give up for no lasting reason. With it, the
 * step's timeout measures the service, not the orchestrator's own queue.
 */
import { positiveSetting } from "../db/config";

const DEFAULT_SLOTS = 16;

export class Bulkhead {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly slots: number) {}

  /** Resolves with the release of a slot once one is free; rejects with the signal's reason if it fires first. */
  take(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.busy < this.slots) {
      this.busy++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const turn = () => {
        signal.removeEventListener("abort", gaveUp);
        resolve(this.releaser());
      };
      const gaveUp = () => {
        const index = this.waiting.indexOf(turn);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      this.waiting.push(turn);
      signal.addEventListener("abort", gaveUp, { once: true });
    });
  }

  /** Attempts calling now, and waiting for a slot. */
  view(): { busy: number; waiting: number } {
    return { busy: this.busy, waiting: this.waiting.length };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next in line (busy stays the same), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    };
  }
}

// On globalThis: Next.js bundles each route apart, and every copy must share one bulkhead per service.
const globalForBulkheads = globalThis as unknown as { sagaStudioBulkheads?: Map<string, Bulkhead> };
const bulkheads = (globalForBulkheads.sagaStudioBulkheads ??= new Map());

/** SAGA_CALLS_PER_SERVICE (16): anything but a positive whole number stops the start (instrumentation.ts). */
export function callsPerService(env: Record<string, string | undefined> = process.env): number {
  return positiveSetting(env, "SAGA_CALLS_PER_SERVICE", DEFAULT_SLOTS, true);
}

/** The bulkhead of the service a step calls (its `service`, as diagrams name it). */
export function bulkheadOf(service: string): Bulkhead {
  let bulkhead = bulkheads.get(service);
  if (!bulkhead) {
    bulkhead = new Bulkhead(callsPerService());
    bulkheads.set(service, bulkhead);
  }
  return bulkhead;
}
