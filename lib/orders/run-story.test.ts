// One run's story from the database: what the timeline, the compare page and an export are drawn from.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { definitionVersion } from "../saga/registry";
import { DEFAULT_WORLD } from "../world-id";
import { orderSaga } from "./order-saga";
import { ready } from "./ready";
import { runStory } from "./run-story";
import { placeOrder, resetDemo } from "./service";

describe("a run's story", () => {
  it("records the definition version it ran, the service's log lines, and the values it started from", async () => {
    await resetDemo(DEFAULT_WORLD);
    await placeOrder({ user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 });
    const result = await placeOrder({ user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 });
    await placeOrder({ user_id: "user_3", product_id: "product_1", quantity: 3, amount: 10 });
    const story = (await runStory(result!.saga_id))!;
    expect(story.saga.definition_version).toBe(definitionVersion(orderSaga));
    expect(story.saga.definition_version).toMatch(/^[0-9a-f]{12}$/);
    expect(story.events.filter((e) => e.detail).map((e) => e.detail)).toEqual([
      `Validated order ${result!.order_id}`,
      "Reserved 1 units of product_1",
      "Processed payment of $50.0 for user_3",
      "Refunded payment of $50.0 to user_3",
      "Released 1 units of product_1",
      "No compensation needed for validate_order",
    ]);
    // When it began: after the first order (98 in stock), before the third (which failed and moved nothing in the end).
    expect(story.before).toEqual({ product_1: 98, user_3: 20_000 });
    expect(story.effects).toEqual({
      reserve_inventory: [{ account: "product_1", kind: "stock", delta: -1 }],
      process_payment: [{ account: "user_3", kind: "money", delta: -5_000 }],
    });
  });

  it("a run with more movements since (in any world) than its bound has no starting values: the replay shows movements only", async () => {
    await resetDemo(DEFAULT_WORLD);
    const old = (await placeOrder({ user_id: "user_1", product_id: "product_3", quantity: 1, amount: 1 }))!;
    const bound = { maxMovementsSince: 10 };
    // Each order that completes moves stock and money: two movements, the run's own two included.
    for (let i = 0; i < 4; i++) await placeOrder({ user_id: "user_1", product_id: "product_1", quantity: 1, amount: 0.01 });
    expect((await runStory(old.saga_id, bound))!.before).toEqual({ product_3: 25, user_1: 100_000 });
    await placeOrder({ user_id: "user_2", product_id: "product_1", quantity: 1, amount: 0.01 });
    expect((await runStory(old.saga_id, bound))!.before).toBeNull();
    expect((await runStory(old.saga_id))!.before).toEqual({ product_3: 25, user_1: 100_000 });
  });

  it("an older run keeps the steps it had: it draws with them, not with today's definition", async () => {
    const db = await ready();
    const [sagaId, orderId] = [randomUUID(), randomUUID()];
    const at = new Date();
    // A run of a version of the order saga that had no shipping step.
    await db.write(async (tx) => {
      await tx.saga.create({
        data: {
          id: sagaId,
          definition: "order",
          definitionVersion: "0ld0ld0ld0ld",
          subjectType: "order",
          subjectId: orderId,
          scope: DEFAULT_WORLD,
          status: "completed",
          createdAt: at,
          updatedAt: at,
          steps: {
            create: [
              { position: 0, name: "validate_order", compensationName: "no_compensation", status: "completed", attempts: 1 },
              { position: 1, name: "reserve_inventory", compensationName: "release_inventory", status: "completed", attempts: 1 },
              { position: 2, name: "process_payment", compensationName: "refund_payment", status: "completed", attempts: 1 },
            ],
          },
          events: {
            create: [
              { phase: "saga", outcome: "pending", createdAt: at },
              { phase: "saga", outcome: "completed", createdAt: at },
            ],
          },
        },
      });
      await tx.order.create({
        data: {
          id: orderId,
          worldId: DEFAULT_WORLD,
          userId: "user_1",
          productId: "product_1",
          quantity: 1,
          amountCents: 100,
          status: "completed",
          sagaId,
          createdAt: at,
          updatedAt: at,
        },
      });
    });
    const story = (await runStory(sagaId))!;
    expect(story.saga.definition_version).toBe("0ld0ld0ld0ld");
    expect(story.outline.steps.map((s) => [s.name, s.compensation, s.service])).toEqual([
      ["validate_order", "no_compensation", "Orders"],
      ["reserve_inventory", "release_inventory", "Inventory"],
      ["process_payment", "refund_payment", "Payments"],
    ]);
    expect(story.saga.definition_version).not.toBe(definitionVersion(orderSaga));
  });
});
