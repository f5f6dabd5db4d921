// Demo worlds, through the order service as the route handlers use it: each world's orders, stock,
// balances, lists, keys, live stream and reset are its own; limits refuse with TooManyRequests; the
// sweep removes idle worlds (never one with a saga in flight) and leaves memory and the file bounded.
import fs from "node:fs";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { eventStreamResponse } from "../api/sse";
import { TooManyRequests } from "../limits";
import { runSaga } from "../saga";
import { DEFAULT_WORLD, newWorldId } from "../world-id";
import { allSagasFeed } from "./live";
import { balances, findSaga, inventory, listOrders, listSagas } from "./queries";
import { ready } from "./ready";
import { createOrder, resetDemo, submitOrder } from "./service";
import { openWorld, rememberedSizes, sweepWorlds, worldSettings } from "./worlds";

const order = { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 };
const generous = { ...worldSettings(), perAddressPerMinute: 100_000 };

async function newWorld(): Promise<string> {
  const world = newWorldId();
  await openWorld(world, "test", generous);
  return world;
}

async function place(world: string, idempotencyKey?: string) {
  const submission = await submitOrder(order, { world, idempotencyKey });
  if (submission.kind !== "finished") throw new Error(`not finished: ${submission.kind}`);
  return submission.result;
}

afterEach(() => {
  delete process.env.SAGA_WORLD_MAX_ORDERS;
});

describe("each world is its own", () => {
  it("orders, stock, balances and lists of one world never show in another, nor in the shared one", async () => {
    await resetDemo(DEFAULT_WORLD);
    const [ada, grace] = [await newWorld(), await newWorld()];
    const [first] = await Promise.all([place(ada), place(grace), place(grace)]);
    expect(first.status).toBe("completed");

    expect(await inventory(ada)).toEqual({ product_1: 98, product_2: 50, product_3: 25 });
    expect(await inventory(grace)).toEqual({ product_1: 96, product_2: 50, product_3: 25 });
    expect(await inventory(DEFAULT_WORLD)).toEqual({ product_1: 100, product_2: 50, product_3: 25 });
    expect((await balances(ada)).user_1.cents).toBe(90_000);
    expect((await balances(grace)).user_1.cents).toBe(80_000);
    expect((await balances(DEFAULT_WORLD)).user_1.cents).toBe(100_000);
    expect((await listOrders(ada)).map((o) => o.id)).toEqual([first.order_id]);
    expect(await listOrders(grace)).toHaveLength(2);
    expect(await listOrders(DEFAULT_WORLD)).toHaveLength(0);
    expect((await listSagas(undefined, ada)).map((s) => s.id)).toEqual([first.saga_id]);
    // A saga opens by its id for anyone who has the link.
    expect((await findSaga(first.saga_id))?.status).toBe("completed");
  });

  it("a reset restores its own world only", async () => {
    const [ada, grace] = [await newWorld(), await newWorld()];
    await Promise.all([place(ada), place(grace)]);
    await resetDemo(ada);
    expect(await inventory(ada)).toEqual({ product_1: 100, product_2: 50, product_3: 25 });
    expect(await listOrders(ada)).toHaveLength(0);
    expect(await inventory(grace)).toEqual({ product_1: 98, product_2: 50, product_3: 25 });
    expect(await listOrders(grace)).toHaveLength(1);
    expect(await listSagas(undefined, grace)).toHaveLength(1);
  });

  it("an idempotency key belongs to its world: the same key in two worlds makes two orders", async () => {
    const [ada, grace] = [await newWorld(), await newWorld()];
    const key = `key-${randomUUID()}`;
    const a = await place(ada, key);
    const again = await place(ada, key);
    const g = await place(grace, key);
    expect(again.order_id).toBe(a.order_id);
    expect(g.order_id).not.toBe(a.order_id);
    expect(await inventory(ada)).toEqual({ product_1: 98, product_2: 50, product_3: 25 });
  });

  it("the dashboard's live stream of a world carries its sagas only", async () => {
    const [ada, grace] = [await newWorld(), await newWorld()];
    const controller = new AbortController();
    const response = await eventStreamResponse(
      new Request("http://test/api/events", { signal: controller.signal }),
      await allSagasFeed(ada),
    );
    const reader = response.body!.getReader();
    let text = "";
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    const theirs = await place(grace);
    const mine = await place(ada);
    const deadline = Date.now() + 5_000;
    while (
      !text.includes(
        `"saga_id":"${mine.saga_id}","order_id":"${mine.order_id}","position":null,"step":null,"phase":"saga","outcome":"completed"`,
      ) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    controller.abort();
    await reading;
    expect(text).toContain(mine.saga_id);
    expect(text).not.toContain(theirs.saga_id);
  });
});

describe("limits", () => {
  it("a private world holds at most SAGA_WORLD_MAX_ORDERS orders (429 then); a reset empties it; the shared world has no such limit", async () => {
    process.env.SAGA_WORLD_MAX_ORDERS = "2";
    const world = await newWorld();
    await place(world);
    await place(world);
    const refused = await submitOrder(order, { world });
    expect(refused.kind).toBe("limit");
    expect(refused.kind === "limit" && refused.error.message).toBe("This demo world holds its limit of 2 orders: reset it to start again.");
    expect(await listOrders(world)).toHaveLength(2);
    expect(await inventory(world)).toEqual({ product_1: 96, product_2: 50, product_3: 25 });
    await resetDemo(world);
    expect((await submitOrder(order, { world })).kind).toBe("finished");
    await resetDemo(DEFAULT_WORLD);
    for (let i = 0; i < 3; i++) await place(DEFAULT_WORLD);
  });

  it("an address makes at most SAGA_WORLDS_PER_MINUTE new worlds a minute; another address is not held back", async () => {
    const settings = { ...worldSettings(), perAddressPerMinute: 3 };
    const address = `10.0.0.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 3; i++) await openWorld(newWorldId(), address, settings);
    const refused = openWorld(newWorldId(), address, settings);
    await expect(refused).rejects.toBeInstanceOf(TooManyRequests);
    await expect(refused).rejects.toThrow(/at most 3 a minute/);
    await openWorld(newWorldId(), `${address}-other`, settings);
  });

  it("a configuration that makes no sense is refused with a clear message", () => {
    expect(() => worldSettings({ SAGA_WORLD_MAX_ORDERS: "lots" })).toThrow(
      'SAGA_WORLD_MAX_ORDERS must be a positive whole number; got "lots"',
    );
    expect(() => worldSettings({ SAGA_WORLD_IDLE_HOURS: "-1" })).toThrow("SAGA_WORLD_IDLE_HOURS must be a positive number");
  });
});

describe("the sweep", () => {
  async function counts() {
    const { read } = await ready();
    return {
      worlds: await read.world.count(),
      products: await read.product.count(),
      accounts: await read.account.count(),
      orders: await read.order.count(),
      sagas: await read.saga.count(),
      events: await read.sagaEvent.count(),
    };
  }

  async function populate(count: number): Promise<string[]> {
    const worlds: string[] = [];
    for (let i = 0; i < count; i++) {
      const world = await newWorld();
      worlds.push(world);
      if (i % 10 === 0) await place(world);
    }
    return worlds;
  }

  it(
    "removes 1,000 idle worlds, never one with a saga in flight, and leaves memory and the file bounded",
    { timeout: 120_000 },
    async () => {
      const db = await ready();
      await sweepWorlds({ ...generous, idleMs: 1 }, Date.now() + 1_000);
      const baseline = await counts();

      await populate(1_000);
      // One world's order is recorded, its saga in flight (not run yet: a fault to come keeps its first
      // step from running as it starts): the sweep must leave that world.
      const busy = await newWorld();
      const inFlight = await createOrder({ ...order, simulation: { faults: { validate_order: { transient: 1 } } } }, undefined, busy);
      expect((await counts()).worlds).toBe(baseline.worlds + 1_001);

      // Nothing is idle yet: nothing goes.
      expect(await sweepWorlds(generous)).toBe(0);
      const later = Date.now() + generous.idleMs + 1_000;
      expect(await sweepWorlds(generous, later)).toBe(1_000);
      const after = await counts();
      expect(after).toMatchObject({
        worlds: baseline.worlds + 1,
        products: baseline.products + 3,
        accounts: baseline.accounts + 3,
        orders: baseline.orders + 1,
      });
      expect(rememberedSizes().worlds).toBeLessThanOrEqual(1 + (await db.read.world.count()));
      const fileAfterFirst = fs.statSync(db.file).size;

      // The saga ends; the next sweep takes its world too. The shared world always stays.
      expect(await runSaga(inFlight.sagaId)).toBe("completed");
      expect(await sweepWorlds(generous, later)).toBe(1);
      expect(await counts()).toEqual(baseline);
      expect(await db.read.world.findUnique({ where: { id: DEFAULT_WORLD } })).not.toBeNull();

      // A second thousand reuses the space the first left: the file does not keep growing.
      await populate(1_000);
      expect(await sweepWorlds(generous, Date.now() + generous.idleMs + 1_000)).toBe(1_000);
      expect(await counts()).toEqual(baseline);
      expect(fs.statSync(db.file).size).toBeLessThanOrEqual(fileAfterFirst * 1.1);
      expect(rememberedSizes().worlds).toBe(0);
    },
  );
});

describe("a page's first calls", () => {
  it("open the world once: four calls at once make one world and spend one of the address's budget", async () => {
    const settings = { ...worldSettings(), perAddressPerMinute: 2 };
    const address = `10.1.0.${Math.floor(Math.random() * 250)}`;
    const world = newWorldId();
    await Promise.all([1, 2, 3, 4].map(() => openWorld(world, address, settings)));
    expect(await inventory(world)).toEqual({ product_1: 100, product_2: 50, product_3: 25 });
    // One of two spent: one more world may be made, then the budget is out.
    await openWorld(newWorldId(), address, settings);
    await expect(openWorld(newWorldId(), address, settings)).rejects.toBeInstanceOf(TooManyRequests);
  });
});
