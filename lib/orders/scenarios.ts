/**
 * The seed's four scenarios (docs/API.md), three that inject failures to show retries and a stuck
 * compensation, and two at a service's boundary (a lost answer, a service down), as one-click presets
 * of the order form. Each says what it will show, from a
 * freshly reset state.
 */
import type { Fault } from "../saga/options";
import { SERVICE_RETRY } from "./service-policy";

export type Faults = Record<string, Fault>;

export interface Scenario {
  id:
    | "happy-path"
    | "insufficient-funds"
    | "shipping-failure"
    | "insufficient-inventory"
    | "flaky-payment"
    | "slow-reservation"
    | "stuck-refund"
    | "lost-payment-answer"
    | "payment-service-down";
  title: string;
  outcome: "completed" | "failed" | "stuck";
  description: string;
  order: { user_id: string; product_id: string; quantity: number; amount: number };
  faults?: Faults;
}

export const scenarios: readonly Scenario[] = [
  {
    id: "happy-path",
    title: "Happy path",
    outcome: "completed",
    description: "Every step completes: product_1 drops to 98 and user_1 to $900.00.",
    order: { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 },
  },
  {
    id: "insufficient-funds",
    title: "Insufficient funds",
    outcome: "failed",
    description: "Payment fails for user_3 ($200 < $500), so the reserved unit is released and nothing changes.",
    order: { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500 },
  },
  {
    id: "shipping-failure",
    title: "Shipping failure",
    outcome: "failed",
    description: "Shipping fails (user_3 has no valid address): the payment is refunded, then the inventory released.",
    order: { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 },
  },
  {
    id: "insufficient-inventory",
    title: "Insufficient inventory",
    outcome: "failed",
    description: "Only 100 units of product_1 exist, so reserving 200 fails and nothing is charged.",
    order: { user_id: "user_1", product_id: "product_1", quantity: 200, amount: 100 },
  },
  {
    id: "flaky-payment",
    title: "Flaky payment",
    outcome: "completed",
    description: "The payment service fails twice, transiently: each attempt is retried with backoff, and the third one succeeds.",
    order: { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 },
    faults: { process_payment: { transient: 2 } },
  },
  {
    id: "slow-reservation",
    title: "Reservation times out",
    outcome: "completed",
    description: "The first attempt to reserve stock hangs past its timeout; the retry reserves it.",
    order: { user_id: "user_2", product_id: "product_2", quantity: 1, amount: 25 },
    faults: { reserve_inventory: { timeouts: 1 } },
  },
  {
    id: "stuck-refund",
    title: "Stuck refund",
    outcome: "stuck",
    description: "Shipping fails and the refund keeps failing: the saga stops in compensation_failed until you retry it.",
    order: { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 },
    // every attempt the refund's policy allows fails; an operator's retry is the next one, and succeeds
    faults: { process_payment: { compensation_failures: SERVICE_RETRY.attempts } },
  },
  {
    id: "lost-payment-answer",
    title: "Lost payment answer",
    outcome: "completed",
    description:
      "The payment service charges user_1, but its answer is lost on the way back. The retry carries the same " +
      "Idempotency-Key: the service replays its charge, and user_1 pays once ($900.00).",
    order: { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 },
    faults: { process_payment: { lost_answers: 1 } },
  },
  {
    id: "payment-service-down",
    title: "Payment service down",
    outcome: "completed",
    description:
      "The payment service answers 503 to the first three calls. The saga waits with its backoff and calls again; " +
      "once the service is back, user_1 is charged once and the order ships.",
    order: { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 },
    faults: { process_payment: { unavailable: 3 } },
  },
];

/** Whether two sets of faults inject the same thing (empty entries count as none). */
export function sameFaults(a: Faults, b: Faults): boolean {
  const meaningful = (faults: Faults) =>
    JSON.stringify(
      Object.entries(faults)
        .filter(([, fault]) => Object.values(fault).some(Boolean))
        .sort(([x], [y]) => x.localeCompare(y)),
    );
  return meaningful(a) === meaningful(b);
}
