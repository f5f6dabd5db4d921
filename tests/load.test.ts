// 200 concurrent clients placing a mix of every scenario, with the simulated delays on: every answer
// is right for its scenario, every saga ends, and stock and money are conserved exactly.
import { afterAll, beforeAll, expect, it } from "vitest";
import { demoAccounts, demoProducts } from "../lib/orders/demo-data";
import { startServer, type TestServer } from "./server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { SAGA_DELAY_SCALE: "0.5", LOG_LEVEL: "WARNING" } });
});
afterAll(() => server.stop());

interface Order {
  user_id: string;
  product_id: string;
  quantity: number;
  amount: number;
}

// What each kind must end as, whatever the others do: a function of the answer's steps.
const kinds: { order: Order; check: (steps: { name: string; status: string; error_message: string | null }[]) => void }[] = [
  {
    order: { user_id: "user_1", product_id: "product_2", quantity: 1, amount: 20 },
    // completes, or fails only for want of stock or money once others took them
    check: (steps) => {
      const failed = steps.find((s) => s.status === "failed");
      if (failed) expect(["Insufficient inventory", "Insufficient funds"]).toContain(failed.error_message);
    },
  },
  {
    order: { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500 },
    check: (steps) => expect(steps[2]).toMatchObject({ status: "failed", error_message: "Insufficient funds" }),
  },
  {
    order: { user_id: "user_3", product_id: "product_3", quantity: 1, amount: 1 },
    check: (steps) => {
      const failed = steps.find((s) => s.status === "failed");
      expect(["Shipping address invalid", "Insufficient inventory"]).toContain(failed?.error_message);
    },
  },
  {
    order: { user_id: "user_1", product_id: "product_1", quantity: 500, amount: 1 },
    check: (steps) => expect(steps[1]).toMatchObject({ status: "failed", error_message: "Insufficient inventory" }),
  },
  {
    order: { user_id: "ghost", product_id: "product_1", quantity: 1, amount: 1 },
    check: (steps) => expect(steps[0]).toMatchObject({ status: "failed", error_message: "User not found" }),
  },
];

it("serves 200 concurrent clients correctly and conserves stock and money", async () => {
  const placed = Array.from({ length: 200 }, (_, i) => kinds[i % kinds.length]);
  const answers = await Promise.all(
    placed.map(async ({ order }) => {
      const response = await fetch(`${server.url}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(order),
      });
      return { status: response.status, body: await response.json() };
    }),
  );
  const completed: Order[] = [];
  answers.forEach(({ status, body }, i) => {
    expect(status).toBe(201);
    expect(["completed", "failed"]).toContain(body.status);
    if (body.status === "completed") {
      expect(body.steps.every((s: { status: string }) => s.status === "completed")).toBe(true);
      completed.push(placed[i].order);
    } else {
      placed[i].check(body.steps);
      // every step before the failed one was compensated, every one after it never ran
      const failedAt = body.steps.findIndex((s: { status: string }) => s.status === "failed");
      body.steps.forEach((s: { status: string }, j: number) =>
        expect(s.status).toBe(j < failedAt ? "compensated" : j === failedAt ? "failed" : "pending"),
      );
    }
  });
  expect(completed.length).toBeGreaterThan(0);

  const orders = (await (await fetch(`${server.url}/orders`)).json()) as { status: string }[];
  expect(orders).toHaveLength(200);
  expect(orders.every((o) => o.status === "completed" || o.status === "failed")).toBe(true);
  const { inventory } = await (await fetch(`${server.url}/inventory`)).json();
  const { balances } = await (await fetch(`${server.url}/balances`)).json();
  for (const product of demoProducts) {
    const sold = completed.filter((o) => o.product_id === product.id).reduce((sum, o) => sum + o.quantity, 0);
    expect(inventory[product.id]).toBe(product.stock - sold);
  }
  for (const account of demoAccounts) {
    const spent = completed.filter((o) => o.user_id === account.id).reduce((sum, o) => sum + Math.round(o.amount * 100), 0);
    expect(Math.round(balances[account.id] * 100)).toBe(account.balanceCents - spent);
  }
}, 120_000);
