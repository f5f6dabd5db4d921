/**
 * A circuit breaker per service: after `threshold` transport failures in a row (no answer, a timeout, a
 * 5xx), the breaker opens and calls fail fast, without a request, for `coolDownMs`; then it is half-open
 * and lets one call through: its success closes the breaker, its failure opens it again. A business
 * answer (a 4xx) is an answer: the service is up. The saga's retries stay the engine's: a call refused
 * by an open breaker is a transient failure, retried with the step's backoff, but not before the breaker
 * is half-open again (lib/services/client.ts tells the engine when: TransientError.retryAfterMs).
 */
export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerView {
  state: BreakerState;
  /** Transport failures in a row. */
  failures: number;
  /** When an open breaker lets a trial call through (epoch ms), if open. */
  openUntil?: number;
}

export class CircuitOpen extends Error {
  override name = "TransientError"; // the engine retries it, after the cool-down (see isTransient, retryAfterMs)
  readonly retryAfterMs: number;
  // Refused before it was sent: the service never saw it.
  readonly undelivered = true;
  /** `retryInMs`: until the breaker lets a trial call through; undefined while a trial call is under way (its outcome decides). */
  constructor(service: string, retryInMs: number | undefined) {
    super(
      retryInMs === undefined
        ? `The ${service} service's circuit breaker is half-open: its one trial call is under way`
        : `The ${service} service's circuit breaker is open: failing fast for ${Math.ceil(retryInMs / 1000)} s more`,
    );
    // During a trial, no time is known: the step's own backoff decides.
    this.retryAfterMs = retryInMs ?? 0;
  }
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private trial = false;
  private readonly listeners = new Set<(state: BreakerState) => void>();

  constructor(
    readonly service: string,
    private readonly threshold = 5,
    private readonly coolDownMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.failures < this.threshold) return "closed";
    return this.now() < this.openUntil ? "open" : "half_open";
  }

  view(): BreakerView {
    const state = this.state;
    return { state, failures: this.failures, ...(state === "open" ? { openUntil: this.openUntil } : {}) };
  }

  /** Runs `call` through the breaker: refused at once (CircuitOpen) while open, or while a half-open trial is under way. */
  async run<T>(call: () => Promise<T>, isTransportFailure: (error: unknown) => boolean): Promise<T> {
    const state = this.state;
    if (state === "open") throw new CircuitOpen(this.service, Math.max(0, this.openUntil - this.now()));
    if (state === "half_open" && this.trial) throw new CircuitOpen(this.service, undefined);
    const trial = state === "half_open";
    if (trial) this.trial = true;
    try {
      const result = await call();
      this.succeeded();
      return result;
    } catch (error) {
      if (isTransportFailure(error)) this.failed();
      else this.succeeded();
      throw error;
    } finally {
      if (trial) this.trial = false;
    }
  }

  /** Told on every change of state (for the dashboard and /metrics). */
  onChange(listener: (state: BreakerState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private succeeded(): void {
    const before = this.state;
    this.failures = 0;
    this.openUntil = 0;
    if (before !== "closed") this.tell();
  }

  private failed(): void {
    const before = this.state;
    this.failures++;
    if (this.failures >= this.threshold) this.openUntil = this.now() + this.coolDownMs;
    if (this.state !== before || before === "half_open") this.tell();
  }

  private tell(): void {
    const state = this.state;
    for (const listener of this.listeners) listener(state);
  }
}
