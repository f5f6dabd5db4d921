/**
 * Reads for the API and the UI, through Prisma Client, shaped as the seed's JSON bodies (snake_case,
 * dollars) with the extra fields this app adds (timestamps, attempts, compensation names).
 */
import { money, type Money } from "../api/json";
import { allPages, decodeCursor, encodeCursor, type Page } from "../api/list";
import type { AcceptedOrder, Body, Order as OrderBody, Saga as SagaBody, SagaEvent, SagaStep as StepBody } from "../api/responses";
import type { Order, SagaStep } from "../generated/prisma/client";
import { EVENT_PAGE, eventsAfter, type SagaEventRow } from "../saga/events";
import { waitingOf } from "../saga/store";
import { readService, serviceNames, servicesDataVersion } from "../services/client";
import { memoizedUntilChange } from "../db/unless-changed";
import type { OrderRecord, OrderServices } from "../services/schemas";
import type { SagaStatus, StepStatus } from "../saga/status";
import { ready } from "./ready";
import { DEFAULT_WORLD } from "../world-id";

/** The reader: committed data only. */
async function read() {
  return (await ready()).read;
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

function orderView(order: Order): OrderView {
  return {
    id: order.id,
    user_id: order.userId,
    product_id: order.productId,
    quantity: order.quantity,
    amount: money(order.amountCents),
    status: order.status as SagaStatus,
    saga_id: order.sagaId,
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

const isSeq = (key: unknown): key is number => Number.isSafeInteger(key) && (key as number) > 0;
const isTime = (key: unknown): key is string => typeof key === "string" && !Number.isNaN(Date.parse(key));
const isOrderKey = (key: unknown): key is [string, number] => Array.isArray(key) && key.length === 2 && isTime(key[0]) && isSeq(key[1]);
const isSagaKey = (key: unknown): key is [string, string] =>
  Array.isArray(key) && key.length === 2 && isTime(key[0]) && typeof key[1] === "string";

// Both lists are newest first by (created_at, a unique tie-break), each from an index of (world, created_at,
// tie-break). Past a cursor, the rows before it are `created_at < at OR (created_at = at AND tie < key)`;
// the bound `created_at <= at` beside it says the same to the database in a form it seeks the index by:
// with the OR alone, SQLite and PostgreSQL both read the list from its newest row down to the cursor, so
// a page cost more the deeper it was.

/** A world's orders, most recent first: `limit` of them after `cursor`. */
export async function ordersPage(limit: number, cursor?: string, world = DEFAULT_WORLD): Promise<Page<OrderView>> {
  const [time, seq] = cursor === undefined ? [] : decodeCursor(cursor, isOrderKey);
  const at = time === undefined ? undefined : new Date(time);
  const orders = await (
    await read()
  ).order.findMany({
    where: {
      worldId: world,
      ...(at ? { createdAt: { lte: at }, OR: [{ createdAt: { lt: at } }, { createdAt: at, seq: { lt: seq } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { seq: "desc" }],
    take: limit + 1,
  });
  const items = orders.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(orderView), next: orders.length > limit ? encodeCursor([last.createdAt.toISOString(), last.seq]) : null };
}

/** A world's sagas, newest first (with a status, only those: `compensation_failed` lists what needs an operator). */
export async function sagasPage(
  status: SagaStatus | undefined,
  limit: number,
  cursor?: string,
  world = DEFAULT_WORLD,
): Promise<Page<SagaView>> {
  const [time, id] = cursor === undefined ? [] : decodeCursor(cursor, isSagaKey);
  const at = time === undefined ? undefined : new Date(time);
  const sagas = await (
    await read()
  ).saga.findMany({
    where: {
      scope: world,
      ...(status ? { status } : {}),
      ...(at ? { createdAt: { lte: at }, OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: { steps: { orderBy: { position: "asc" } } },
  });
  const items = sagas.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(sagaView), next: sagas.length > limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
}

/** Every order of a world, most recent first, in one array (for tests and small databases). */
export async function listOrders(world = DEFAULT_WORLD): Promise<OrderView[]> {
  const all: OrderView[] = [];
  for await (const page of allPages((limit, cursor) => ordersPage(limit, cursor, world))) all.push(...page);
  return all;
}

/** An id that no row can have (PostgreSQL's text holds no NUL): looked up, it is simply not found. */
const unstorable = (id: string) => id.includes("\u0000");

export async function findOrder(orderId: string): Promise<OrderView | null> {
  if (unstorable(orderId)) return null;
  const order = await (await read()).order.findUnique({ where: { id: orderId } });
  return order && orderView(order);
}

/**
 * What each service holds for an order, as it answers (GET /services/<service>/orders/{order_id}, in the
 * order's world): its reservation, charge and shipment, and the stock and money each moved for it. Null
 * when there is no such order.
 */
export async function orderServiceRecords(orderId: string): Promise<OrderServices | null> {
  if (unstorable(orderId)) return null;
  const order = await (await read()).order.findUnique({ where: { id: orderId }, select: { id: true, worldId: true } });
  if (!order) return null;
  const services = await Promise.all(
    serviceNames.map(async (service) => {
      const { status, movements } = await readService<OrderRecord>(service, `orders/${encodeURIComponent(order.id)}`, order.worldId);
      return { service, status, movements };
    }),
  );
  return { order_id: order.id, services };
}

type SagaWithSteps = NonNullable<Awaited<ReturnType<typeof loadSagaWithSteps>>>;

async function loadSagaWithSteps(sagaId: string) {
  if (unstorable(sagaId)) return null;
  return (await read()).saga.findUnique({ where: { id: sagaId }, include: { steps: { orderBy: { position: "asc" } } } });
}

export async function findSaga(sagaId: string) {
  const saga = await loadSagaWithSteps(sagaId);
  return saga && sagaView(saga);
}

/** Every saga of a world (of a status), newest first, in one array (for tests and small databases). */
export async function listSagas(status?: SagaStatus, world = DEFAULT_WORLD): Promise<SagaView[]> {
  const all: SagaView[] = [];
  for await (const page of allPages((limit, cursor) => sagasPage(status, limit, cursor, world))) all.push(...page);
  return all;
}

function sagaView(saga: SagaWithSteps): SagaView {
  return {
    id: saga.id,
    order_id: saga.subjectId,
    status: saga.status as SagaStatus,
    error: saga.error,
    definition_version: saga.definitionVersion,
    steps: saga.steps.map(stepView),
    created_at: iso(saga.createdAt),
    updated_at: iso(saga.updatedAt),
    waiting: waitingView(saga),
  };
}

/** Step by step: what the saga waits before, since when, and when it goes on by itself; null when it does not wait. */
function waitingView(saga: Pick<SagaWithSteps, "waitingBefore" | "waitingPhase" | "waitingSince" | "waitingUntil">): SagaView["waiting"] {
  const waiting = waitingOf(saga);
  return waiting && { before: waiting.before, phase: waiting.phase, since: iso(waiting.since), resumes_at: iso(waiting.until) };
}

// Every dashboard asks for these after each commit it hears of: read once per change of the services'
// data, when this process runs them (their thread counts its commits); every time when they run
// elsewhere, where a write to them (curl, another orchestrator) leaves no trace here.
const servicesRead = memoizedUntilChange(servicesDataVersion);

export async function inventory(world = DEFAULT_WORLD): Promise<Record<string, number>> {
  // (The app's database first, as every read: a file replaced under the server answers 503.)
  await ready();
  // From the inventory service. A copy: the answer is shared with every caller until the next change.
  return {
    ...(await servicesRead(`inventory:${world}`, async () => {
      const stock = await readService<{ product_id: string; available: number }[]>("inventory", "stock", world);
      return Object.fromEntries(stock.map((row) => [row.product_id, row.available]));
    })),
  };
}

export async function balances(world = DEFAULT_WORLD): Promise<Record<string, Money>> {
  await ready();
  // From the payment service.
  return {
    ...(await servicesRead(`balances:${world}`, async () => {
      const accounts = await readService<{ account_id: string; balance_cents: number }[]>("payment", "accounts", world);
      return Object.fromEntries(accounts.map((row) => [row.account_id, money(row.balance_cents)]));
    })),
  };
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

/** What a service answered an attempt, as recorded (JSON of Heard); null when nothing was heard, or the record is unreadable. */
function heardOf(call: string | null): SagaEvent["call"] {
  if (call === null) return null;
  try {
    const { status, replayed } = JSON.parse(call) as { status?: unknown; replayed?: unknown };
    return typeof status === "number" && typeof replayed === "boolean" ? { status, replayed } : null;
  } catch {
    return null;
  }
}

/** An event-log row as the API answers it: the order saga's subject is its order. */
export function eventView(row: SagaEventRow): SagaEvent {
  return {
    id: row.id,
    saga_id: row.sagaId,
    order_id: row.subjectId,
    position: row.position,
    step: row.step,
    phase: row.phase,
    outcome: row.outcome,
    error: row.error,
    detail: row.detail,
    call: heardOf(row.call),
    created_at: iso(row.createdAt),
  };
}

/** A saga's full event log, oldest first, or null when there is no such saga. */
export async function sagaEvents(sagaId: string): Promise<SagaEvent[] | null> {
  if (unstorable(sagaId)) return null;
  const db = await read();
  const saga = await db.saga.findUnique({ where: { id: sagaId }, select: { id: true } });
  if (!saga) return null;
  const events: SagaEvent[] = [];
  for (let cursor = 0; ;) {
    const rows = await eventsAfter(db, cursor, { sagaId });
    events.push(...rows.map(eventView));
    if (rows.length < EVENT_PAGE) return events;
    cursor = rows[rows.length - 1].id;
  }
}
