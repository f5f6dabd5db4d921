import { z } from "zod";

/** pending -> processing -> completed, or processing -> compensating -> failed (shared/API.md). */
export const sagaStatuses = ["pending", "processing", "compensating", "completed", "failed"] as const;
export const SagaStatusSchema = z.enum(sagaStatuses);
export type SagaStatus = z.infer<typeof SagaStatusSchema>;

/** A step is running or compensating only while its saga is in flight. */
export const stepStatuses = ["pending", "running", "completed", "failed", "compensating", "compensated"] as const;
export const StepStatusSchema = z.enum(stepStatuses);
export type StepStatus = z.infer<typeof StepStatusSchema>;

/** Which part of a saga an event log row is about. */
export const eventPhases = ["saga", "action", "compensation"] as const;
export const EventPhaseSchema = z.enum(eventPhases);
export type EventPhase = z.infer<typeof EventPhaseSchema>;

export const inFlightSagaStatuses: readonly SagaStatus[] = ["pending", "processing", "compensating"];

export function isTerminal(status: SagaStatus): boolean {
  return status === "completed" || status === "failed";
}
