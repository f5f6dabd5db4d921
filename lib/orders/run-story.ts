/**
 * Everything the timeline, the compare page and an export need to tell one run's story: the order, the
 * saga, its event log, the steps it actually had, what each step moves (stock, money), and the values
 * of the run's product and user when the run began, so a replay can show them at any event.
 */
import type { Movement, StepEffects } from "../view/ledger";
import { outline, runOutline, type SagaOutline } from "../view/outline";
import type { SagaEvent } from "../api/responses";
import { orderSaga, type OrderContext } from "./order-saga";
import { findOrder, findSaga, sagaEvents, type OrderView, type SagaView } from "./queries";
import { ready } from "./ready";

/** What the order saga's steps move, for one order: an action's movement; its compensation moves the opposite. */
export function orderEffects(order: Pick<OrderContext, "productId" | "userId" | "quantity" | "amountCents">): StepEffects {
  const stock: Movement = { account: order.productId, kind: "stock", delta: -order.quantity };
  const money: Movement = { account: order.userId, kind: "money", delta: -order.amountCents };
  return { reserve_inventory: [stock], process_payment: [money] };
}

export interface RunStory {
  order: OrderView;
  saga: SagaView;
  events: SagaEvent[];
  outline: SagaOutline;
  effects: StepEffects;
  /** The stock of the run's product (units) and the balance of its user (cents) when the run began; null if too much happened since to say. */
  before: Record<string, number> | null;
}

// Beyond this many movements since a run began, its starting values are not worked out (the replay then shows movements only).
const MAX_MOVEMENTS_SINCE = 20_000;

/**
 * The values of the run's product and user when it began: their values now, less every movement the
 * world's sagas made since the run's first event (stock and money move only through saga steps, and a
 * reset removes the events along with the orders).
 */
async function valuesBefore(saga: SagaView, order: OrderView, firstEventId: number): Promise<Record<string, number> | null> {
  const { read } = await ready();
  const worldOrder = await read.order.findUnique({ where: { id: order.id }, select: { worldId: true } });
  if (!worldOrder) return null;
  const world = worldOrder.worldId;
  const [product, account] = await Promise.all([
    read.product.findUnique({ where: { worldId_id: { worldId: world, id: order.product_id } }, select: { stock: true } }),
    read.account.findUnique({ where: { worldId_id: { worldId: world, id: order.user_id } }, select: { balanceCents: true } }),
  ]);
  if (!product || !account) return null;
  const moves = await read.sagaEvent.findMany({
    where: {
      id: { gte: firstEventId },
      saga: { scope: world },
      step: { in: Object.keys(orderEffects({ productId: "", userId: "", quantity: 0, amountCents: 0 })) },
      outcome: { in: ["completed", "compensated"] },
    },
    select: { step: true, phase: true, outcome: true, saga: { select: { subjectId: true } } },
    take: MAX_MOVEMENTS_SINCE + 1,
  });
  if (moves.length > MAX_MOVEMENTS_SINCE) return null;
  const orders = await read.order.findMany({
    where: { id: { in: [...new Set(moves.map((move) => move.saga.subjectId))] } },
    select: { id: true, productId: true, userId: true, quantity: true, amountCents: true },
  });
  const byId = new Map(orders.map((o) => [o.id, o]));
  const values: Record<string, number> = { [order.product_id]: product.stock, [order.user_id]: account.balanceCents };
  for (const move of moves) {
    const other = byId.get(move.saga.subjectId);
    if (!other || !move.step) continue;
    const undo = move.phase === "compensation" && move.outcome === "compensated";
    const done = move.phase === "action" && move.outcome === "completed";
    if (!undo && !done) continue;
    for (const { account: key, delta } of orderEffects(other)[move.step] ?? []) {
      if (key in values) values[key] -= undo ? -delta : delta;
    }
  }
  return values;
}

/** One run's story, or null when there is no such saga (or its order is gone). */
export async function runStory(sagaId: string): Promise<RunStory | null> {
  const saga = await findSaga(sagaId);
  const order = saga && (await findOrder(saga.order_id));
  const events = saga && (await sagaEvents(sagaId));
  if (!saga || !order || !events) return null;
  const effects = orderEffects({ productId: order.product_id, userId: order.user_id, quantity: order.quantity, amountCents: order.amount.cents });
  return {
    order,
    saga,
    events,
    outline: runOutline(outline(orderSaga), saga.steps.map((step) => ({ name: step.name, compensation: step.compensation }))),
    effects,
    before: events.length > 0 ? await valuesBefore(saga, order, events[0].id) : null,
  };
}
