/**
 * The order saga, as the seed describes it: validate, reserve inventory, process payment, ship; and the
 * compensations that undo them. This list is the one place the steps are written: the orchestrator runs
 * it, the API names its steps from it, and the UI draws it.
 *
 * Every action and compensation is idempotent, keyed by order: a reservation, a payment and a shipment
 * are rows keyed by order id, so a second run finds its row and changes nothing. Stock and balances only
 * move through conditional updates (`stock >= quantity`), never read-then-write.
 */
import type { Db } from "../db/sqlite";
import { get as one, run } from "../db/sql";
import { isoNow } from "../db/time";
import { pythonDollars } from "../money";
import { defaultRetry, defineSaga, StepFailure } from "../saga/definition";
import type { SagaStatus } from "../saga/status";

// Every step of this saga is patient in the same way: a tenth of a second of work times out after ten
// times that, and transient failures of an action or a compensation get three attempts in all.
function timing(durationMs: number) {
  return { durationMs, timeoutMs: durationMs * 10, retry: defaultRetry, compensationRetry: defaultRetry };
}

export interface OrderContext {
  id: string;
  userId: string;
  productId: string;
  quantity: number;
  amountCents: number;
}

function accountExists(db: Db, userId: string): boolean {
  return one(db, `SELECT 1 FROM accounts WHERE id = ?`, userId) !== undefined;
}

export const orderSaga = defineSaga<OrderContext>({
  name: "order",
  subject: "order",
  load(db, orderId) {
    const order = one<OrderContext>(
      db,
      `SELECT id, user_id AS userId, product_id AS productId, quantity, amount_cents AS amountCents FROM orders WHERE id = ?`,
      orderId,
    );
    if (!order) throw new Error(`Order ${orderId} not found`);
    return order;
  },
  onStatus(db, orderId, status: SagaStatus) {
    run(db, `UPDATE orders SET status = ?, updated_at = ? WHERE id = ?`, status, isoNow(), orderId);
  },
  steps: [
    {
      name: "validate_order",
      compensation: "no_compensation",
      ...timing(100),
      action(db, order) {
        if (order.quantity <= 0) throw new StepFailure("Invalid quantity");
        if (order.amountCents <= 0) throw new StepFailure("Invalid amount");
        if (!accountExists(db, order.userId)) throw new StepFailure("User not found");
        return `Validated order ${order.id}`;
      },
      compensate() {
        return "No compensation needed for validate_order";
      },
    },
    {
      name: "reserve_inventory",
      compensation: "release_inventory",
      ...timing(100),
      action(db, order) {
        if (one(db, `SELECT 1 FROM inventory_reservations WHERE order_id = ?`, order.id)) return;
        if (!one(db, `SELECT 1 FROM products WHERE id = ?`, order.productId)) throw new StepFailure("Product not found");
        const at = isoNow();
        const taken = run(
          db,
          `UPDATE products SET stock = stock - ?, updated_at = ? WHERE id = ? AND stock >= ?`,
          order.quantity,
          at,
          order.productId,
          order.quantity,
        );
        if (taken === 0) throw new StepFailure("Insufficient inventory");
        run(
          db,
          `INSERT INTO inventory_reservations (order_id, product_id, quantity, status, reserved_at) VALUES (?, ?, ?, 'reserved', ?)`,
          order.id,
          order.productId,
          order.quantity,
          at,
        );
        return `Reserved ${order.quantity} units of ${order.productId}`;
      },
      compensate(db, order) {
        const at = isoNow();
        const released = run(
          db,
          `UPDATE inventory_reservations SET status = 'released', released_at = ? WHERE order_id = ? AND status = 'reserved'`,
          at,
          order.id,
        );
        if (released === 0) return;
        run(db, `UPDATE products SET stock = stock + ?, updated_at = ? WHERE id = ?`, order.quantity, at, order.productId);
        return `Released ${order.quantity} units of ${order.productId}`;
      },
    },
    {
      name: "process_payment",
      compensation: "refund_payment",
      ...timing(100),
      action(db, order) {
        if (one(db, `SELECT 1 FROM payments WHERE order_id = ?`, order.id)) return;
        if (!accountExists(db, order.userId)) throw new StepFailure("User not found");
        const at = isoNow();
        const charged = run(
          db,
          `UPDATE accounts SET balance_cents = balance_cents - ?, updated_at = ? WHERE id = ? AND balance_cents >= ?`,
          order.amountCents,
          at,
          order.userId,
          order.amountCents,
        );
        if (charged === 0) throw new StepFailure("Insufficient funds");
        run(
          db,
          `INSERT INTO payments (order_id, user_id, amount_cents, status, charged_at) VALUES (?, ?, ?, 'charged', ?)`,
          order.id,
          order.userId,
          order.amountCents,
          at,
        );
        return `Processed payment of $${pythonDollars(order.amountCents)} for ${order.userId}`;
      },
      compensate(db, order) {
        const at = isoNow();
        const refunded = run(
          db,
          `UPDATE payments SET status = 'refunded', refunded_at = ? WHERE order_id = ? AND status = 'charged'`,
          at,
          order.id,
        );
        if (refunded === 0) return;
        run(db, `UPDATE accounts SET balance_cents = balance_cents + ?, updated_at = ? WHERE id = ?`, order.amountCents, at, order.userId);
        return `Refunded payment of $${pythonDollars(order.amountCents)} to ${order.userId}`;
      },
    },
    {
      name: "ship_order",
      compensation: "cancel_shipment",
      ...timing(200),
      action(db, order) {
        if (one(db, `SELECT 1 FROM shipments WHERE order_id = ?`, order.id)) return;
        const account = one<{ address: string | null }>(db, `SELECT shipping_address AS address FROM accounts WHERE id = ?`, order.userId);
        if (!account?.address) throw new StepFailure("Shipping address invalid");
        run(
          db,
          `INSERT INTO shipments (order_id, user_id, address, status, shipped_at) VALUES (?, ?, ?, 'shipped', ?)`,
          order.id,
          order.userId,
          account.address,
          isoNow(),
        );
        return `Shipped order ${order.id} to ${account.address}`;
      },
      compensate(db, order) {
        const cancelled = run(
          db,
          `UPDATE shipments SET status = 'cancelled', cancelled_at = ? WHERE order_id = ? AND status = 'shipped'`,
          isoNow(),
          order.id,
        );
        if (cancelled === 0) return;
        return `Cancelled shipment for order ${order.id}`;
      },
    },
  ],
});
