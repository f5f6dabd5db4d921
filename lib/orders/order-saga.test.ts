// The seed's four scenarios, each from a freshly reset state, run in-process against a real SQLite file.
import { beforeEach, describe, expect, it } from "vitest";
import { balances, findOrder, findSaga, inventory, listOrders, listSagas, sagaEvents } from "./queries";
import { placeOrder, resetDemo } from "./service";

async function state() {
  const money = await balances();
  return {
    inventory: await inventory(),
    balances: Object.fromEntries(Object.entries(money).map(([user, amount]) => [user, amount.cents / 100])),
  };
}

const seedState = {
  inventory: { product_1: 100, product_2: 50, product_3: 25 },
  balances: { user_1: 1000, user_2: 500, user_3: 200 },
};

async function events(sagaId: string) {
  return ((await sagaEvents(sagaId)) ?? []).map((e) => `${e.phase}:${e.step ?? "-"}:${e.outcome}${e.error ? `(${e.error})` : ""}`);
}

beforeEach(() => resetDemo());

describe("the seed's scenarios", () => {
  it("1. a valid order completes every step, takes stock and money", async () => {
    const result = await placeOrder({ user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 });
    expect(result).toMatchObject({
      status: "completed",
      steps: [
        { name: "validate_order", status: "completed" },
        { name: "reserve_inventory", status: "completed" },
        { name: "process_payment", status: "completed" },
        { name: "ship_order", status: "completed" },
      ],
    });
    expect(await state()).toEqual({
      inventory: { ...seedState.inventory, product_1: 98 },
      balances: { ...seedState.balances, user_1: 900 },
    });
    expect((await findOrder(result!.order_id))?.status).toBe("completed");
    expect((await findSaga(result!.saga_id))?.order_id).toBe(result!.order_id);
    expect(await events(result!.saga_id)).toEqual([
      "saga:-:pending",
      "saga:-:processing",
      "action:validate_order:running",
      "action:validate_order:completed",
      "action:reserve_inventory:running",
      "action:reserve_inventory:completed",
      "action:process_payment:running",
      "action:process_payment:completed",
      "action:ship_order:running",
      "action:ship_order:completed",
      "saga:-:completed",
    ]);
  });

  it("2. insufficient funds fails at payment and releases the inventory", async () => {
    const result = await placeOrder({ user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500 });
    expect(result?.status).toBe("failed");
    expect(result?.steps).toEqual([
      { name: "validate_order", status: "compensated", error_message: null },
      { name: "reserve_inventory", status: "compensated", error_message: null },
      { name: "process_payment", status: "failed", error_message: "Insufficient funds" },
      { name: "ship_order", status: "pending", error_message: null },
    ]);
    expect(await state()).toEqual(seedState);
    expect((await findOrder(result!.order_id))?.status).toBe("failed");
    expect((await events(result!.saga_id)).slice(6)).toEqual([
      "action:process_payment:running",
      "action:process_payment:failed(Insufficient funds)",
      "saga:-:compensating(Insufficient funds)",
      "compensation:reserve_inventory:compensating",
      "compensation:reserve_inventory:compensated",
      "compensation:validate_order:compensating",
      "compensation:validate_order:compensated",
      "saga:-:failed",
    ]);
  });

  it("3. a shipping failure refunds the payment and releases the inventory, in reverse order", async () => {
    const result = await placeOrder({ user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 });
    expect(result?.status).toBe("failed");
    expect(result?.steps.map((s) => [s.name, s.status, s.error_message])).toEqual([
      ["validate_order", "compensated", null],
      ["reserve_inventory", "compensated", null],
      ["process_payment", "compensated", null],
      ["ship_order", "failed", "Shipping address invalid"],
    ]);
    expect(await state()).toEqual(seedState);
    const compensations = (await events(result!.saga_id)).filter((e) => e.startsWith("compensation:") && e.endsWith(":compensated"));
    expect(compensations).toEqual([
      "compensation:process_payment:compensated",
      "compensation:reserve_inventory:compensated",
      "compensation:validate_order:compensated",
    ]);
  });

  it("4. insufficient inventory fails at the reservation and changes nothing", async () => {
    const result = await placeOrder({ user_id: "user_1", product_id: "product_1", quantity: 200, amount: 100 });
    expect(result?.steps.map((s) => [s.name, s.status, s.error_message])).toEqual([
      ["validate_order", "compensated", null],
      ["reserve_inventory", "failed", "Insufficient inventory"],
      ["process_payment", "pending", null],
      ["ship_order", "pending", null],
    ]);
    expect(result?.status).toBe("failed");
    expect(await state()).toEqual(seedState);
  });
});

describe("business failures inside the saga", () => {
  it.each([
    [{ user_id: "nobody", product_id: "product_1", quantity: 1, amount: 10 }, "validate_order", "User not found"],
    [{ user_id: "user_1", product_id: "product_9", quantity: 1, amount: 10 }, "reserve_inventory", "Product not found"],
  ])("%j fails at %s with %s", async (input, failedStep, message) => {
    const result = await placeOrder(input);
    expect(result?.status).toBe("failed");
    expect(result?.steps.find((s) => s.status === "failed")).toMatchObject({ name: failedStep, error_message: message });
    expect(await state()).toEqual(seedState);
  });

  it("a balance can be spent to exactly zero, and not a cent further", async () => {
    const exact = await placeOrder({ user_id: "user_2", product_id: "product_2", quantity: 1, amount: 500 });
    expect(exact?.status).toBe("completed");
    const over = await placeOrder({ user_id: "user_2", product_id: "product_2", quantity: 1, amount: 0.01 });
    expect(over?.steps[2]).toMatchObject({ status: "failed", error_message: "Insufficient funds" });
    expect(await state()).toEqual({
      inventory: { ...seedState.inventory, product_2: 49 },
      balances: { ...seedState.balances, user_2: 0 },
    });
  });
});

describe("reset", () => {
  it("restores the seed's stock and balances and forgets every order", async () => {
    await placeOrder({ user_id: "user_1", product_id: "product_3", quantity: 5, amount: 250 });
    expect((await state()).inventory.product_3).toBe(20);
    const sagaId = (await listSagas())[0].id;
    await resetDemo();
    expect(await state()).toEqual(seedState);
    expect(await listOrders()).toEqual([]);
    expect(await listSagas()).toEqual([]);
    expect(await sagaEvents(sagaId)).toBeNull();
  });
});
