// Failure injection through the API, retries and timeouts as a client sees them, and the operator's
// way out of a compensation that keeps failing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SERVICE_RETRY } from "../lib/orders/service-policy";
import { startServer, type TestServer } from "./server";
import { until } from "./wait";

let server: TestServer;
beforeAll(async () => {
  // A short cool-down: a breaker that opens lets the saga try again within a second; and a call of a
  // service times out after a second, not five.
  server = await startServer({ env: { SAGA_BREAKER_COOLDOWN_SECONDS: "0.5", SAGA_SERVICE_TIMEOUT_SECONDS: "1" } });
});
afterAll(() => server.stop());
beforeEach(async () => {
  await fetch(`${server.url}/reset`, { method: "POST" });
});

const get = async (path: string) => (await fetch(`${server.url}${path}`)).json();

async function order(faults: Record<string, unknown>, body: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100, simulation: { faults }, ...body }),
  });
  return { status: response.status, body: await response.json() };
}

/** An order's charges and refunds in the payment service's own ledger. */
const ledgerOf = async (orderId: string) =>
  ((await get("/services/payment/ledger")) as { order_id: string; kind: string; amount_cents: number }[])
    .filter((entry) => entry.order_id === orderId)
    .map(({ kind, amount_cents }) => `${kind} ${amount_cents}`);

async function outcomes(sagaId: string, step: string): Promise<string[]> {
  const { events } = await get(`/api/sagas/${sagaId}/events`);
  return events
    .filter((e: { step: string | null }) => e.step === step)
    .map((e: { phase: string; outcome: string; error: string | null }) => `${e.phase}:${e.outcome}${e.error ? ` (${e.error})` : ""}`);
}

describe("injected failures", () => {
  it("retries a transiently failing payment and completes, showing every attempt", async () => {
    const { status, body } = await order({ process_payment: { transient: 2 } });
    expect(status).toBe(201);
    expect(body.status).toBe("completed");
    const saga = await get(`/sagas/${body.saga_id}`);
    expect(saga.steps[2]).toMatchObject({ name: "process_payment", status: "completed", attempts: 3, error_message: null });
    expect(await outcomes(body.saga_id, "process_payment")).toEqual([
      "action:running",
      "action:retrying (Injected transient failure (attempt 1))",
      "action:running",
      "action:retrying (Injected transient failure (attempt 2))",
      "action:running",
      "action:completed",
    ]);
    expect((await get("/balances")).balances.user_1).toBe(900); // charged once
  });

  it("times out a reservation once, then reserves", async () => {
    const { body } = await order({ reserve_inventory: { timeouts: 1 } });
    expect(body.status).toBe("completed");
    const trail = await outcomes(body.saga_id, "reserve_inventory");
    expect(trail[1]).toMatch(/^action:retrying \(Timed out after \d+ ms\)$/);
    expect((await get("/inventory")).inventory.product_1).toBe(98);
  });

  it("fails a step for good when asked, and compensates everything before it", async () => {
    const { body } = await order({ ship_order: { fail: true } });
    expect(body.status).toBe("failed");
    expect(body.steps.map((s: { status: string }) => s.status)).toEqual(["compensated", "compensated", "compensated", "failed"]);
    expect(body.steps[3].error_message).toBe("Injected failure");
    expect((await get("/inventory")).inventory.product_1).toBe(100);
    expect((await get("/balances")).balances.user_1).toBe(1000);
  });

  it("replays the same way for the same request", async () => {
    const faults = { reserve_inventory: { transient: 1 }, ship_order: { fail: true }, process_payment: { compensation_failures: 1 } };
    const first = await order(faults);
    const second = await order(faults);
    for (const step of ["reserve_inventory", "process_payment", "ship_order"]) {
      expect(await outcomes(second.body.saga_id, step)).toEqual(await outcomes(first.body.saga_id, step));
    }
  });

  it("refuses a fault on a step the saga does not have", async () => {
    const { status, body } = await order({ pack_order: { fail: true } });
    expect(status).toBe(422);
    expect(body.detail[0]).toMatchObject({ type: "enum", loc: ["body", "simulation", "faults", "pack_order"] });
    expect(await get("/orders")).toEqual([]);
  });
});

describe("where the saga calls the services", () => {
  it("on a loopback listener of their own, with the same data as /services/ on the app's port", async () => {
    const { services } = (await get("/api/services")) as { services: { name: string; url: string }[] };
    const listener = new URL(services[0].url);
    expect(listener.hostname).toBe("127.0.0.1");
    expect(Number(listener.port)).not.toBe(server.port);
    expect(services.map((service) => service.url)).toEqual(
      ["inventory", "payment", "shipping"].map((name) => `${listener.origin}/services/${name}`),
    );
    const { body } = await order({});
    expect(body.status).toBe("completed");
    const there = await (await fetch(`${listener.origin}/services/payment/orders/${body.order_id}`)).json();
    expect(there.movements.map((entry: { kind: string; delta: number }) => `${entry.kind} ${entry.delta}`)).toEqual(["charge -10000"]);
    expect(await get(`/services/payment/orders/${body.order_id}`)).toEqual(there);
  });

  it("a write to a service outside any saga, on either port, shows at once in the app's balances and stock", async () => {
    const { services } = (await get("/api/services")) as { services: { name: string; url: string }[] };
    const payment = services.find((service) => service.name === "payment")!.url;
    const balance = async () => ((await get("/balances")) as { balances: Record<string, number> }).balances.user_2;
    const charge = (base: string, key: string, cents: number) =>
      fetch(`${base}/charges`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ order_id: key, account_id: "user_2", amount_cents: cents }),
      });
    const before = await balance();
    expect(await balance()).toBe(before);
    expect((await charge(`${server.url}/services/payment`, `direct-${Date.now()}`, 1_000)).status).toBe(201);
    expect(await balance()).toBe(before - 10);
    expect((await charge(payment, `listener-${Date.now()}`, 500)).status).toBe(201);
    expect(await balance()).toBe(before - 15);
    const stock = async () => ((await get("/inventory")) as { inventory: Record<string, number> }).inventory.product_2;
    const units = await stock();
    const reserved = await fetch(`${server.url}/services/inventory/reservations`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": `reserve-${Date.now()}` },
      body: JSON.stringify({ order_id: `reserve-${Date.now()}`, product_id: "product_2", quantity: 2 }),
    });
    expect(reserved.status).toBe(201);
    expect(await stock()).toBe(units - 2);
  });
});

describe("failures at a service's boundary", () => {
  /** The payment service's figures in /metrics: calls by outcome, and replays. */
  async function paymentCalls() {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const value = (series: string) => Number(text.match(new RegExp(`^${series.replace(/[{}]/g, "\\$&")} (\\S+)$`, "m"))?.[1] ?? 0);
    return {
      answered: value('service_calls_total{service="payment",outcome="answered"}'),
      unavailable: value('service_calls_total{service="payment",outcome="unavailable"}'),
      replays: value('service_replays_total{service="payment"}'),
    };
  }
  const more = (after: Record<string, number>, before: Record<string, number>) =>
    Object.fromEntries(Object.entries(after).map(([name, n]) => [name, n - before[name]]));

  it("a lost answer: the service charged, the retry with the same key gets its charge again, and the account pays once", async () => {
    const before = await paymentCalls();
    const { status, body } = await order({ process_payment: { lost_answers: 1 } });
    expect(status).toBe(201);
    expect(body.status).toBe("completed");
    const saga = await get(`/sagas/${body.saga_id}`);
    expect(saga.steps[2]).toMatchObject({ name: "process_payment", status: "completed", attempts: 2 });
    expect(await outcomes(body.saga_id, "process_payment")).toEqual([
      "action:running",
      "action:retrying (The payment service's answer to POST /charges was lost on its way back (the connection dropped))",
      "action:running",
      "action:completed",
    ]);
    // The event log says what was heard: nothing the first time, then the service's 201 from its record.
    const { events } = await get(`/api/sagas/${body.saga_id}/events`);
    const heard = events
      .filter((e: { step: string; phase: string; outcome: string }) => e.step === "process_payment" && e.outcome !== "running")
      .map((e: { outcome: string; call: unknown }) => [e.outcome, e.call]);
    expect(heard).toEqual([
      ["retrying", null],
      ["completed", { status: 201, replayed: true }],
    ]);
    // Counted at the service: one charge, in its own ledger and in the balance.
    expect(await ledgerOf(body.order_id)).toEqual(["charge -10000"]);
    expect((await get("/balances")).balances.user_1).toBe(900);
    // /metrics: the lost call counts as no answer, the second as answered from the service's record.
    expect(more(await paymentCalls(), before)).toEqual({ answered: 1, unavailable: 1, replays: 1 });
  });

  it("a service down: each 503 is retried with backoff, and once it is back the account is charged once", async () => {
    const before = await paymentCalls();
    const { body } = await order({ process_payment: { unavailable: 3 } });
    expect(body.status).toBe("completed");
    expect((await get(`/sagas/${body.saga_id}`)).steps[2]).toMatchObject({ status: "completed", attempts: 4 });
    const down = "action:retrying (The payment service answered 503 to POST /charges)";
    expect(await outcomes(body.saga_id, "process_payment")).toEqual([
      ...["action:running", down, "action:running", down, "action:running", down],
      "action:running",
      "action:completed",
    ]);
    expect(await ledgerOf(body.order_id)).toEqual(["charge -10000"]);
    expect((await get("/balances")).balances.user_1).toBe(900);
    expect(more(await paymentCalls(), before)).toEqual({ answered: 1, unavailable: 3, replays: 0 });
    // Three failures in a row are fewer than the five that open the breaker: it stayed closed.
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('service_breaker_state{service="payment",state="closed"} 1');
  });

  /** The saga once it has ended (its retries wait out the breaker's cool-down). */
  const ended = (sagaId: string) =>
    until(`saga ${sagaId} to end`, async () => {
      const saga = await get(`/sagas/${sagaId}`);
      return ["completed", "failed", "compensation_failed"].includes(saga.status) && saga;
    });
  const gaveUp = (reason: string) => `action:failed (${reason} (gave up after ${SERVICE_RETRY.attempts} attempts))`;

  it("every answer lost: the charge is in doubt, so its refund is sent, finds the charge, and the account is whole", async () => {
    const { status, body } = await order({ process_payment: { lost_answers: SERVICE_RETRY.attempts } });
    expect(status).toBe(201);
    const saga = await ended(body.saga_id);
    expect(saga.status).toBe("failed");
    // The payment step is undone like the steps before it, though its action never heard an answer.
    expect(saga.steps.map((s: { status: string }) => s.status)).toEqual(["compensated", "compensated", "compensated", "pending"]);
    const lost = "The payment service's answer to POST /charges was lost on its way back (the connection dropped)";
    const trail = await outcomes(body.saga_id, "process_payment");
    // Its refund comes after it gave up (once the breaker its lost answers opened lets it through).
    const failedAt = trail.indexOf(gaveUp(lost));
    expect(failedAt).toBeGreaterThan(0);
    expect(trail[failedAt + 1]).toBe("compensation:compensating");
    expect(trail.at(-1)).toBe("compensation:compensated");
    // The service had charged (once, whatever the retries), and the refund found the charge.
    expect(await ledgerOf(body.order_id)).toEqual(["charge -10000", "refund 10000"]);
    expect((await get("/balances")).balances.user_1).toBe(1000);
    expect((await get("/inventory")).inventory.product_1).toBe(100);
    const { events } = await get(`/api/sagas/${body.saga_id}/events`);
    const refunded = events.find((e: { phase: string; outcome: string }) => e.phase === "compensation" && e.outcome === "compensated");
    expect(refunded.detail).toBe("Refunded payment of $100.0 to user_1");
    // What each service holds for the order, as it answers: the charge its log never heard of, and its refund.
    const records = await get(`/orders/${body.order_id}/services`);
    expect(records.order_id).toBe(body.order_id);
    const moved = Object.fromEntries(
      records.services.map(
        (s: { service: string; status: string | null; movements: { kind: string; account: string; delta: number }[] }) => [
          s.service,
          [s.status, ...s.movements.map((m) => `${m.kind} ${m.account} ${m.delta}`)],
        ],
      ),
    );
    expect(moved).toEqual({
      inventory: ["released", "reserve product_1 -2", "release product_1 2"],
      payment: ["refunded", "charge user_1 -10000", "refund user_1 10000"],
      shipping: [null],
    });
  });

  it("a service down for good: every charge was turned away, so nothing is in doubt and nothing refunded", async () => {
    const { body } = await order({ process_payment: { unavailable: SERVICE_RETRY.attempts } });
    const saga = await ended(body.saga_id);
    expect(saga.status).toBe("failed");
    // The service answered 503 to every attempt: it did nothing, so the payment step failed for sure,
    // and only the steps before it are undone.
    expect(saga.steps.map((s: { status: string }) => s.status)).toEqual(["compensated", "compensated", "failed", "pending"]);
    const trail = await outcomes(body.saga_id, "process_payment");
    // The breaker opened after five 503s: the action waited out its cool-down, and its last attempt reached the service.
    expect(trail.filter((line) => line.startsWith("action:running"))).toHaveLength(SERVICE_RETRY.attempts);
    expect(trail.filter((line) => line.startsWith("action:") && line.includes("circuit breaker is open"))).toEqual([]);
    expect(trail.at(-1)).toBe(gaveUp("The payment service answered 503 to POST /charges"));
    expect(await ledgerOf(body.order_id)).toEqual([]);
    const records = await get(`/orders/${body.order_id}/services`);
    expect(records.services.find((s: { service: string }) => s.service === "payment")).toEqual({
      service: "payment",
      status: null,
      movements: [],
    });
    expect((await get("/balances")).balances.user_1).toBe(1000);
    expect((await get("/inventory")).inventory.product_1).toBe(100);
    // The service answers again: the next order waits out the breaker the 503s opened, and is charged (closing it).
    const next = await order({});
    expect(next.body.status).toBe("completed");
    expect(await ledgerOf(next.body.order_id)).toEqual(["charge -10000"]);
  });

  it("a refusal is sure: a payment refused for want of funds is not refunded", async () => {
    const { body } = await order({}, { amount: 5000 });
    expect(body.status).toBe("failed");
    expect(body.steps.map((s: { status: string }) => s.status)).toEqual(["compensated", "compensated", "failed", "pending"]);
    expect(await outcomes(body.saga_id, "process_payment")).toEqual(["action:running", "action:failed (Insufficient funds)"]);
  });

  it("a slow service: the call is cancelled at its timeout, the service sees its caller gone and does nothing, the retry charges once", async () => {
    const abandoned = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(text.match(/^service_requests_abandoned_total\{service="payment"\} (\S+)$/m)?.[1] ?? 0);
    };
    const before = await abandoned();
    const { body } = await order({ process_payment: { slow_answers: 1 } });
    expect(body.status).toBe("completed");
    expect(await outcomes(body.saga_id, "process_payment")).toEqual([
      "action:running",
      "action:retrying (Timed out after 1000 ms)",
      "action:running",
      "action:completed",
    ]);
    // The service saw the cancelled request go, and stopped before charging anything.
    await until("the payment service to count the request it abandoned", async () => (await abandoned()) === before + 1);
    expect(await ledgerOf(body.order_id)).toEqual(["charge -10000"]);
    expect((await get("/balances")).balances.user_1).toBe(900);
  });

  it("a service too slow every time: the charge is in doubt, its refund finds nothing and is remembered, and a late charge is refused", async () => {
    const { body } = await order({ process_payment: { slow_answers: SERVICE_RETRY.attempts } });
    const saga = await ended(body.saga_id);
    expect(saga.status).toBe("failed");
    // Each request may have reached the service before its timeout cancelled it: the step is undone too.
    expect(saga.steps.map((s: { status: string }) => s.status)).toEqual(["compensated", "compensated", "compensated", "pending"]);
    const trail = await outcomes(body.saga_id, "process_payment");
    expect(trail.at(-1)).toBe("compensation:compensated");
    const { events } = await get(`/api/sagas/${body.saga_id}/events`);
    const undone = events.find(
      (e: { phase: string; outcome: string; step: string }) => e.step === "process_payment" && e.outcome === "compensated",
    );
    expect(undone.detail).toBe(`Nothing to refund for order ${body.order_id}: its charge never arrived`);
    expect(await ledgerOf(body.order_id)).toEqual([]);
    // The charge, arriving late with the step's own key, is refused: no charge after its refund.
    const late = await fetch(`${server.url}/services/payment/charges`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": `${body.saga_id}:2:action` },
      body: JSON.stringify({ order_id: body.order_id, account_id: "user_1", amount_cents: 10000 }),
    });
    expect(late.status).toBe(409);
    expect((await late.json()).detail).toBe(`The charge of order ${body.order_id} was refunded before it arrived`);
    expect((await get("/balances")).balances.user_1).toBe(1000);
  });

  it("a duplicate delivery of every call: one charge and one refund, one reservation released once", async () => {
    const { body } = await order({
      reserve_inventory: { duplicates: true },
      process_payment: { duplicates: true },
      ship_order: { fail: true },
    });
    expect(body.status).toBe("failed");
    expect(body.steps.map((s: { status: string }) => s.status)).toEqual(["compensated", "compensated", "compensated", "failed"]);
    expect(await ledgerOf(body.order_id)).toEqual(["charge -10000", "refund 10000"]);
    expect((await get("/balances")).balances.user_1).toBe(1000);
    expect((await get("/inventory")).inventory.product_1).toBe(100);
  });

  it("refuses a boundary fault that is not a count, in FastAPI's shape, and stores nothing", async () => {
    const { status, body } = await order({ process_payment: { lost_answers: -1 } });
    expect(status).toBe(422);
    expect(body.detail[0]).toMatchObject({ loc: ["body", "simulation", "faults", "process_payment", "lost_answers"] });
    expect(await get("/orders")).toEqual([]);
  });
});

describe("a compensation that keeps failing", () => {
  it("leaves the saga in compensation_failed, listed for an operator, until a retry finishes it", async () => {
    const { status, body } = await order({
      ship_order: { fail: true },
      process_payment: { compensation_failures: SERVICE_RETRY.attempts },
    });
    expect(status).toBe(201);
    expect(body.status).toBe("compensation_failed");
    const stuck = await get(`/sagas/${body.saga_id}`);
    expect(stuck.error).toBe("refund_payment failed: Injected compensation failure (attempt 6) (gave up after 6 attempts)");
    expect(stuck.steps.map((s: { status: string }) => s.status)).toEqual(["completed", "completed", "compensation_failed", "failed"]);
    expect((await get(`/orders/${body.order_id}`)).status).toBe("compensation_failed");
    // Not refunded yet, and the stock the order still holds is not released either: nothing is invented.
    expect((await get("/balances")).balances.user_1).toBe(900);
    expect((await get("/inventory")).inventory.product_1).toBe(98);
    expect((await get("/sagas?status=compensation_failed")).map((s: { id: string }) => s.id)).toEqual([body.saga_id]);

    const retried = await fetch(`${server.url}/sagas/${body.saga_id}/retry`, { method: "POST" });
    expect(retried.status).toBe(200);
    const after = await retried.json();
    expect(after.status).toBe("failed");
    expect(after.steps.map((s: { status: string }) => s.status)).toEqual(["compensated", "compensated", "compensated", "failed"]);
    expect(after.steps[2].compensation_attempts).toBe(SERVICE_RETRY.attempts + 1); // the run's six that failed, and the retry's first
    // Cleanly failed: the saga says why it compensated, and the refunded step carries no error any more.
    expect(after.error).toBe("Injected failure");
    expect(after.steps.map((s: { error_message: string | null }) => s.error_message)).toEqual([null, null, null, "Injected failure"]);
    expect((await get("/balances")).balances.user_1).toBe(1000);
    expect((await get("/inventory")).inventory.product_1).toBe(100);
    expect(await get("/api/sagas?status=compensation_failed")).toEqual([]);
  });

  it("an operator's retry of a step stuck undoing a charge in doubt ends the saga with why it failed: the charge's lost answers", async () => {
    const { body } = await order({
      process_payment: { lost_answers: SERVICE_RETRY.attempts, compensation_failures: SERVICE_RETRY.attempts },
    });
    const stuck = await until("the refund to give up", async () => {
      const saga = await get(`/sagas/${body.saga_id}`);
      return saga.status === "compensation_failed" && saga;
    });
    expect(stuck.steps.map((s: { status: string }) => s.status)).toEqual(["completed", "completed", "compensation_failed", "pending"]);
    const retried = await fetch(`${server.url}/sagas/${body.saga_id}/retry`, { method: "POST" });
    expect(retried.status).toBe(200);
    const after = await retried.json();
    expect(after.status).toBe("failed");
    expect(after.error).toBe(
      `${"The payment service's answer to POST /charges was lost on its way back (the connection dropped)"} (gave up after ${SERVICE_RETRY.attempts} attempts)`,
    );
    expect(await ledgerOf(body.order_id)).toEqual(["charge -10000", "refund 10000"]);
    expect((await get("/balances")).balances.user_1).toBe(1000);
  });

  it("refuses to retry a saga that is not stuck, or does not exist", async () => {
    const { body } = await order({});
    const notStuck = await fetch(`${server.url}/sagas/${body.saga_id}/retry`, { method: "POST" });
    expect(notStuck.status).toBe(409);
    expect(await notStuck.json()).toEqual({ detail: "Only a saga in compensation_failed can be retried; this one is completed" });
    const missing = await fetch(`${server.url}/api/sagas/nope/retry`, { method: "POST" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Saga not found" });
  });

  it("rejects an unknown status filter with a 422", async () => {
    const response = await fetch(`${server.url}/sagas?status=stuckish`);
    expect(response.status).toBe(422);
    expect((await response.json()).detail[0]).toMatchObject({ type: "enum", loc: ["query", "status"] });
  });
});
