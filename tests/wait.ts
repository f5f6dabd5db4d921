/**
 * Waiting in tests for the event a test needs, never for a length of time: a gate that a step (or a
 * fake service) stops at until the test opens it, and a poll that returns as soon as a condition
 * holds. A poll's deadline is generous and only ever fails the test (a hang, said plainly); how long
 * anything takes never decides an outcome. Speed is `npm run bench`'s business.
 */

/** Where code under test stops until the test lets it go on. */
export interface Gate {
  /** Resolves once the code has arrived at the gate (called `pass`). */
  readonly reached: Promise<void>;
  /** For the code under test: says it has arrived, and waits until the gate is open. */
  pass(): Promise<void>;
  /** Lets everything waiting at the gate (and all later arrivals) through. */
  open(): void;
}

export function gate(): Gate {
  let arrived = () => {};
  let opened = () => {};
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const open = new Promise<void>((resolve) => (opened = resolve));
  return {
    reached,
    pass() {
      arrived();
      return open;
    },
    open: () => opened(),
  };
}

/**
 * Polls `condition` until it returns something other than undefined, null or false, and resolves with
 * that. Throws (failing the test) only if it has not held after `timeoutMs`, naming `what` it waited for.
 */
export async function until<T>(
  what: string,
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 30_000, everyMs = 20 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Still waiting after ${timeoutMs / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Resolves as `promise` does, or fails (the test) after a generous `timeoutMs`, saying what hung. */
export function within<T>(what: string, promise: Promise<T>, timeoutMs = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Still waiting after ${timeoutMs / 1000} s for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
