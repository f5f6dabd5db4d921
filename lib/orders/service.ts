/** What the API and the UI ask of orders: place one (running its saga), reset the demo, recover. */
import { randomUUID } from "node:crypto";
import type { CreateOrderRequest } from "../api/schemas";
import { run } from "../db/sql";
import { transaction } from "../db/sqlite";
import { isoNow } from "../db/time";
import { logger } from "../log";
import { toCents } from "../money";
import { publish } from "../saga/events";
import { createSaga, resumeInFlightSagas, runSaga } from "../saga/orchestrator";
import { restoreDemoData } from "./demo-data";
import { orderSaga } from "./order-saga";
import { findSaga } from "./queries";
import { ready } from "./ready";

const log = logger("orders");

export interface StartedOrder {
  orderId: string;
  sagaId: string;
}

/** Records the order and its saga as pending (one transaction): from here on a crash cannot lose it. */
export function createOrder(input: CreateOrderRequest): StartedOrder {
  ready();
  const orderId = randomUUID();
  const sagaId = randomUUID();
  transaction((db) => {
    const at = isoNow();
    run(
      db,
      `INSERT INTO orders (id, user_id, product_id, quantity, amount_cents, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`,
      orderId,
      input.user_id,
      input.product_id,
      input.quantity,
      toCents(input.amount),
      at,
      at,
    );
    createSaga(db, orderSaga, sagaId, orderId, input.simulation);
  });
  publish({ type: "event", sagaId });
  return { orderId, sagaId };
}

/**
 * Places an order and starts its saga without waiting for it (`Prefer: respond-async`): the caller
 * follows it through the saga's event stream.
 */
export function startOrder(input: CreateOrderRequest): StartedOrder {
  const started = createOrder(input);
  // The saga's own failures are recorded in the database; this only reports a fault of the engine.
  runSaga(started.sagaId).catch((error: unknown) => log.error(`Saga ${started.sagaId} crashed: ${String(error)}`));
  return started;
}

/**
 * Places an order and runs its saga to the end, as the seed's POST /orders does; answers in its shape,
 * or null when a reset wiped the order while its saga ran.
 */
export async function placeOrder(input: CreateOrderRequest) {
  const { orderId, sagaId } = createOrder(input);
  await runSaga(sagaId);
  const saga = await findSaga(sagaId);
  if (!saga) return null;
  return {
    order_id: orderId,
    saga_id: sagaId,
    status: saga.status,
    steps: saga.steps.map(({ name, status, error_message }) => ({ name, status, error_message })),
  };
}

/** Restores the seed's inventory and balances and forgets every order and saga, in one transaction. */
export function resetDemo(): void {
  ready();
  transaction((db) => restoreDemoData(db));
  publish({ type: "reset" });
  log.info("Mock database reset to initial state");
}

/** At start-up: seeds a new database and finishes every saga a previous process left in flight. */
export async function recoverOnStart(): Promise<void> {
  ready();
  await resumeInFlightSagas();
}
