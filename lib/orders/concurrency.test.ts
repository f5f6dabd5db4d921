// 50 orders at once, with the simulated delays on, racing for the same stock and the same balances:
// nothing is oversold or overdrawn, and every unit and cent is accounted for by the completed orders.
import { beforeEach, expect, it } from "vitest";

// Fifty sagas at once on a busy CI make the services slow, not down: a call is given 30 s (read when the
// order saga's definition loads, hence before the imports below) rather than time out, open the breaker
// and fail orders that would have gone through.
process.env.SAGA_SERVICE_TIMEOUT_SECONDS = "30";
const { demoAccounts, demoProducts } = await import("./demo-data");
const { balances, inventory, listOrders, listSagas } = await import("./queries");
const { placeOrder, resetDemo } = await import("./service");

beforeEach(async () => {
  await resetDemo();
  // The seed's delays as they are: a local step's timeout is ten times its work, and at a fifth of it
  // (200 ms) a busy CI's fifty sagas timed validations out, so that no order got as far as the stock.
  process.env.SAGA_DELAY_SCALE = "1";
});

it("never oversells or overdraws, and conserves stock and money exactly", async () => {
  // product_3 has 25 units; these orders ask for 50 × 1..3 units. user_3's orders fail at shipping.
  const users = ["user_1", "user_2", "user_3"];
  const orders = Array.from({ length: 50 }, (_, i) => ({
    user_id: users[i % 3],
    product_id: i % 5 === 0 ? "product_2" : "product_3",
    quantity: 1 + (i % 3),
    amount: 40 + (i % 7) * 10.25,
  }));
  const results = await Promise.all(orders.map((order) => placeOrder(order)));

  expect(results.map((r) => r && (r.status === "completed" || r.status === "failed" ? "ended" : JSON.stringify(r)))).toEqual(
    results.map(() => "ended"),
  );
  const completed = orders.filter((_, i) => results[i]?.status === "completed");
  const errors = results.flatMap((r) => r?.steps.map((s) => s.error_message).filter(Boolean) ?? []);
  expect(completed.length, `no order completed; their errors: ${[...new Set(errors)].join(" | ")}`).toBeGreaterThan(0);
  expect(errors, `some order found the stock gone; their errors: ${[...new Set(errors)].join(" | ")}`).toContain("Insufficient inventory");

  const stock = await inventory();
  for (const product of demoProducts) {
    const sold = completed.filter((o) => o.product_id === product.id).reduce((sum, o) => sum + o.quantity, 0);
    expect(stock[product.id]).toBe(product.stock - sold);
    expect(stock[product.id]).toBeGreaterThanOrEqual(0);
  }
  const money = await balances();
  for (const account of demoAccounts) {
    const spent = completed.filter((o) => o.user_id === account.id).reduce((sum, o) => sum + Math.round(o.amount * 100), 0);
    expect(money[account.id].cents).toBe(account.balanceCents - spent);
    expect(money[account.id].cents).toBeGreaterThanOrEqual(0);
  }
  const stored = await listOrders();
  expect(stored).toHaveLength(50);
  expect(stored.every((o) => o.status === "completed" || o.status === "failed")).toBe(true);

  // They really ran at the same time: some saga's first step started before another's last step ended.
  const sagas = await listSagas();
  const spans = sagas.map((saga) => [Date.parse(saga.created_at), Date.parse(saga.updated_at)] as const).sort((a, b) => a[0] - b[0]);
  expect(spans.some(([start], i) => i > 0 && start < spans[i - 1][1])).toBe(true);
});
