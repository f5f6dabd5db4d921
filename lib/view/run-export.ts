/**
 * A run as a file: what the timeline page's "Export JSON" downloads and "Import" opens again. It holds
 * everything the page draws from (the order, the saga, its event log, its steps, what each step moves and
 * the values it started from), so an imported run replays exactly as the original did, with no server.
 * Client-safe; every field is checked on import (a file is untrusted input).
 */
import { z } from "zod";
import { SagaStatusSchema } from "../saga/status";
import type { SagaOutline } from "./outline";
import type { StepEffects } from "./ledger";
import type { LogEvent } from "./replay";

export const RUN_FORMAT = "saga-studio.run/1";

const text = z.string().max(1_000);
const id = z.string().min(1).max(200);

const EventSchema = z.object({
  id: z.int().positive(),
  saga_id: id,
  order_id: id,
  position: z.int().min(0).max(100).nullable(),
  step: text.nullable(),
  phase: z.enum(["saga", "action", "compensation"]),
  outcome: z.enum([
    "pending",
    "processing",
    "compensating",
    "completed",
    "failed",
    "compensation_failed",
    "running",
    "retrying",
    "compensated",
  ]),
  error: text.nullable(),
  detail: text.nullable().optional(),
  created_at: z.iso.datetime(),
});

const StepSchema = z.object({ name: text, compensation: text, durationMs: z.number().min(0).max(3_600_000), service: text.optional() });

export const RunExportSchema = z.object({
  format: z.literal(RUN_FORMAT),
  exported_at: z.iso.datetime(),
  order: z.object({ id, user_id: text, product_id: text, quantity: z.int(), amount: z.number() }),
  saga: z.object({ id, status: SagaStatusSchema, definition_version: text }),
  outline: z.object({ name: text, subject: text, steps: z.array(StepSchema).min(1).max(100) }),
  effects: z.record(text, z.array(z.object({ account: text, kind: z.enum(["stock", "money"]), delta: z.number() })).max(20)),
  before: z.record(text, z.number()).nullable(),
  events: z.array(EventSchema).max(100_000),
});

export type RunExport = z.infer<typeof RunExportSchema>;

export interface RunData {
  order: RunExport["order"];
  saga: RunExport["saga"];
  outline: SagaOutline;
  effects: StepEffects;
  before: Record<string, number> | null;
  events: LogEvent[];
}

export function exportRun(run: RunData, now = new Date()): RunExport {
  return {
    format: RUN_FORMAT,
    exported_at: now.toISOString(),
    ...run,
    events: run.events.map((event) => ({ ...event, detail: event.detail ?? null })),
  } as RunExport;
}

/** Reads an exported run back; a message that says what is wrong when the file is not one. */
export function importRun(json: string): { ok: true; run: RunData } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, problem: "This file is not JSON." };
  }
  const parsed = RunExportSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `This is not a run exported by Saga Studio (${issue.path.join(".") || "file"}: ${issue.message}).` };
  }
  const { order, saga, outline, effects, before, events } = parsed.data;
  return {
    ok: true,
    run: { order, saga, outline, effects, before, events: events.map((event) => ({ ...event, detail: event.detail ?? null })) },
  };
}
