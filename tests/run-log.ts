/**
 * What the tests of lib/view share: the order saga's outline as a plain fixture (its steps and
 * compensations, no services), and a recorder that writes a run's event log as the engine writes it:
 * ids in order, times in milliseconds from the start.
 */
import type { SagaOutline } from "../lib/view/outline";
import type { LogEvent } from "../lib/view/replay";

export const orderOutline: SagaOutline = {
  name: "order",
  subject: "order",
  steps: [
    { name: "validate_order", compensation: "no_compensation", durationMs: 100 },
    { name: "reserve_inventory", compensation: "release_inventory", durationMs: 100 },
    { name: "process_payment", compensation: "refund_payment", durationMs: 100 },
    { name: "ship_order", compensation: "cancel_shipment", durationMs: 200 },
  ],
};

export function recorder(outline: SagaOutline = orderOutline) {
  const events: LogEvent[] = [];
  const add = (
    ms: number,
    position: number | null,
    phase: string,
    outcome: string,
    error: string | null = null,
    detail?: string,
  ): LogEvent => {
    const event: LogEvent = {
      id: events.length + 1,
      saga_id: "saga-1",
      order_id: "order-1",
      position,
      step: position === null ? null : outline.steps[position].name,
      phase,
      outcome,
      error,
      created_at: new Date(Date.UTC(2026, 0, 1) + ms).toISOString(),
      ...(detail === undefined ? {} : { detail }),
    };
    events.push(event);
    return event;
  };
  return { events, add };
}
