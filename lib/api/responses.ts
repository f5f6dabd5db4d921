/**
 * The zod schemas of every response body: each gives the TypeScript type the code that builds the body
 * is checked against (`Body<...>`), and the OpenAPI document (lib/docs/openapi.ts). Field names and
 * shapes are the seed's FastAPI service's, plus the extra fields this app adds; tests/api-contract.test.ts
 * pins them, tests/openapi.test.ts checks real responses against what these schemas document.
 */
import { z } from "zod";
import type { Money } from "./json";
import { EventOutcomeSchema, EventPhaseSchema, SagaStatusSchema, StepStatusSchema } from "../saga/status";

/**
 * Dollars, printed as Python prints a float (`1000.0`). The brand lets `Body<T>` tell money from other
 * numbers: the code that builds a body hands jsonResponse a Money (integer cents), never a float.
 */
export const DollarsSchema = z.number().brand<"Dollars">();

/** A body as the server builds it: the schema's type with every amount of dollars as Money. */
export type Body<T> =
  T extends z.$brand<"Dollars">
    ? Money
    : T extends readonly (infer Item)[]
      ? Body<Item>[]
      : T extends object
        ? { [K in keyof T]: Body<T[K]> }
        : T;

const timestamp = z.iso.datetime();
const uuid = z.uuid();

// ---------------------------------------------------------------------------------------------------
// Errors, in FastAPI's shapes

export const HTTPErrorSchema = z.object({ detail: z.string().describe("What went wrong, in words") });
export type HTTPError = z.infer<typeof HTTPErrorSchema>;

/** One problem with a request, as pydantic reports it (FastAPI's ValidationError). */
export const ValidationErrorSchema = z.object({
  type: z.string().describe("Pydantic's error type, e.g. missing, int_parsing, greater_than"),
  loc: z
    .array(z.union([z.string(), z.int()]))
    .describe('Where the problem is: body, query or header first, then the field, e.g. ["body", "quantity"]'),
  msg: z.string().describe("Pydantic's wording of the problem"),
  input: z.unknown().optional().describe("The value received, when there was one"),
  ctx: z.record(z.string(), z.unknown()).optional().describe('The constraint that failed, e.g. {"gt": 0}'),
});
export type ValidationDetail = z.infer<typeof ValidationErrorSchema>;

export const HTTPValidationErrorSchema = z.object({ detail: z.array(ValidationErrorSchema) });
export type HTTPValidationError = z.infer<typeof HTTPValidationErrorSchema>;

// ---------------------------------------------------------------------------------------------------
// Orders and sagas

export const OrderSchema = z.object({
  id: uuid,
  user_id: z.string(),
  product_id: z.string(),
  quantity: z.int(),
  amount: DollarsSchema.describe("The order's total in dollars"),
  status: SagaStatusSchema.describe("The status of the order's saga"),
  saga_id: uuid.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type Order = z.infer<typeof OrderSchema>;

export const SagaStepSchema = z.object({
  name: z.string().describe("The step, e.g. reserve_inventory"),
  status: StepStatusSchema,
  error_message: z.string().nullable().describe("Why the step failed, e.g. Insufficient funds"),
  compensation: z.string().describe("The compensation that undoes the step, e.g. release_inventory"),
  attempts: z.int().describe("How many times the step's action was attempted"),
  compensation_attempts: z.int().describe("How many times its compensation was attempted"),
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  compensation_started_at: timestamp.nullable(),
  compensated_at: timestamp.nullable(),
});
export type SagaStep = z.infer<typeof SagaStepSchema>;

/** Step by step: the pause a saga waits in, until POST /sagas/{saga_id}/continue or `resumes_at`. */
export const SagaWaitingSchema = z
  .object({
    before: z
      .string()
      .describe(
        "What comes once it goes on: a step (its action or its compensation, as phase says), " +
          "or with the phase saga the status it ends in, e.g. failed",
      ),
    phase: EventPhaseSchema.describe("action, compensation, or saga (the saga's own move: completed, failed)"),
    since: timestamp.describe("When the pause began"),
    resumes_at: timestamp.describe("When the saga goes on by itself, unless an operator continues it first"),
  })
  .describe("Step by step (simulation.step_by_step): what the saga waits before");

export const SagaSchema = z.object({
  id: uuid,
  order_id: uuid,
  status: SagaStatusSchema,
  error: z.string().nullable().describe("Why the saga failed or is stuck"),
  definition_version: z.string().describe("The version of the saga's definition it ran: a digest of its steps and compensations"),
  steps: z.array(SagaStepSchema).describe("Its steps, in the order they run"),
  created_at: timestamp,
  updated_at: timestamp,
  waiting: SagaWaitingSchema.nullable().describe(
    "A step-by-step saga's pause, until POST /sagas/{saga_id}/continue or resumes_at; null when it is not waiting",
  ),
});
export type Saga = z.infer<typeof SagaSchema>;

export const OrderListSchema = z.array(OrderSchema).describe("Orders, most recent first");
export const SagaListSchema = z.array(SagaSchema).describe("Sagas, newest first");

/** POST /orders, once the saga has finished: the seed's answer. */
export const OrderResultSchema = z.object({
  order_id: uuid,
  saga_id: uuid,
  status: SagaStatusSchema,
  steps: z.array(SagaStepSchema.pick({ name: true, status: true, error_message: true })),
});
export type OrderResult = z.infer<typeof OrderResultSchema>;

/** POST /orders with Prefer: respond-async: the saga runs on; these say where to follow it. */
export const AcceptedOrderSchema = z.object({
  order_id: uuid,
  saga_id: uuid,
  status: z.literal("pending"),
  links: z.object({
    order: z.string().describe("GET it for the order"),
    saga: z.string().describe("GET it for the saga"),
    events: z.string().describe("GET it for the saga's event log, or its live stream"),
  }),
});
export type AcceptedOrder = z.infer<typeof AcceptedOrderSchema>;

/** One row of a saga's event log: what the timeline, the logs and the live streams are built from. */
export const SagaEventSchema = z.object({
  id: z.int().describe("Increasing across all sagas; a stream's event id (Last-Event-ID)"),
  saga_id: uuid,
  order_id: uuid,
  position: z.int().nullable().describe("The step's index, null for an event of the saga itself"),
  step: z.string().nullable().describe("The step's name, null for an event of the saga itself"),
  phase: EventPhaseSchema,
  outcome: EventOutcomeSchema,
  error: z.string().nullable(),
  detail: z
    .string()
    .nullable()
    .describe('The service\'s own log line for a completed action or compensation ("Reserved 2 units of product_1"); null otherwise'),
  call: z
    .object({
      status: z.int().describe("The HTTP status the service answered"),
      replayed: z.boolean().describe("True when it answered from its record of the step's Idempotency-Key: it did nothing again"),
    })
    .nullable()
    .describe(
      "For an attempt of a step that calls a service: what the service answered (on the attempt's completed, failed, retrying or compensated event); " +
        "null when nothing was heard (a lost answer, a service down) or no service was called",
    ),
  created_at: timestamp,
});
export type SagaEvent = z.infer<typeof SagaEventSchema>;

export const SagaEventLogSchema = z.object({ events: z.array(SagaEventSchema).describe("Oldest first") });
export type SagaEventLog = z.infer<typeof SagaEventLogSchema>;

// ---------------------------------------------------------------------------------------------------
// The demo's state and the service

export const InventoryResponseSchema = z.object({
  inventory: z.record(z.string(), z.int()).describe("Units in stock, by product id"),
});
export type InventoryResponse = z.infer<typeof InventoryResponseSchema>;

export const BalanceResponseSchema = z.object({
  balances: z.record(z.string(), DollarsSchema).describe("Dollars, by user id"),
});
export type BalanceResponse = z.infer<typeof BalanceResponseSchema>;

export const HealthResponseSchema = z.object({ status: z.literal("healthy") });
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

const CallCountsSchema = z.object({
  answered: z.int().describe("Calls the service answered (a success)"),
  refused: z.int().describe("Calls it refused with a business answer (a 4xx: insufficient funds, ...)"),
  unavailable: z.int().describe("Calls that got no answer, timed out, or got a 5xx"),
  fast_failed: z.int().describe("Calls its open breaker failed at once, without a request"),
});

export const ServiceStatusSchema = z.object({
  name: z.enum(["inventory", "payment", "shipping"]),
  url: z.string().describe("Where the orchestrator calls it"),
  health: z
    .enum(["up", "down", "unknown"])
    .describe("From the last call: up when it answered (a refusal is an answer), down when it did not; unknown before any call"),
  breaker: z.enum(["closed", "open", "half_open"]).describe("Its circuit breaker now"),
  failures_in_a_row: z.int().describe("Transport failures since its last answer (the breaker opens at SAGA_BREAKER_FAILURES)"),
  calls: CallCountsSchema,
  replays: z.int().describe("Answers it gave from its record of an earlier request with the same Idempotency-Key"),
});

export const ServicesStatusSchema = z.object({
  services: z.array(ServiceStatusSchema).describe("Each service, as this server's orchestrator has seen it since it started"),
});
export type ServicesStatus = z.infer<typeof ServicesStatusSchema>;

/** GET /health when the service cannot serve (its database unreachable, or shutting down). */
export const UnhealthyResponseSchema = z.object({ status: z.literal("unhealthy"), detail: z.string() });
export type UnhealthyResponse = z.infer<typeof UnhealthyResponseSchema>;

export const ResetResponseSchema = z.object({ message: z.literal("Mock database reset to initial state.") });
export type ResetResponse = z.infer<typeof ResetResponseSchema>;

/** GET /world and POST /world: the demo world a client acts in. */
export const WorldResponseSchema = z.object({
  world: z
    .enum(["shared", "private"])
    .describe("shared: the default world, every client's without a cookie; private: the one the saga_world cookie names"),
  orders: z.int().min(0).describe("Orders in this world now"),
  max_orders: z
    .int()
    .min(1)
    .nullable()
    .describe("How many orders a private world may hold (a reset empties it); null for the shared world"),
  removed_after_idle_hours: z
    .number()
    .positive()
    .nullable()
    .describe("A private world unused this long is removed; null for the shared world"),
});
export type WorldResponse = z.infer<typeof WorldResponseSchema>;
