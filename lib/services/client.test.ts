// The orchestrator's client of the services, against the services' handler on a real loopback port:
// a lost answer and a duplicate delivery charge once, a service that does not answer opens its breaker,
// and the breaker closes once the service answers again.
import net, { type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServicesListener, type ServicesListener } from "./listener";
import { newWorldId } from "../world-id";
import { CircuitOpen } from "./breaker";
import { breakerOf, callService, readService, resetService, ServiceUnavailable, type ServiceRequest } from "./client";

let server: ServicesListener;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startServicesListener({ count: true });
  process.env.SAGA_SERVICES_URL = server.url;
  process.env.SAGA_BREAKER_FAILURES = "3";
  process.env.SAGA_BREAKER_COOLDOWN_SECONDS = "1";
});
afterAll(async () => {
  await server.close();
  process.env = saved;
});
afterEach(async () => {
  // Each test starts with closed breakers: a success closes one.
  for (const service of ["inventory", "payment", "shipping"] as const)
    await breakerOf(service).run(
      async () => undefined,
      () => false,
    );
});

const charge = (world: string, extra: Partial<ServiceRequest> = {}): ServiceRequest => ({
  service: "payment",
  path: "charges",
  body: { order_id: "order-1", account_id: "user_1", amount_cents: 1_500 },
  key: "saga-1:2:action",
  world,
  signal: new AbortController().signal,
  ...extra,
});

async function balance(world: string): Promise<number> {
  const response = await fetch(`${server.url}/services/payment/accounts`, { headers: { "saga-world": world } });
  return ((await response.json()) as { account_id: string; balance_cents: number }[]).find((row) => row.account_id === "user_1")!
    .balance_cents;
}

describe("calling a service", () => {
  it("a lost answer: the service charged, the caller heard nothing; the retry with the same key is answered, replayed, and charges nothing more", async () => {
    const world = newWorldId();
    await expect(callService(charge(world, { loseAnswer: true }))).rejects.toBeInstanceOf(ServiceUnavailable);
    expect(await balance(world)).toBe(98_500);
    const retried = await callService(charge(world));
    expect(retried).toMatchObject({ status: 201, replayed: true, body: { order_id: "order-1", status: "charged" } });
    expect(await balance(world)).toBe(98_500);
  });

  it("a duplicate delivery: the service receives the request twice and charges once", async () => {
    const world = newWorldId();
    const before = server.received.get("/services/payment/charges") ?? 0;
    expect(await callService(charge(world, { duplicate: true, key: "saga-2:2:action" }))).toMatchObject({ status: 201 });
    expect(server.received.get("/services/payment/charges")! - before).toBe(2);
    expect(await balance(world)).toBe(98_500);
  });

  it("hears a refusal as an answer: the breaker stays closed", async () => {
    const world = newWorldId();
    for (let i = 0; i < 4; i++) {
      const refused = await callService(
        charge(world, { key: `poor-${i}`, body: { order_id: `o${i}`, account_id: "user_3", amount_cents: 999_999 } }),
      );
      expect(refused).toMatchObject({ status: 402, body: { detail: "Insufficient funds" } });
    }
    expect(breakerOf("payment").state).toBe("closed");
  });

  it("cancels the request at the step's timeout, as a failure of the service", async () => {
    const timeout = new AbortController();
    timeout.abort(Object.assign(new Error("Timed out after 5 ms"), { name: "TransientError" }));
    await expect(callService(charge(newWorldId(), { signal: timeout.signal }))).rejects.toThrow(
      /did not answer POST \/charges in time: Timed out after 5 ms/,
    );
  });
});

describe("a service that does not answer", () => {
  it("opens its breaker after three failures (calls then fail fast), and one answer after the cool-down closes it", async () => {
    const world = newWorldId();
    const port = server.port;
    await server.close();
    for (let i = 0; i < 3; i++)
      await expect(callService(charge(world))).rejects.toThrow(/did not answer POST \/charges: (ECONNREFUSED|ECONNRESET)/);
    expect(breakerOf("payment").state).toBe("open");
    await expect(callService(charge(world))).rejects.toBeInstanceOf(CircuitOpen);

    server = await startServicesListener({ port, count: true });
    await expect.poll(() => breakerOf("payment").state, { timeout: 5_000, interval: 50 }).toBe("half_open");
    expect(await callService(charge(world))).toMatchObject({ status: 201, replayed: false });
    expect(breakerOf("payment").state).toBe("closed");
  });
});

describe("the app's own requests of a service (a reset, its reads)", () => {
  it("give up at the services' timeout when a service takes the request and never answers", async () => {
    // A service that accepts every connection and reads the request, but never writes an answer.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket.on("data", () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    process.env.SAGA_PAYMENT_URL = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    process.env.SAGA_SERVICE_TIMEOUT_SECONDS = "0.3";
    try {
      const reset = resetService("payment", newWorldId());
      await expect(reset).rejects.toBeInstanceOf(ServiceUnavailable);
      await expect(reset).rejects.toThrow(/^The payment service did not answer POST \/reset: .*timeout/);
      await expect(readService("payment", "accounts", newWorldId())).rejects.toBeInstanceOf(ServiceUnavailable);
    } finally {
      delete process.env.SAGA_PAYMENT_URL;
      delete process.env.SAGA_SERVICE_TIMEOUT_SECONDS;
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
