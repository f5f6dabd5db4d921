/**
 * The order saga, as the seed describes it: validate, reserve inventory, process payment, ship; and the
 * compensations that undo them. This list is the one place the steps are written: the orchestrator runs
 * it, the API names its steps from it, and the UI draws it.
 *
 * The seed's services are simulated here as local steps: a quick `check` on committed data first (a
 * business failure shows at once, before the simulated work, as the seed's services fail), then the
 * writes, in the transaction that records the step's outcome. The writes never trust the check:
 * stock and balances move only through conditional updates (`stock >= quantity`, checking the count),
 * so concurrent orders can never oversell or overdraw. Every action and compensation is idempotent,
 * keyed by order: a reservation, a payment and a shipment are rows keyed by order id, so a second run
 * finds its row and changes nothing.
 */
import type { Tx } from "../db/client";
import { isUniqueViolation } from "../db/faults";
import { pythonDollars } from "../money";
import { defaultRetry, StepFailure, type Reader, type SagaDefinition } from "../saga/definition";
import type { SagaStatus } from "../saga/status";
import type { Movement, StepEffects } from "../view/ledger";

// Every step of this saga is patient in the same way: a tenth of a second of work times out after ten
// times that, and transient failures of an action or a compensation get three attempts in all.
function timing(durationMs: number) {
  return { durationMs, timeoutMs: durationMs * 10, retry: defaultRetry, compensationRetry: defaultRetry };
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
  return db.account.findUnique({
    where: { worldId_id: { worldId: order.worldId, id: order.userId } },
    select: { balanceCents: true, shippingAddress: true },
  });
}

async function validate(db: Reader | Tx, order: OrderContext): Promise<void> {
  if (order.quantity <= 0) throw new StepFailure("Invalid quantity");
  if (order.amountCents <= 0) throw new StepFailure("Invalid amount");
  if (!(await account(db, order))) throw new StepFailure("User not found");
}

/**
 * Inserts the row that records a step's effect, keyed by order; false when the row is there already
 * (a repeat of the step, which must then change nothing).
 */
async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    // P2002: unique constraint. (Never seen in practice: a step's writes commit with its outcome, so a
    // completed step is not run again; this keeps the step idempotent on its own.)
    if (isUniqueViolation(error)) return false;
    throw error;
  }
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
      ...timing(100),
      async check(read, { subject: order }) {
        const product = await read.product.findUnique({
          where: { worldId_id: { worldId: order.worldId, id: order.productId } },
          select: { stock: true },
        });
        if (!product) throw new StepFailure("Product not found");
        if (product.stock < order.quantity) throw new StepFailure("Insufficient inventory");
      },
      async action(tx, { subject: order }) {
        const at = new Date();
        // The reservation row, keyed by order, goes in first: a repeat finds it and changes nothing.
        const reservation = { orderId: order.id, productId: order.productId, quantity: order.quantity, status: "reserved", reservedAt: at };
        if (!(await insertOnce(() => tx.inventoryReservation.create({ data: reservation, select: { orderId: true } })))) return;
        const taken = await tx.product.updateMany({
          where: { worldId: order.worldId, id: order.productId, stock: { gte: order.quantity } },
          data: { stock: { decrement: order.quantity }, updatedAt: at },
        });
        // Throwing rolls the reservation back with the rest of the step's transaction.
        if (taken.count === 0) {
          const exists = await tx.product.findUnique({
            where: { worldId_id: { worldId: order.worldId, id: order.productId } },
            select: { id: true },
          });
          throw new StepFailure(exists ? "Insufficient inventory" : "Product not found");
        }
        return `Reserved ${order.quantity} units of ${order.productId}`;
      },
      async compensate(tx, { subject: order }) {
        const at = new Date();
        const released = await tx.inventoryReservation.updateMany({
          where: { orderId: order.id, status: "reserved" },
          data: { status: "released", releasedAt: at },
        });
        if (released.count === 0) return;
        await tx.product.updateMany({
          where: { worldId: order.worldId, id: order.productId },
          data: { stock: { increment: order.quantity }, updatedAt: at },
        });
        return `Released ${order.quantity} units of ${order.productId}`;
      },
    },
    {
      name: "process_payment",
      service: "Payments",
      compensation: "refund_payment",
      ...timing(100),
      async check(read, { subject: order }) {
        const user = await account(read, order);
        if (!user) throw new StepFailure("User not found");
        if (user.balanceCents < order.amountCents) throw new StepFailure("Insufficient funds");
      },
      async action(tx, { subject: order }) {
        const at = new Date();
        const payment = { orderId: order.id, userId: order.userId, amountCents: order.amountCents, status: "charged", chargedAt: at };
        if (!(await insertOnce(() => tx.payment.create({ data: payment, select: { orderId: true } })))) return;
        const charged = await tx.account.updateMany({
          where: { worldId: order.worldId, id: order.userId, balanceCents: { gte: order.amountCents } },
          data: { balanceCents: { decrement: order.amountCents }, updatedAt: at },
        });
        if (charged.count === 0) throw new StepFailure((await account(tx, order)) ? "Insufficient funds" : "User not found");
        return `Processed payment of $${pythonDollars(order.amountCents)} for ${order.userId}`;
      },
      async compensate(tx, { subject: order }) {
        const at = new Date();
        const refunded = await tx.payment.updateMany({
          where: { orderId: order.id, status: "charged" },
          data: { status: "refunded", refundedAt: at },
        });
        if (refunded.count === 0) return;
        await tx.account.updateMany({
          where: { worldId: order.worldId, id: order.userId },
          data: { balanceCents: { increment: order.amountCents }, updatedAt: at },
        });
        return `Refunded payment of $${pythonDollars(order.amountCents)} to ${order.userId}`;
      },
    },
    {
      name: "ship_order",
      service: "Shipping",
      compensation: "cancel_shipment",
      ...timing(200),
      async check(read, { subject: order }) {
        if (!(await account(read, order))?.shippingAddress) throw new StepFailure("Shipping address invalid");
      },
      async action(tx, { subject: order }) {
        const address = (await account(tx, order))?.shippingAddress;
        if (!address) throw new StepFailure("Shipping address invalid");
        const shipment = { orderId: order.id, userId: order.userId, address, status: "shipped", shippedAt: new Date() };
        if (!(await insertOnce(() => tx.shipment.create({ data: shipment, select: { orderId: true } })))) return;
        return `Shipped order ${order.id} to ${address}`;
      },
      async compensate(tx, { subject: order }) {
        const cancelled = await tx.shipment.updateMany({
          where: { orderId: order.id, status: "shipped" },
          data: { status: "cancelled", cancelledAt: new Date() },
        });
        if (cancelled.count === 0) return;
        return `Cancelled shipment for order ${order.id}`;
      },
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
