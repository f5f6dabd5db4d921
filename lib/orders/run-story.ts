/**
 * Everything the timeline, the compare page and an export need to tell one run's story: the order, the
 * saga, its event log, the steps it actually had, what each step moves (stock, money), and the values
 * of the run's product and user when the run began, so a replay can show them at any event.
 */
import type { StepEffects } from "../view/ledger";
import { outline, runOutline, type SagaOutline } from "../view/outline";
import type { SagaEvent } from "../api/responses";
import { movingSteps, orderEffects, orderSaga } from "./order-saga";
import { findOrder, findSaga, sagaEvents, type OrderView, type SagaView } from "./queries";
import { ready } from "./ready";
import { readService } from "../services/client";

/** What the timeline page draws from the server: the live stream brings the events. */
export interface RunSummary {
  order: OrderView;
  saga: SagaView;
  outline: SagaOutline;
  effects: StepEffects;
  /**
   * The stock of the run's product (units) and the balance of its user (cents) when the run began; null
   * if too much happened since to say.
   */
  before: Record<string, number> | null;
}

/** A run whole: its summary and its event log (the compare page). */
export interface RunStory extends RunSummary {
  events: SagaEvent[];
}

// Beyond this many movements since a run began (in every world: about two hundred orders), its starting
// values are not worked out, and the replay shows movements only. Working them out reads every movement
// since, in the order they happened (the event log's own key, so the cost is that of the rows read,
// however long the log: a timeline in a database of 100,000 orders answers as fast as in an empty one).
export const MAX_MOVEMENTS_SINCE = 400;

/**
 * The values of the run's product and user when it began: their values now, less every movement the
 * world's sagas made since the run's first event (stock and money move only through saga steps, and a
 * reset removes the events along with the orders).
 */
async function valuesBefore(order: OrderView, firstEventId: number, limit: number): Promise<Record<string, number> | null> {
  const { read } = await ready();
  const worldOrder = await read.order.findUnique({ where: { id: order.id }, select: { worldId: true } });
  if (!worldOrder) return null;
  const world = worldOrder.worldId;
  // Their values now, as the services that own them answer.
  const [stock, accounts] = await Promise.all([
    readService<{ product_id: string; available: number }[]>("inventory", "stock", world),
    readService<{ account_id: string; balance_cents: number }[]>("payment", "accounts", world),
  ]);
  const product = stock.find((row) => row.product_id === order.product_id);
  const account = accounts.find((row) => row.account_id === order.user_id);
  if (!product || !account) return null;
  // Not filtered by world here: a filter through the saga would have the database read the world's
  // sagas first, every one of them, and sort their events.
  const moves = await read.sagaEvent.findMany({
    where: { id: { gte: firstEventId }, step: { in: movingSteps }, outcome: { in: ["completed", "failed", "compensated"] } },
    orderBy: { id: "asc" },
    select: { sagaId: true, step: true, phase: true, outcome: true },
    take: limit + 1,
  });
  if (moves.length > limit) return null;
  const sagas = await read.saga.findMany({
    where: { id: { in: [...new Set(moves.map((move) => move.sagaId))] }, scope: world },
    select: { id: true, subjectId: true },
  });
  const orders = await read.order.findMany({
    where: { id: { in: sagas.map((row) => row.subjectId) } },
    select: { id: true, productId: true, userId: true, quantity: true, amountCents: true },
  });
  const orderById = new Map(orders.map((o) => [o.id, o]));
  const orderOf = new Map(sagas.map((row) => [row.id, orderById.get(row.subjectId)]));
  const values: Record<string, number> = { [order.product_id]: product.available, [order.user_id]: account.balance_cents };
  // A step whose action failed in doubt and was undone since moved nothing the log can count (see ledgerEntries).
  const inDoubt = new Set<string>();
  for (const move of moves) {
    const other = orderOf.get(move.sagaId);
    if (!other || !move.step) continue;
    if (move.phase === "action" && move.outcome === "failed") inDoubt.add(`${move.sagaId}:${move.step}`);
    const undo = move.phase === "compensation" && move.outcome === "compensated" && !inDoubt.has(`${move.sagaId}:${move.step}`);
    const done = move.phase === "action" && move.outcome === "completed";
    if (!undo && !done) continue;
    for (const { account: key, delta } of orderEffects(other)[move.step] ?? []) {
      if (key in values) values[key] -= undo ? -delta : delta;
    }
  }
  return values;
}

/** One run's summary, or null when there is no such saga (or its order is gone). */
export async function runSummary(sagaId: string, { maxMovementsSince = MAX_MOVEMENTS_SINCE } = {}): Promise<RunSummary | null> {
  const saga = await findSaga(sagaId);
  const order = saga && (await findOrder(saga.order_id));
  if (!saga || !order) return null;
  const first = await (await ready()).read.sagaEvent.findFirst({ where: { sagaId }, orderBy: { id: "asc" }, select: { id: true } });
  return {
    order,
    saga,
    outline: runOutline(
      outline(orderSaga),
      saga.steps.map((step) => ({ name: step.name, compensation: step.compensation })),
    ),
    effects: orderEffects({
      productId: order.product_id,
      userId: order.user_id,
      quantity: order.quantity,
      amountCents: order.amount.cents,
    }),
    before: first ? await valuesBefore(order, first.id, maxMovementsSince) : null,
  };
}

/** One run's story, its event log included, or null when there is no such saga. */
export async function runStory(sagaId: string, bounds: { maxMovementsSince?: number } = {}): Promise<RunStory | null> {
  const [summary, events] = await Promise.all([runSummary(sagaId, bounds), sagaEvents(sagaId)]);
  return summary && events ? { ...summary, events } : null;
}
