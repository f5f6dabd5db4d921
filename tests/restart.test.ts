// What a server restart keeps: every order, saga, unit of stock and cent; and a saga cut off by a
// crash (SIGKILL mid-step) is finished by the next start, from the database alone.
import { afterEach, expect, it } from "vitest";
import { startServer, tempDatabaseUrl, type TestServer } from "./server";
import { until } from "./wait";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop("SIGKILL");
  server = undefined;
});

async function json(response: Promise<Response>) {
  return (await response).json();
}

const post = (url: string, body: unknown) =>
  fetch(`${url}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

it("keeps orders, sagas, stock and balances across a restart", async () => {
  const databaseUrl = tempDatabaseUrl();
  server = await startServer({ databaseUrl });
  const placed = await json(post(server.url, { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 }));
  const failed = await json(post(server.url, { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 }));
  const before = {
    orders: await json(fetch(`${server.url}/orders`)),
    saga: await json(fetch(`${server.url}/sagas/${failed.saga_id}`)),
    inventory: await json(fetch(`${server.url}/inventory`)),
    balances: await json(fetch(`${server.url}/balances`)),
  };
  await server.stop("SIGTERM");

  server = await startServer({ databaseUrl });
  expect(await json(fetch(`${server.url}/orders`))).toEqual(before.orders);
  expect(await json(fetch(`${server.url}/sagas/${failed.saga_id}`))).toEqual(before.saga);
  expect(await json(fetch(`${server.url}/orders/${placed.order_id}`))).toMatchObject({ status: "completed", quantity: 2, amount: 100 });
  expect(await json(fetch(`${server.url}/inventory`))).toEqual({ inventory: { product_1: 98, product_2: 50, product_3: 25 } });
  expect(await json(fetch(`${server.url}/balances`))).toEqual({ balances: { user_1: 900, user_2: 500, user_3: 200 } });
});

it("finishes a saga that a crash interrupted mid-step, on the next start", async () => {
  const databaseUrl = tempDatabaseUrl();
  // Half a second for each of the first two steps; then the payment's first attempt hangs until its
  // timeout (5 s) and is retried: the saga is in the middle of its payment, stock reserved, for seconds.
  server = await startServer({ databaseUrl, env: { SAGA_DELAY_SCALE: "5" } });
  const order = {
    user_id: "user_3",
    product_id: "product_2",
    quantity: 3,
    amount: 60,
    simulation: { faults: { process_payment: { timeouts: 1 } } },
  };
  const accepted = await json(
    fetch(`${server.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", prefer: "respond-async" },
      body: JSON.stringify(order),
    }),
  );
  const sagaAt = (url: string) => json(fetch(`${url}/sagas/${accepted.saga_id}`));
  await until("the saga to reach its payment", async () => (await sagaAt(server!.url)).steps[2].status === "running");
  await server.stop("SIGKILL");

  server = await startServer({ databaseUrl });
  const orders: { id: string; status: string; saga_id: string }[] = await until("the next start to finish the saga", async () => {
    const now = await json(fetch(`${server!.url}/orders`));
    return now.length === 1 && ["completed", "failed"].includes(now[0].status) && now;
  });
  expect(orders).toHaveLength(1);
  // user_3 cannot be shipped to: the resumed saga fails at shipping and undoes everything.
  expect(orders[0].status).toBe("failed");
  const saga = await sagaAt(server.url);
  expect(saga.steps.map((s: { status: string }) => s.status)).toEqual(["compensated", "compensated", "compensated", "failed"]);
  // The crash cut the payment's first attempt off; the next start made it again.
  const { events } = await json(fetch(`${server.url}/api/sagas/${accepted.saga_id}/events`));
  const payment = events.filter((e: { step: string | null }) => e.step === "process_payment").map((e: { outcome: string }) => e.outcome);
  expect(payment.slice(0, 3)).toEqual(["running", "running", "completed"]);
  expect(await json(fetch(`${server.url}/inventory`))).toEqual({ inventory: { product_1: 100, product_2: 50, product_3: 25 } });
  expect(await json(fetch(`${server.url}/balances`))).toEqual({ balances: { user_1: 1000, user_2: 500, user_3: 200 } });
  expect(server.output()).toContain("Resuming 1 saga(s) left in flight");
});
