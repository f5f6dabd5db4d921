/**
 * Reads for the API and the UI, through Prisma Client, shaped as the seed's JSON bodies (snake_case,
 * dollars) with the extra fields this app adds (timestamps, attempts, compensation names).
 */
import { money, type Money } from "../api/json";
import type { AcceptedOrder, Body, Order as OrderBody, Saga as SagaBody, SagaEvent, SagaStep as StepBody } from "../api/responses";
import { getPrisma } from "../db/prisma";
import type { Order, SagaStep } from "../generated/prisma/client";
import type { EventOutcome, EventPhase, SagaStatus, StepStatus } from "../saga/status";
import { ready } from "./ready";

function prisma() {
  ready();
  return getPrisma();
}

function iso(date: Date): string;
function iso(date: Date | null): string | null;
function iso(date: Date | null) {
  return date ? date.toISOString() : null;
}

// The types of the bodies are the response schemas' (lib/api/responses.ts), so the OpenAPI document
// cannot describe a field these views do not produce, or miss one they do.
export type OrderView = Body<OrderBody>;
export type SagaView = Body<SagaBody>;

function orderView(order: Order & { saga: { id: string } | null }): OrderView {
  return {
    id: order.id,
    user_id: order.userId,
    product_id: order.productId,
    quantity: order.quantity,
    amount: money(order.amountCents),
    status: order.status as SagaStatus,
    saga_id: order.saga?.id ?? null,
    created_at: iso(order.createdAt),
    updated_at: iso(order.updatedAt),
  };
}

function stepView(step: SagaStep): StepBody {
  return {
    name: step.name,
    status: step.status as StepStatus,
    error_message: step.error,
    compensation: step.compensationName,
    attempts: step.attempts,
    compensation_attempts: step.compensationAttempts,
    started_at: iso(step.startedAt),
    finished_at: iso(step.finishedAt),
    compensation_started_at: iso(step.compensationStartedAt),
    compensated_at: iso(step.compensatedAt),
  };
}

const withSagaId = { saga: { select: { id: true } } } as const;

/** Every order, most recent first. */
export async function listOrders(): Promise<OrderView[]> {
  const orders = await prisma().order.findMany({ orderBy: { seq: "desc" }, include: withSagaId });
  return orders.map(orderView);
}

export async function findOrder(orderId: string): Promise<OrderView | null> {
  const order = await prisma().order.findUnique({ where: { id: orderId }, include: withSagaId });
  return order && orderView(order);
}

type SagaWithSteps = NonNullable<Awaited<ReturnType<typeof loadSagaWithSteps>>>;

function loadSagaWithSteps(sagaId: string) {
  return prisma().saga.findUnique({ where: { id: sagaId }, include: { steps: { orderBy: { position: "asc" } } } });
}

export async function findSaga(sagaId: string) {
  const saga = await loadSagaWithSteps(sagaId);
  return saga && sagaView(saga);
}

/** Sagas, newest first; with a status, only those (`compensation_failed` lists what needs an operator). */
export async function listSagas(status?: SagaStatus): Promise<SagaView[]> {
  const sagas = await prisma().saga.findMany({
    where: status ? { status } : undefined,
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    include: { steps: { orderBy: { position: "asc" } } },
  });
  return sagas.map(sagaView);
}

function sagaView(saga: SagaWithSteps): SagaView {
  return {
    id: saga.id,
    order_id: saga.orderId,
    status: saga.status as SagaStatus,
    error: saga.error,
    steps: saga.steps.map(stepView),
    created_at: iso(saga.createdAt),
    updated_at: iso(saga.updatedAt),
  };
}

export async function inventory(): Promise<Record<string, number>> {
  const products = await prisma().product.findMany({ orderBy: { id: "asc" } });
  return Object.fromEntries(products.map((p) => [p.id, p.stock]));
}

export async function balances(): Promise<Record<string, Money>> {
  const accounts = await prisma().account.findMany({ orderBy: { id: "asc" } });
  return Object.fromEntries(accounts.map((a) => [a.id, money(a.balanceCents)]));
}

/** The answer to an order started without waiting: its ids and where to follow it. */
export function acceptedOrder(orderId: string, sagaId: string): AcceptedOrder {
  return {
    order_id: orderId,
    saga_id: sagaId,
    status: "pending",
    links: { order: `/api/orders/${orderId}`, saga: `/api/sagas/${sagaId}`, events: `/api/sagas/${sagaId}/events` },
  };
}

/** A saga's full event log, oldest first, or null when there is no such saga. */
export async function sagaEvents(sagaId: string): Promise<SagaEvent[] | null> {
  const saga = await prisma().saga.findUnique({
    where: { id: sagaId },
    select: { orderId: true, events: { orderBy: { id: "asc" } } },
  });
  if (!saga) return null;
  return saga.events.map((e) => ({
    id: e.id,
    saga_id: e.sagaId,
    order_id: saga.orderId,
    position: e.position,
    step: e.step,
    phase: e.phase as EventPhase,
    outcome: e.outcome as EventOutcome,
    error: e.error,
    created_at: iso(e.createdAt),
  }));
}
