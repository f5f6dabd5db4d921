/**
 * Examples for the OpenAPI document, built from what the app itself knows (the order saga's steps, the
 * form's scenarios, the demo data) and typed by the response schemas: a renamed field or step changes
 * them too, and tests/openapi.test.ts checks every one against its schema.
 */
import type { z } from "zod";
import { scenarios, type Scenario } from "../orders/scenarios";
import { demoAccounts, demoProducts } from "../orders/demo-data";
import { orderSaga } from "../orders/order-saga";
import { definitionVersion } from "../saga/registry";
import type { SagaStatus, StepStatus } from "../saga/status";
import type { AcceptedOrderSchema, OrderResultSchema, OrderSchema, SagaEventSchema, SagaSchema, SagaStepSchema } from "../api/responses";
import type { CreateOrderRequest } from "../api/schemas";

type In<S extends z.ZodType> = z.input<S>;

export const exampleIds = {
  order: "f67c2a8e-3b1d-4c5e-9a7f-2d8e6b4c1a90",
  saga: "73e1b9d4-5c2a-4f8e-b6d3-9a1c7e5f2b48",
};

const START = Date.parse("2025-01-01T12:00:00.000Z");
export const at = (ms: number) => new Date(START + ms).toISOString();

/** How a run of the order saga ends: completed, failed at a step, or stuck compensating one. */
interface RunOutcome {
  failedAt?: { step: string; error: string };
  stuckAt?: string;
}

const steps = orderSaga.steps;
const position = (name: string) => steps.findIndex((step) => step.name === name);

/** Each step's status at the end of a run: compensations run in reverse from the failed step. */
function stepStatuses({ failedAt, stuckAt }: RunOutcome): StepStatus[] {
  if (!failedAt) return steps.map(() => "completed");
  const failed = position(failedAt.step);
  const stuck = stuckAt === undefined ? -1 : position(stuckAt);
  return steps.map((_, i): StepStatus => {
    if (i > failed) return "pending";
    if (i === failed) return "failed";
    if (i === stuck) return "compensation_failed";
    return i > stuck ? "compensated" : "completed";
  });
}

function sagaStatus({ failedAt, stuckAt }: RunOutcome): SagaStatus {
  return stuckAt ? "compensation_failed" : failedAt ? "failed" : "completed";
}

/** Why a compensation gave up, as the engine words it (the saga's error and the step's error_message). */
function compensationFailure(stuckAt: string): string {
  const { compensation, compensationRetry } = steps[position(stuckAt)];
  const attempts = compensationRetry.attempts;
  return `${compensation} failed: Injected compensation failure (attempt ${attempts}) (gave up after ${attempts} attempts)`;
}

/** A saga as GET /sagas/{saga_id} shows it after a run, with plausible timestamps. */
export function sagaExample(run: RunOutcome = {}): In<typeof SagaSchema> {
  const statuses = stepStatuses(run);
  let clock = 5;
  const views = steps.map((step, i): In<typeof SagaStepSchema> => {
    const ran = statuses[i] !== "pending";
    const started = clock;
    if (ran) clock += step.durationMs;
    return {
      name: step.name,
      status: statuses[i],
      error_message:
        run.stuckAt === step.name ? compensationFailure(run.stuckAt) : run.failedAt?.step === step.name ? run.failedAt.error : null,
      compensation: step.compensation,
      attempts: ran ? 1 : 0,
      compensation_attempts:
        statuses[i] === "compensated" ? 1 : statuses[i] === "compensation_failed" ? step.compensationRetry.attempts : 0,
      started_at: ran ? at(started) : null,
      finished_at: ran ? at(clock) : null,
      compensation_started_at: null,
      compensated_at: null,
    };
  });
  // Compensations run after the failure, last step first.
  for (const view of [...views].reverse()) {
    if (view.status !== "compensated" && view.status !== "compensation_failed") continue;
    view.compensation_started_at = at(clock);
    clock += steps[position(view.name)].durationMs;
    view.compensated_at = view.status === "compensated" ? at(clock) : null;
  }
  return {
    id: exampleIds.saga,
    order_id: exampleIds.order,
    status: sagaStatus(run),
    error: run.stuckAt ? compensationFailure(run.stuckAt) : (run.failedAt?.error ?? null),
    definition_version: definitionVersion(orderSaga),
    steps: views,
    created_at: at(0),
    updated_at: at(clock),
    waiting: null,
  };
}

/**
 * A step-by-step saga paused mid-way, as GET /sagas/{saga_id} shows it: its first step completed, and
 * waiting before the second until an operator continues it (or five minutes pass).
 */
export function waitingSagaExample(): In<typeof SagaSchema> {
  const saga = sagaExample();
  const [first, second] = saga.steps;
  const since = Date.parse(first.finished_at!) - START;
  return {
    ...saga,
    status: "processing",
    steps: saga.steps.map((step) =>
      step === first ? step : { ...step, status: "pending", attempts: 0, started_at: null, finished_at: null },
    ),
    updated_at: first.finished_at!,
    waiting: { before: second.name, phase: "action", since: at(since), resumes_at: at(since + 300_000) },
  };
}

/** POST /orders's answer (201) after a run: the seed's fields of the saga. */
export function orderResultExample(run: RunOutcome = {}): In<typeof OrderResultSchema> {
  const saga = sagaExample(run);
  return {
    order_id: saga.order_id,
    saga_id: saga.id,
    status: saga.status,
    steps: saga.steps.map(({ name, status, error_message }) => ({ name, status, error_message })),
  };
}

/** How each scenario of the order form ends (docs/API.md's table, and the failure-injection presets). */
const outcomes: Record<Scenario["id"], RunOutcome> = {
  "happy-path": {},
  "insufficient-funds": { failedAt: { step: "process_payment", error: "Insufficient funds" } },
  "shipping-failure": { failedAt: { step: "ship_order", error: "Shipping address invalid" } },
  "insufficient-inventory": { failedAt: { step: "reserve_inventory", error: "Insufficient inventory" } },
  "flaky-payment": {},
  "slow-reservation": {},
  "stuck-refund": { failedAt: { step: "ship_order", error: "Shipping address invalid" }, stuckAt: "process_payment" },
  "lost-payment-answer": {},
  "payment-service-down": {},
};

const requestOf = (scenario: Scenario, speed?: number): CreateOrderRequest => ({
  ...scenario.order,
  ...(scenario.faults || speed
    ? { simulation: { ...(speed ? { speed } : {}), ...(scenario.faults ? { faults: scenario.faults } : {}) } }
    : {}),
});

export interface NamedExample<T> {
  summary: string;
  description: string;
  value: T;
}

interface OrderCase {
  id: string;
  title: string;
  description: string;
  request: CreateOrderRequest;
  outcome: RunOutcome;
}

const watchable = scenarios.find((scenario) => scenario.id === "stuck-refund")!;

/** The seed's four orders, the failure-injection presets, and one played slowly to be watched. */
const orderCases: OrderCase[] = [
  ...scenarios.map((scenario) => ({
    id: scenario.id,
    title: scenario.title,
    description: scenario.description,
    request: requestOf(scenario),
    outcome: outcomes[scenario.id],
  })),
  {
    id: "slow-stuck-refund",
    title: `${watchable.title}, played at a quarter of the speed`,
    description: `${watchable.description} simulation.speed 0.25 plays every step four times slower, to watch it on the timeline.`,
    request: requestOf(watchable, 0.25),
    outcome: outcomes["stuck-refund"],
  },
];

/** The bodies of POST /orders, by case; orderResultExamples has the answer to each under the same key. */
export const orderRequestExamples: Record<string, NamedExample<CreateOrderRequest>> = Object.fromEntries(
  orderCases.map(({ id, title, description, request }) => [id, { summary: title, description, value: request }]),
);

/** POST /orders's 201 for each case: completed, failed with compensations, or stuck. */
export const orderResultExamples: Record<string, NamedExample<In<typeof OrderResultSchema>>> = Object.fromEntries(
  orderCases.map(({ id, title, description, outcome }) => [id, { summary: title, description, value: orderResultExample(outcome) }]),
);

export const sagaExamples: Record<string, NamedExample<In<typeof SagaSchema>>> = {
  completed: { summary: "Completed", description: "Every step completed.", value: sagaExample() },
  failed: {
    summary: "Failed and compensated",
    description: "The payment failed: the inventory reservation and the validation were compensated, in reverse.",
    value: sagaExample(outcomes["insufficient-funds"]),
  },
  stuck: {
    summary: "Stuck in compensation_failed",
    description: "The refund gave up after its attempts: an operator can retry it with POST /sagas/{saga_id}/retry.",
    value: sagaExample(outcomes["stuck-refund"]),
  },
  waiting: {
    summary: "Step by step, waiting",
    description:
      "Placed with simulation.step_by_step: its first step completed, it waits before the next " +
      "until POST /sagas/{saga_id}/continue, or until resumes_at.",
    value: waitingSagaExample(),
  },
};

export function orderExample(): In<typeof OrderSchema> {
  const [happy] = scenarios;
  const saga = sagaExample();
  return {
    id: exampleIds.order,
    ...happy.order,
    status: saga.status,
    saga_id: saga.id,
    created_at: saga.created_at,
    updated_at: saga.updated_at,
  };
}

export function acceptedOrderExample(): In<typeof AcceptedOrderSchema> {
  const { order, saga } = exampleIds;
  return {
    order_id: order,
    saga_id: saga,
    status: "pending",
    links: { order: `/api/orders/${order}`, saga: `/api/sagas/${saga}`, events: `/api/sagas/${saga}/events` },
  };
}

/** What each service of the happy path says it did, as the completed events carry it. */
const serviceLines: Record<string, string> = {
  validate_order: `Validated order ${exampleIds.order}`,
  reserve_inventory: "Reserved 2 units of product_1",
  process_payment: "Processed payment of $100.0 for user_1",
  ship_order: `Shipped order ${exampleIds.order} to 1 Analytical Way, London`,
};

/** The event log of a completed run, as GET /sagas/{saga_id}/events answers it. */
export function sagaEventsExample(): In<typeof SagaEventSchema>[] {
  const saga = sagaExample();
  const rows: Omit<In<typeof SagaEventSchema>, "id" | "saga_id" | "order_id">[] = [
    { position: null, step: null, phase: "saga", outcome: "pending", error: null, detail: null, call: null, created_at: at(0) },
    { position: null, step: null, phase: "saga", outcome: "processing", error: null, detail: null, call: null, created_at: at(1) },
    ...saga.steps.flatMap((step, i) => [
      {
        position: i,
        step: step.name,
        phase: "action" as const,
        outcome: "running" as const,
        error: null,
        detail: null,
        call: null,
        created_at: step.started_at!,
      },
      {
        position: i,
        step: step.name,
        phase: "action" as const,
        outcome: "completed" as const,
        error: null,
        detail: serviceLines[step.name] ?? null,
        // The services answer 201, having done it; validation is the orchestrator's own.
        call: i === 0 ? null : { status: 201, replayed: false },
        created_at: step.finished_at!,
      },
    ]),
    { position: null, step: null, phase: "saga", outcome: "completed", error: null, detail: null, call: null, created_at: saga.updated_at },
  ];
  return rows.map((row, i) => ({ id: i + 1, saga_id: saga.id, order_id: saga.order_id, ...row }));
}

/** The same events as a Server-Sent Events stream writes them. */
export function eventStreamExample(): string {
  const frames = sagaEventsExample().map((event) => `id: ${event.id}\nevent: saga\ndata: ${JSON.stringify(event)}\n\n`);
  return `retry: 1000\n\n${frames.slice(0, 3).join("")}: keep-alive\n\n`;
}

export const demoInventory = Object.fromEntries(demoProducts.map((product) => [product.id, product.stock]));
export const demoBalances = Object.fromEntries(demoAccounts.map((account) => [account.id, account.balanceCents / 100]));
