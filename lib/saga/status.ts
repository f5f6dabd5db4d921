import { z } from "zod";

/**
 * pending -> processing -> completed, or processing -> compensating -> failed (docs/API.md); and,
 * when a compensation keeps failing, compensating -> compensation_failed: stuck, with its reason, until
 * an operator retries it (back to compensating).
 */
export const sagaStatuses = ["pending", "processing", "compensating", "completed", "failed", "compensation_failed"] as const;
export const SagaStatusSchema = z.enum(sagaStatuses);
export type SagaStatus = z.infer<typeof SagaStatusSchema>;

/**
 * A step is running or compensating only while its saga is in flight; compensation_failed marks the
 * step whose compensation gave up.
 */
export const stepStatuses = ["pending", "running", "completed", "failed", "compensating", "compensated", "compensation_failed"] as const;
export const StepStatusSchema = z.enum(stepStatuses);
export type StepStatus = z.infer<typeof StepStatusSchema>;

/** Which part of a saga an event log row is about. */
export const eventPhases = ["saga", "action", "compensation"] as const;
export const EventPhaseSchema = z.enum(eventPhases);
export type EventPhase = z.infer<typeof EventPhaseSchema>;

/** What an event records: a new status, or `retrying` when an attempt failed and another will follow. */
export const eventOutcomes = [...new Set([...sagaStatuses, ...stepStatuses, "retrying"] as const)];
export const EventOutcomeSchema = z.enum(eventOutcomes);
export type EventOutcome = z.infer<typeof EventOutcomeSchema>;

/**
 * Every move a saga's status can make, and why: the orchestrator makes these and no others, and the
 * status diagram of /workflow is drawn from this list (so it cannot leave a status out).
 */
export const sagaTransitions: readonly { from: SagaStatus | "start"; to: SagaStatus | "end"; why: string }[] = [
  { from: "start", to: "pending", why: "Order Created" },
  { from: "pending", to: "processing", why: "Saga Started" },
  { from: "processing", to: "completed", why: "All Steps Success" },
  { from: "processing", to: "compensating", why: "Step Failed" },
  { from: "compensating", to: "compensating", why: "Continue Compensation" },
  { from: "compensating", to: "failed", why: "Compensation Complete" },
  { from: "compensating", to: "compensation_failed", why: "Compensation Gave Up" },
  { from: "compensation_failed", to: "compensating", why: "Operator Retry" },
  { from: "completed", to: "end", why: "" },
  { from: "failed", to: "end", why: "" },
];

/** Whether `sagaTransitions` lists the move from `from` to `to`: the engine makes no other. */
export function isSagaTransition(from: SagaStatus, to: SagaStatus): boolean {
  return sagaTransitions.some((transition) => transition.from === from && transition.to === to);
}

export const inFlightSagaStatuses: readonly SagaStatus[] = ["pending", "processing", "compensating"];

export function isInFlight(status: string): boolean {
  return (inFlightSagaStatuses as readonly string[]).includes(status);
}
