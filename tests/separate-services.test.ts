// A service in a process of its own, with a database of its own (SAGA_ROLE=payment), started the way
// the README's "Beyond one machine" starts it (`npm start`), and the orchestrator pointed at it
// (SAGA_PAYMENT_URL): the saga's charges land in that process's database, and when the process is
// killed mid-saga the saga waits (its breaker open) until the service is back, then charges once.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from "vitest";
import { startServer, type TestServer } from "./server";
import { until } from "./wait";

let payment: TestServer;
let orchestrator: TestServer;

const startPayment = (again?: TestServer) =>
  startServer({
    launch: "npm start",
    env: { SAGA_ROLE: "payment" },
    ...(again ? { port: again.port, databaseUrl: again.databaseUrl } : {}),
  });

beforeAll(async () => {
  payment = await startPayment();
  orchestrator = await startServer({
    // One failure opens the breaker, for 6 s: a saga that finds the service down waits for it in
    // steps of 6 s, six attempts in all, which leaves the test half a minute to start it again.
    env: { SAGA_PAYMENT_URL: payment.url, SAGA_BREAKER_FAILURES: "1", SAGA_BREAKER_COOLDOWN_SECONDS: "6" },
  });
}, 180_000);
afterAll(async () => {
  await orchestrator?.stop();
  await payment?.stop();
});
beforeEach(async () => {
  // The orchestrator's reset resets every service's data, the payment process's too.
  expect((await fetch(`${orchestrator.url}/reset`, { method: "POST" })).status).toBe(200);
});

const json = async (url: string) => (await fetch(url)).json();

/** The charges and refunds of an order in a payment service's own ledger. */
async function ledgerAt(server: TestServer, orderId: string): Promise<string[]> {
  const entries = (await json(`${server.url}/services/payment/ledger`)) as { order_id: string; kind: string; amount_cents: number }[];
  return entries.filter((entry) => entry.order_id === orderId).map(({ kind, amount_cents }) => `${kind} ${amount_cents}`);
}

async function order(simulation: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await fetch(`${orchestrator.url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100, simulation }),
  });
  return { status: response.status, body: await response.json() };
}

describe("a service in a process of its own", () => {
  it("serves that service alone, and nothing else of the app", async () => {
    expect((await fetch(`${payment.url}/health`)).status).toBe(200);
    for (const path of ["/orders", "/balances", "/services/inventory/stock", "/"]) {
      const response = await fetch(`${payment.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ detail: "Not Found" });
    }
    const accounts = (await json(`${payment.url}/services/payment/accounts`)) as { account_id: string; balance_cents: number }[];
    expect(accounts.find((account) => account.account_id === "user_1")?.balance_cents).toBe(100_000);
  });

  it("keeps the saga's charges in its own database: the orchestrator reads the balance from it", async () => {
    const { status, body } = await order();
    expect(status).toBe(201);
    expect(body.status).toBe("completed");
    expect(await ledgerAt(payment, body.order_id)).toEqual(["charge -10000"]);
    // The orchestrator's own copy of the payment service (it serves one by default) saw nothing.
    expect(await ledgerAt(orchestrator, body.order_id)).toEqual([]);
    expect((await json(`${orchestrator.url}/balances`)).balances.user_1).toBe(900);
  });

  it("counts a lost answer and a duplicate delivery at the service: one charge each time", async () => {
    const lost = await order({ faults: { process_payment: { lost_answers: 1 } } });
    expect(lost.body.status).toBe("completed");
    const twice = await order({ faults: { process_payment: { duplicates: true } } });
    expect(twice.body.status).toBe("completed");
    expect(await ledgerAt(payment, lost.body.order_id)).toEqual(["charge -10000"]);
    expect(await ledgerAt(payment, twice.body.order_id)).toEqual(["charge -10000"]);
    expect((await json(`${orchestrator.url}/balances`)).balances.user_1).toBe(800);
  });

  it("killed mid-saga: the saga waits behind the open breaker until the service is back, then charges once", async () => {
    await payment.stop("SIGKILL");
    onTestFailed(async () => {
      // Whatever failed, the next tests find the service up.
      if (
        !(await fetch(`${payment.url}/health`).then(
          (r) => r.ok,
          () => false,
        ))
      )
        payment = await startPayment(payment);
    });
    const { status, body } = await order({}, { prefer: "respond-async" });
    expect(status).toBe(202);
    const events = async () =>
      (
        (await json(`${orchestrator.url}/api/sagas/${body.saga_id}/events`)).events as {
          step: string;
          outcome: string;
          error: string | null;
        }[]
      ).filter((event) => event.step === "process_payment");
    // Refused at the door: the breaker opens, and the saga waits for its cool-down.
    const refused = await until("the payment step to find its service down", async () =>
      (await events()).find((event) => event.outcome === "retrying"),
    );
    // Refused, or closed under it: a connection the orchestrator had kept open to the killed process.
    expect(refused.error).toMatch(/^The payment service did not answer POST \/charges: (ECONNREFUSED|ECONNRESET)$/);
    const seen = (await json(`${orchestrator.url}/api/services`)).services.find((s: { name: string }) => s.name === "payment");
    expect(seen).toMatchObject({ health: "down", breaker: "open" });

    payment = await startPayment(payment);
    const saga = await until("the saga to complete", async () => {
      const now = await json(`${orchestrator.url}/sagas/${body.saga_id}`);
      return now.status !== "processing" && now;
    });
    expect(saga.status).toBe("completed");
    expect(await ledgerAt(payment, body.order_id)).toEqual(["charge -10000"]);
    expect((await json(`${orchestrator.url}/balances`)).balances.user_1).toBe(900);
    const after = (await json(`${orchestrator.url}/api/services`)).services.find((s: { name: string }) => s.name === "payment");
    expect(after).toMatchObject({ health: "up", breaker: "closed" });
  });
});

describe("the orchestrator killed between a service's commit and its own record", () => {
  // A relay between the orchestrator and the payment service: it sees every charge request, and once
  // armed, SIGKILLs the orchestrator as the service's answer comes back, before the orchestrator hears it
  // (but not before the test has the orchestrator's 202 in full: the saga reaches its charge in a few ms).
  const charges: { key: string; replayed: string | null }[] = [];
  let killOnAnswer = false;
  let accepted: Promise<void> = Promise.resolve();
  let relay: http.Server;
  let relayUrl = "";
  let killed: TestServer | undefined;

  beforeAll(async () => {
    relay = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name]) => !["host", "connection", "content-length"].includes(name)),
      );
      const upstream = await fetch(`${payment.url}${req.url}`, {
        method: req.method,
        headers: headers as Record<string, string>,
        body: req.method === "GET" ? undefined : Buffer.concat(chunks),
      }).catch(() => undefined);
      const body = upstream && (await upstream.arrayBuffer().then(Buffer.from, () => undefined));
      if (!upstream || !body) return void res.destroy(); // the service is down: so is the relay's answer
      if (req.url === "/services/payment/charges") {
        charges.push({ key: String(req.headers["idempotency-key"]), replayed: upstream.headers.get("idempotent-replayed") });
        if (killOnAnswer) {
          killOnAnswer = false;
          await accepted;
          killed = orchestrator;
          await orchestrator.stop("SIGKILL");
          res.destroy();
          return;
        }
      }
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(body);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    await orchestrator.stop();
    orchestrator = await startServer({ env: { SAGA_PAYMENT_URL: relayUrl, SAGA_REPLICA_ID: "orchestrator-under-test" } });
  }, 120_000);
  afterAll(() => new Promise<void>((resolve) => relay?.close(() => resolve())));

  it("asks again with the same key after the restart: the service answers its charge, and charges once", async () => {
    let markAccepted!: () => void;
    accepted = new Promise((resolve) => (markAccepted = resolve));
    killOnAnswer = true;
    const { status, body } = await order({}, { prefer: "respond-async" }).finally(() => markAccepted());
    expect(status).toBe(202);
    await until("the orchestrator to be killed as the charge's answer comes back", () => killed !== undefined);
    // The service committed the charge; the orchestrator never recorded it.
    expect(await ledgerAt(payment, body.order_id)).toEqual(["charge -10000"]);

    orchestrator = await startServer({
      databaseUrl: killed!.databaseUrl,
      env: { SAGA_PAYMENT_URL: relayUrl, SAGA_REPLICA_ID: "orchestrator-under-test" },
    });
    const saga = await until("the resumed saga to end", async () => {
      const now = await json(`${orchestrator.url}/sagas/${body.saga_id}`);
      return !["pending", "processing"].includes(now.status) && now;
    });
    expect(saga.status).toBe("completed");
    // The same request twice, with the step's key: the second answered from the service's record.
    const mine = charges.filter((charge) => charge.key === `${body.saga_id}:2:action`);
    expect(mine).toEqual([
      { key: `${body.saga_id}:2:action`, replayed: "false" },
      { key: `${body.saga_id}:2:action`, replayed: "true" },
    ]);
    expect(await ledgerAt(payment, body.order_id)).toEqual(["charge -10000"]);
    expect((await json(`${orchestrator.url}/balances`)).balances.user_1).toBe(900);
  });
});
