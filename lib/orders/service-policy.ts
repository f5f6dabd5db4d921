/**
 * How patient the order saga is with a service (lib/orders/order-saga.ts), apart so that the form's
 * presets (scenarios.ts, in the browser's bundle) can count the same attempts without the saga's imports.
 */

/**
 * A call of a service, its action and its compensation alike, retries more patiently than a local step:
 * six attempts, waiting from a quarter of a second up to 4 s, so that a saga outwaits a service's open
 * circuit breaker (5 s by default) with its backoff instead of giving up while the breaker fails its
 * calls fast. Under load, a busy service's answers can pass the timeout and open its breaker: a
 * compensation that gave up then would leave the saga stuck for an operator for no lasting reason.
 */
export const SERVICE_RETRY = { attempts: 6, backoffMs: 250, maxBackoffMs: 4_000 };
