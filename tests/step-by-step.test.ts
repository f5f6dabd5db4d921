// Step by step over HTTP, as curl meets it: a step-by-step order is answered 202 at once; GET /sagas/{id}
// mid-way shows the saga waiting, with the stock as the saga has really left it; POST /sagas/{id}/continue
// moves it one transition (200), refuses a saga that does not wait (409) and another world's (404); a bad
// step_timeout_seconds is a 422; and a restart keeps the pause.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Reply } from "./http";
import { startServer, tempDatabaseUrl, type TestServer } from "./server";
import { until } from "./wait";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

const shippingFailure = { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 };
const stepByStep = (simulation: Record<string, unknown> = {}) => ({
  ...shippingFailure,
  simulation: { step_by_step: true, ...simulation },
});

async function placeStepByStep(url: string, headers: Record<string, string> = {}): Promise<{ order_id: string; saga_id: string }> {
  const reply = await call(url, "POST", "/orders", { json: stepByStep(), headers });
  // At once, without Prefer: respond-async: a synchronous answer would wait for the continues.
  expect(reply.status, reply.text).toBe(202);
  expect(reply.headers.get("location")).toBe(`/api/sagas/${reply.body.saga_id}`);
  expect(reply.headers.get("preference-applied")).toBeNull();
  return reply.body;
}

/** GET /sagas/{id} until the saga waits before `before` (a step, or with phase saga its end). */
function pausedBefore(url: string, sagaId: string, before: string, phase = "action", headers: Record<string, string> = {}) {
  return until(`the saga to wait before ${phase} ${before}`, async () => {
    const saga = (await call(url, "GET", `/sagas/${sagaId}`, { headers })).body;
    return saga.waiting?.before === before && saga.waiting.phase === phase && saga;
  });
}

const stock = async (url: string, headers: Record<string, string> = {}) =>
  (await call(url, "GET", "/inventory", { headers })).body.inventory.product_1;
const statuses = (saga: { steps: { status: string }[] }) => saga.steps.map((step) => step.status);

describe("a step-by-step order over HTTP", () => {
  it("waits on the server before each transition: GET /sagas/{id} shows the pause, the stock is the saga's real one", async () => {
    await call(server.url, "POST", "/reset");
    const { order_id, saga_id } = await placeStepByStep(server.url);

    const first = (await call(server.url, "GET", `/sagas/${saga_id}`)).body;
    expect(first).toMatchObject({ status: "pending", waiting: { before: "validate_order", phase: "action" } });
    expect(Date.parse(first.waiting.resumes_at) - Date.parse(first.waiting.since)).toBe(300_000);
    expect(statuses(first)).toEqual(["pending", "pending", "pending", "pending"]);
    expect((await call(server.url, "GET", `/orders/${order_id}`)).body.status).toBe("pending");
    expect(await stock(server.url)).toBe(100);

    // One continue, one transition: the answer shows it begun, then it waits before the next step.
    const continued = await call(server.url, "POST", `/sagas/${saga_id}/continue`);
    expect(continued.status, continued.text).toBe(200);
    expect(continued.body.id).toBe(saga_id);
    expect(continued.body.waiting?.before).not.toBe("validate_order");
    expect(continued.body.steps[0].status).toMatch(/^(running|completed)$/);
    await pausedBefore(server.url, saga_id, "reserve_inventory");
    expect(await stock(server.url)).toBe(100);

    await call(server.url, "POST", `/sagas/${saga_id}/continue`);
    const reserved = await pausedBefore(server.url, saga_id, "process_payment");
    expect(statuses(reserved)).toEqual(["completed", "completed", "pending", "pending"]);
    // The reservation is real: the stock is 99 while the saga waits, under /api as at the seed's path.
    expect(await stock(server.url)).toBe(99);
    expect((await call(server.url, "GET", `/api/sagas/${saga_id}`)).body).toEqual(reserved);
    const listed = (await call(server.url, "GET", "/sagas")).body.find((saga: { id: string }) => saga.id === saga_id);
    expect(listed.waiting).toEqual(reserved.waiting);

    for (const [before, phase] of [
      ["ship_order", "action"],
      ["process_payment", "compensation"],
      ["reserve_inventory", "compensation"],
      ["validate_order", "compensation"],
      ["failed", "saga"],
    ]) {
      expect((await call(server.url, "POST", `/sagas/${saga_id}/continue`)).status).toBe(200);
      await pausedBefore(server.url, saga_id, before, phase);
    }
    expect(await stock(server.url)).toBe(100);
    const last = await call(server.url, "POST", `/sagas/${saga_id}/continue`);
    expect(last.status).toBe(200);
    const ended = await until("the saga to end", async () => {
      const saga = (await call(server.url, "GET", `/sagas/${saga_id}`)).body;
      return saga.status === "failed" && saga;
    });
    expect(ended.waiting).toBeNull();
    expect(statuses(ended)).toEqual(["compensated", "compensated", "compensated", "failed"]);

    const refused = await call(server.url, "POST", `/sagas/${saga_id}/continue`);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ detail: "This saga is not waiting for a continue; it is failed" });
  });

  it("continues a saga in the caller's world only: another world's is not found", async () => {
    const made = await call(server.url, "POST", "/world");
    const mine = { cookie: made.headers.getSetCookie()[0].split(";")[0] };
    const { saga_id } = await placeStepByStep(server.url, mine);
    const elsewhere = await call(server.url, "POST", `/sagas/${saga_id}/continue`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toEqual({ detail: "Saga not found" });
    // Reads by id stay open to whoever has the link: still waiting where it was.
    expect((await call(server.url, "GET", `/sagas/${saga_id}`)).body.waiting.before).toBe("validate_order");
    expect((await call(server.url, "POST", `/sagas/${saga_id}/continue`, { headers: mine })).status).toBe(200);
    await pausedBefore(server.url, saga_id, "reserve_inventory", "action", mine);
    expect((await call(server.url, "POST", "/sagas/no-such-saga/continue", { headers: mine })).status).toBe(404);
  });

  it("refuses a continue of a saga that was not placed step by step", async () => {
    const placed = await call(server.url, "POST", "/orders", { json: shippingFailure });
    expect(placed.status).toBe(201);
    const refused = await call(server.url, "POST", `/api/sagas/${placed.body.saga_id}/continue`);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ detail: "This saga is not waiting for a continue; it is failed" });
  });

  it.each([
    [0, "greater_than_equal"],
    [3601, "less_than_equal"],
    [1.5, "int_from_float"],
    ["soon", "int_parsing"],
  ])("answers 422 for step_timeout_seconds %j, and records nothing", async (value, type) => {
    const before = (await call(server.url, "GET", "/orders")).body.length;
    const reply: Reply = await call(server.url, "POST", "/orders", { json: stepByStep({ step_timeout_seconds: value }) });
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toEqual([
      expect.objectContaining({ type, loc: ["body", "simulation", "step_timeout_seconds"], input: value }),
    ]);
    expect((await call(server.url, "GET", "/orders")).body.length).toBe(before);
  });

  it("answers 422 for a step_by_step that pydantic would not read as a boolean", async () => {
    const reply = await call(server.url, "POST", "/orders", { json: { ...shippingFailure, simulation: { step_by_step: "maybe" } } });
    expect(reply.status).toBe(422);
    expect(reply.body.detail).toEqual([expect.objectContaining({ type: "bool_parsing", loc: ["body", "simulation", "step_by_step"] })]);
  });
});

describe("a restart", () => {
  it("keeps a pause: the server stops at once, and the next start waits where the saga was, until the same time", async () => {
    const databaseUrl = tempDatabaseUrl();
    let own = await startServer({ databaseUrl });
    try {
      const { saga_id } = await placeStepByStep(own.url);
      await call(own.url, "POST", `/sagas/${saga_id}/continue`);
      const paused = await pausedBefore(own.url, saga_id, "reserve_inventory");
      // A waiting run does not hold the shutdown up for its five minutes.
      await own.stop("SIGTERM");

      own = await startServer({ databaseUrl });
      expect((await call(own.url, "GET", `/sagas/${saga_id}`)).body).toEqual(paused);
      expect(await stock(own.url)).toBe(100);
      expect((await call(own.url, "POST", `/sagas/${saga_id}/continue`)).status).toBe(200);
      await pausedBefore(own.url, saga_id, "process_payment");
      expect(await stock(own.url)).toBe(99);
    } finally {
      await own.stop("SIGKILL");
    }
  });
});
