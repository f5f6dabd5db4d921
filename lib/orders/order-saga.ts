/**
 * The order saga, as the seed describes it: validate, reserve inventory, process payment, ship; and the
 * compensations that undo them. This list is the one place the steps are written: the orchestrator runs
 * it, the API names its steps from it, and the UI draws it.
 *
 * Validation is the orchestrator's own (a local step, as in the seed). Inventory, payment and shipping
 * are services with their own data (lib/services), called over HTTP outside any transaction: each call
 * carries the step's idempotency key, the same on every attempt and resume, so a service that already
 * did the work answers it again instead of doing it twice; each compensation is safe to send when its
 * action never arrived (the service answers that there was nothing to undo, and refuses the late action).
 */
import type { Tx } from "../db/client";
import { pythonDollars } from "../money";
import { defaultRetry, StepFailure, type Json, type Reader, type SagaDefinition, type StepContext } from "../saga/definition";
import { NOTHING_TO_UNDO } from "../services/answer";
import { callService, SERVICE_TIMEOUT_MS, serviceTimeoutMs, type ServiceName } from "../services/client";
import { SERVICE_RETRY } from "./service-policy";
import type { SagaStatus } from "../saga/status";
import type { Movement, StepEffects } from "../view/ledger";

// A local step's transient failures, of its action or its compensation, get three attempts in all, and
// its simulated work times out after ten times its length. A call of a service times out in real time,
// after SAGA_SERVICE_TIMEOUT_SECONDS (5 s: its work, and the service's queue under load).
function timing(durationMs: number) {
  return { durationMs, timeoutMs: durationMs * 10, retry: defaultRetry, compensationRetry: defaultRetry };
}

function serviceTiming(durationMs: number) {
  // (Read when the definition loads; a bad value stops the start first, in instrumentation.ts.)
  let timeoutMs = SERVICE_TIMEOUT_MS;
  try {
    timeoutMs = serviceTimeoutMs();
  } catch {
    // reported at start-up
  }
  return { ...timing(durationMs), timeoutMs, retry: SERVICE_RETRY, compensationRetry: SERVICE_RETRY };
}

export interface OrderContext {
  id: string;
  /** The demo world the order was placed in: its products and accounts are the world's. */
  worldId: string;
  userId: string;
  productId: string;
  quantity: number;
  amountCents: number;
}

async function account(db: Reader | Tx, order: OrderContext) {
  return db.account.findUnique({ where: { worldId_id: { worldId: order.worldId, id: order.userId } }, select: { id: true } });
}

async function validate(db: Reader | Tx, order: OrderContext): Promise<void> {
  if (order.quantity <= 0) throw new StepFailure("Invalid quantity");
  if (order.amountCents <= 0) throw new StepFailure("Invalid amount");
  if (!(await account(db, order))) throw new StepFailure("User not found");
}

/**
 * Calls a service for a step, with the step's idempotency key, the order's world and the step's signal
 * (lib/services/client.ts). Its answer is recorded with the step's outcome; a refusal (insufficient
 * funds, an invalid address, ...) is the step's business failure, with the service's own words.
 */
async function ask(ctx: StepContext<OrderContext>, service: ServiceName, path: string, body: Json): Promise<Json> {
  const { loseAnswer, unavailable, slow, duplicate } = ctx.staged ?? {};
  const answer = await callService({
    service,
    path,
    body,
    key: ctx.idempotencyKey,
    world: ctx.subject.worldId,
    signal: ctx.signal,
    loseAnswer,
    unavailable,
    slow,
    duplicate,
  });
  ctx.heard?.({ status: answer.status, replayed: answer.replayed });
  if (answer.status < 300) return answer.body as Json;
  const detail = (answer.body as { detail?: unknown } | null)?.detail;
  if ((answer.status === 402 || answer.status === 404 || answer.status === 409) && typeof detail === "string")
    throw new StepFailure(detail);
  // Anything else (a 422: the request was not one the service takes) is a fault of ours, not a business answer.
  throw new Error(`The ${service} service answered ${answer.status} to POST /${path}: ${JSON.stringify(answer.body)}`);
}

/**
 * A step's calls of its service: the action's request (its body from the order) and the compensation's,
 * which names the order only; and the two requests as diagrams draw them, from the same words.
 */
function serviceCalls(service: ServiceName, actionPath: string, body: (order: OrderContext) => Json, undoPath: string) {
  return {
    endpoint: { action: `POST /services/${service}/${actionPath}`, compensation: `POST /services/${service}/${undoPath}` },
    call: (ctx: StepContext<OrderContext>) => ask(ctx, service, actionPath, body(ctx.subject)),
    compensateCall: (ctx: StepContext<OrderContext>) => ask(ctx, service, undoPath, { order_id: ctx.subject.id }),
  };
}

/** Whether a compensation's service undid something (rather than answering that there was nothing to undo). */
function undid(answer: Json | undefined): boolean {
  return (answer as { status?: string } | undefined)?.status !== NOTHING_TO_UNDO;
}

export const orderSaga: SagaDefinition<OrderContext> = {
  name: "order",
  subject: "order",
  async load(read, orderId) {
    const order = await read.order.findUnique({
      where: { id: orderId },
      select: { id: true, worldId: true, userId: true, productId: true, quantity: true, amountCents: true },
    });
    if (!order) throw new Error(`Order ${orderId} not found`);
    return order;
  },
  async onStatus(tx, orderId, status: SagaStatus) {
    await tx.order.updateMany({ where: { id: orderId }, data: { status, updatedAt: new Date() } });
  },
  steps: [
    {
      name: "validate_order",
      service: "Orders",
      compensation: "no_compensation",
      ...timing(100),
      check: (read, { subject: order }) => validate(read, order),
      async action(tx, { subject: order }) {
        await validate(tx, order);
        return `Validated order ${order.id}`;
      },
      async compensate() {
        return "No compensation needed for validate_order";
      },
    },
    {
      name: "reserve_inventory",
      service: "Inventory",
      compensation: "release_inventory",
      ...serviceTiming(100),
      ...serviceCalls(
        "inventory",
        "reservations",
        (order) => ({ order_id: order.id, product_id: order.productId, quantity: order.quantity }),
        "releases",
      ),
      action: async (_tx, { subject: order }) => `Reserved ${order.quantity} units of ${order.productId}`,
      compensate: async (_tx, { subject: order, undoAnswer }) =>
        undid(undoAnswer)
          ? `Released ${order.quantity} units of ${order.productId}`
          : `Nothing to release for order ${order.id}: its reservation never arrived`,
    },
    {
      name: "process_payment",
      service: "Payments",
      compensation: "refund_payment",
      ...serviceTiming(100),
      ...serviceCalls(
        "payment",
        "charges",
        (order) => ({ order_id: order.id, account_id: order.userId, amount_cents: order.amountCents }),
        "refunds",
      ),
      action: async (_tx, { subject: order }) => `Processed payment of $${pythonDollars(order.amountCents)} for ${order.userId}`,
      compensate: async (_tx, { subject: order, undoAnswer }) =>
        undid(undoAnswer)
          ? `Refunded payment of $${pythonDollars(order.amountCents)} to ${order.userId}`
          : `Nothing to refund for order ${order.id}: its charge never arrived`,
    },
    {
      name: "ship_order",
      service: "Shipping",
      compensation: "cancel_shipment",
      ...serviceTiming(200),
      ...serviceCalls("shipping", "shipments", (order) => ({ order_id: order.id, user_id: order.userId }), "cancellations"),
      action: async (_tx, { subject: order, answer }) =>
        `Shipped order ${order.id} to ${(answer as { address?: string } | undefined)?.address}`,
      compensate: async (_tx, { subject: order, undoAnswer }) =>
        undid(undoAnswer)
          ? `Cancelled shipment for order ${order.id}`
          : `Nothing to cancel for order ${order.id}: its shipment never arrived`,
    },
  ],
};

/**
 * What the order saga's steps move, for the ledger of a run (lib/view/ledger.ts): the stock an action
 * takes and the money it charges; its compensation moves the opposite. Beside the steps, so the two
 * cannot drift apart.
 */
const movements: Record<string, (order: Pick<OrderContext, "productId" | "userId" | "quantity" | "amountCents">) => Movement> = {
  reserve_inventory: (order) => ({ account: order.productId, kind: "stock", delta: -order.quantity }),
  process_payment: (order) => ({ account: order.userId, kind: "money", delta: -order.amountCents }),
};

/** The steps that move stock or money. */
export const movingSteps = Object.keys(movements);

export function orderEffects(order: Pick<OrderContext, "productId" | "userId" | "quantity" | "amountCents">): StepEffects {
  return Object.fromEntries(Object.entries(movements).map(([step, move]) => [step, [move(order)]]));
}
