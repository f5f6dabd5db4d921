import { z } from "zod";

/**
 * pending -> processing -> completed, or processing -> compensating -> failed (shared/API.md); and,
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

export const inFlightSagaStatuses: readonly SagaStatus[] = ["pending", "processing", "compensating"];

export function isTerminal(status: SagaStatus): boolean {
  return status === "completed" || status === "failed";
}
