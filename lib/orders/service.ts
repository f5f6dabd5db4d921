/** What the API and the UI ask of orders: place one (running its saga), reset the demo, recover. */
import { createHash, randomUUID } from "node:crypto";
import type { OrderResult } from "../api/responses";
import type { CreateOrderRequest } from "../api/schemas";
import { databaseConfig } from "../db/config";
import { againIfTaken } from "../db/faults";
import { insertRows, type BulkRow, type RowTable } from "../db/insert-rows";
import type { Prisma } from "../generated/prisma/client";
import { logger } from "../log";
import { toCents } from "../money";
import { publish } from "../saga/events";
import type { ValidationDetail } from "../api/errors";
import { continueSaga } from "../saga/stepping";
import { resetService, serviceNames } from "../services/client";
import {
  initialStatus,
  isDraining,
  recordSagas,
  resumeInFlightSagas,
  retrySaga,
  startRecovery,
  runSagaToEnd,
  type RunOutcome,
  type StartedSaga,
} from "../saga";
import { restoreDemoData } from "./demo-data";
import { orderSaga, type OrderContext } from "./order-saga";
import { findSaga } from "./queries";
import { ready } from "./ready";
import { countOrder } from "./worlds";
import { TooManyRequests } from "../limits";
import { DEFAULT_WORLD } from "../world-id";

// An order's row goes in with one INSERT (lib/db/insert-rows.ts: cheaper than the model API's create,
// and on every order); its seq is the database's.
export const ordersTable: RowTable<BulkRow<Omit<Prisma.OrderCreateManyInput, "seq">>> = {
  name: "orders",
  columns: {
    id: "id",
    worldId: "world_id",
    userId: "user_id",
    productId: "product_id",
    quantity: "quantity",
    amountCents: "amount_cents",
    status: "status",
    sagaId: "saga_id",
    createdAt: "created_at",
    updatedAt: "updated_at",
  },
};

const log = logger("orders");

export interface StartedOrder {
  orderId: string;
  sagaId: string;
  /** True when an earlier request with the same Idempotency-Key created this order. */
  replayed: boolean;
  /** The saga this request recorded, for the run to start from without reading it back. */
  saga?: StartedSaga<OrderContext>;
}

/** The same key with a different body: the client made a mistake worth telling it about. */
export class IdempotencyConflict extends Error {}

/** A stable fingerprint of a validated order request, whatever its key order or spacing. */
function fingerprint(input: CreateOrderRequest): string {
  const canonical = (value: unknown): unknown =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
        )
      : value;
  return createHash("sha256")
    .update(JSON.stringify(canonical(input)))
    .digest("hex");
}

/**
 * Records the order and its saga, its first step already recorded running, in one transaction (with
 * the delays off, every step runs in it too: see recordSagas): from here on a crash cannot lose it. With an idempotency key, a repeat of the same request finds the order
 * the first one created (the check and the insert share the transaction, so even concurrent repeats
 * create one order). The order, its saga and its key belong to `world`.
 */
export async function createOrder(input: CreateOrderRequest, idempotencyKey?: string, world = DEFAULT_WORLD): Promise<StartedOrder> {
  await ready();
  const hash = idempotencyKey === undefined ? undefined : fingerprint(input);
  const record = () =>
    recordSagas(async (tx, start): Promise<StartedOrder> => {
      if (idempotencyKey !== undefined) {
        const earlier = await tx.idempotencyKey.findUnique({
          where: { worldId_key: { worldId: world, key: idempotencyKey } },
          select: { requestHash: true, order: { select: { id: true, sagaId: true } } },
        });
        if (earlier) {
          if (earlier.requestHash !== hash) throw new IdempotencyConflict(idempotencyKey);
          return { orderId: earlier.order.id, sagaId: earlier.order.sagaId, replayed: true };
        }
      }
      const orderId = randomUUID();
      const sagaId = randomUUID();
      const at = new Date();
      const subject: OrderContext = {
        id: orderId,
        worldId: world,
        userId: input.user_id,
        productId: input.product_id,
        quantity: input.quantity,
        amountCents: toCents(input.amount),
      };
      // The order's columns are its saga's subject, and its status the saga's from the outset. It goes in
      // first: the steps that may run as the saga starts write rows that refer to it.
      await insertRows(tx, ordersTable, [
        { ...subject, status: initialStatus(orderSaga, input.simulation), sagaId, createdAt: at, updatedAt: at },
      ]);
      const saga = await start({
        id: sagaId,
        definition: orderSaga,
        subjectId: orderId,
        subject,
        scope: world,
        options: input.simulation ?? {},
      });
      await countOrder(tx, world);
      if (idempotencyKey !== undefined) {
        await tx.idempotencyKey.create({ data: { worldId: world, key: idempotencyKey, requestHash: hash!, orderId, createdAt: at } });
      }
      return { orderId, sagaId, replayed: false, saga };
    });
  // A concurrent repeat with the same key may commit first: its order is the answer, found by the same check.
  const started = idempotencyKey === undefined ? await record() : await againIfTaken(record);
  if (!started.replayed) publish({ type: "event", sagaId: started.sagaId });
  return started;
}

/** Faults may only name steps the order saga has: a typo would otherwise inject nothing, silently. */
function unknownFaultSteps(input: CreateOrderRequest): ValidationDetail[] {
  const names = new Set(orderSaga.steps.map((step) => step.name));
  return Object.keys(input.simulation?.faults ?? {})
    .filter((name) => !names.has(name))
    .map((name) => ({
      type: "enum",
      loc: ["body", "simulation", "faults", name],
      msg: `Input should be a step of the order saga: ${[...names].join(", ")}`,
      input: name,
    }));
}

export type Submission =
  | { kind: "invalid"; details: ValidationDetail[] }
  | { kind: "accepted"; order: StartedOrder }
  | { kind: "finished"; order: StartedOrder; result: OrderResult }
  | { kind: "conflict" }
  /** Its world holds as many orders as it may. */
  | { kind: "limit"; error: TooManyRequests }
  | { kind: "draining" }
  /** Recorded, but the server began to shut down before its saga ended: the next start finishes it. */
  | { kind: "paused"; order: StartedOrder }
  | { kind: "vanished" };

/** The seed's answer to POST /orders, from how the saga ended (as its last transaction committed it). */
function orderResult(order: StartedOrder, outcome: RunOutcome): OrderResult {
  return {
    order_id: order.orderId,
    saga_id: order.sagaId,
    status: outcome.status,
    steps: outcome.steps.map(({ name, status, error }) => ({ name, status, error_message: error })),
  };
}

/**
 * POST /orders. By default the saga runs to the end before the answer, in the seed's shape; with
 * `respondAsync` (Prefer: respond-async) it starts and the caller follows its event stream. A
 * step-by-step saga is always answered so: it waits for continues that the caller has yet to send.
 */
export async function submitOrder(
  input: CreateOrderRequest,
  options: { idempotencyKey?: string; respondAsync?: boolean; world?: string } = {},
): Promise<Submission> {
  const details = unknownFaultSteps(input);
  if (details.length > 0) return { kind: "invalid", details };
  if (isDraining()) return { kind: "draining" };
  let order: StartedOrder;
  try {
    order = await createOrder(input, options.idempotencyKey, options.world);
  } catch (error) {
    if (error instanceof IdempotencyConflict) return { kind: "conflict" };
    if (error instanceof TooManyRequests) return { kind: "limit", error };
    throw error;
  }
  // A run joins one already under way (a concurrent repeat), and returns at once for a finished saga.
  const running = runSagaToEnd(order.saga ?? order.sagaId);
  if (options.respondAsync || input.simulation?.step_by_step) {
    // The saga's own failures are recorded in the database; this only reports a fault of the engine.
    running.catch((error: unknown) => log.error(`Saga ${order.sagaId} crashed: ${String(error)}`));
    return { kind: "accepted", order };
  }
  const outcome = await running;
  if (outcome) return { kind: "finished", order, result: orderResult(order, outcome) };
  return isDraining() ? { kind: "paused", order } : { kind: "vanished" };
}

/** Places an order and runs its saga to the end; null when a reset wiped it meanwhile. */
export async function placeOrder(input: CreateOrderRequest) {
  const submission = await submitOrder(input);
  return submission.kind === "finished" ? submission.result : null;
}

/**
 * Forgets one world's orders and sagas (one transaction of the orchestrator's), then has every service
 * put its data of the world back as seeded: its stock, balances, and what it did for the orders.
 */
export async function resetDemo(world = DEFAULT_WORLD): Promise<void> {
  const db = await ready();
  // Two resets of one world at once on PostgreSQL (two replicas): the later one finds the first's rows
  // only when it tries again.
  await againIfTaken(() => db.write((tx) => restoreDemoData(tx, world)));
  await Promise.all(serviceNames.map((service) => resetService(service, world)));
  publish({ type: "reset", scope: world });
  log.info(world === DEFAULT_WORLD ? "Mock database reset to initial state" : "A private demo world was reset to its initial state");
}

/**
 * At start-up: seeds a new database and resumes every saga a previous process left in flight; they run
 * on while the server serves.
 */
export async function recoverOnStart(): Promise<void> {
  // With replicas (PostgreSQL), each keeps claiming the sagas whose holder died: from the start, whatever
  // becomes of the resume below (a database not reachable yet, say).
  if (databaseConfig().replicated) startRecovery();
  await ready();
  await resumeInFlightSagas();
}

/**
 * An operator's retry of a saga stuck in compensation_failed (POST /sagas/{id}/retry): its
 * compensations run again, each with a fresh round of attempts, and the answer is the saga afterwards.
 * A write acts in the caller's world only: a saga of another world is not found, as if it did not exist
 * (reads by id stay open to whoever has the link; a retry is not a read).
 */
export async function retryStuckSaga(sagaId: string, world: string) {
  const db = await ready();
  // (PostgreSQL's text cannot hold a NUL: such an id matches no saga on either database.)
  const owner = sagaId.includes("\u0000")
    ? null
    : await db.read.saga.findUnique({ where: { id: sagaId }, select: { scope: true, status: true } });
  if (!owner || owner.scope !== world) return { kind: "not_found" as const };
  if (owner.status !== "compensation_failed") return { kind: "not_stuck" as const, status: owner.status };
  try {
    await retrySaga(sagaId);
  } catch (error) {
    // By name: the run may have been started by another bundle's copy of the engine (see isStepFailure).
    if (error instanceof Error && error.name === "UnknownDefinitionVersion") return { kind: "refused" as const, reason: error.message };
    throw error;
  }
  const saga = await findSaga(sagaId);
  return saga ? { kind: "retried" as const, saga } : { kind: "not_found" as const };
}

/**
 * An operator's continue of a step-by-step saga's pause (POST /sagas/{id}/continue): the saga goes on
 * with its next transition, and the answer is the saga once that has begun. In the caller's world only,
 * as a retry: a saga of another world is not found.
 */
export async function continueWaitingSaga(sagaId: string, world: string) {
  await ready();
  if (sagaId.includes("\u0000")) return { kind: "not_found" as const };
  const continued = await continueSaga(sagaId, world);
  if (continued.kind !== "continued") return continued;
  const saga = await findSaga(sagaId);
  return saga ? { kind: "continued" as const, saga } : { kind: "not_found" as const };
}
