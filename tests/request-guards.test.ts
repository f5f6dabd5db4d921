// What a prober sent, and what it gets now: writes act only in the caller's world, JSON only under a
// JSON type, no cross-site writes from a browser, a slow body answered 408, one reading of the world's
// cookie, a bounded replay of a dashboard stream, and pydantic's words for odd inputs. Each leaves the
// data as it was.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "./http";
import { SERVICE_RETRY } from "../lib/orders/service-policy";
import { startServer, type TestServer } from "./server";

let server: TestServer;
beforeAll(async () => {
  // A body gets a second to arrive; debug logs show how a client's abort is logged.
  server = await startServer({ env: { SAGA_BODY_TIMEOUT_MS: "1000", LOG_LEVEL: "DEBUG", SAGA_WORLDS_PER_MINUTE: "100" } });
}, 60_000);
afterAll(() => server?.stop());

const order = { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 };
const text = JSON.stringify(order);
const stock = async (headers: Record<string, string> = {}) =>
  (await call(server.url, "GET", "/inventory", { headers })).body.inventory.product_1;
const orderCount = async (headers: Record<string, string> = {}) => (await call(server.url, "GET", "/orders", { headers })).body.length;

/** A new private world: the cookie header to act in it. */
async function newWorld(): Promise<Record<string, string>> {
  const made = await call(server.url, "POST", "/world");
  expect(made.status).toBe(201);
  return { cookie: made.headers.getSetCookie()[0].split(";")[0] };
}

describe("an operator's retry", () => {
  it("acts only in the caller's world: another world, or none, gets a 404 and the saga stays stuck", async () => {
    const mine = await newWorld();
    const stuck = await call(server.url, "POST", "/orders", {
      headers: mine,
      json: {
        ...order,
        simulation: { faults: { ship_order: { fail: true }, process_payment: { compensation_failures: SERVICE_RETRY.attempts } } },
      },
    });
    expect(stuck.body.status).toBe("compensation_failed");
    const sagaId = stuck.body.saga_id;

    for (const headers of [{}, await newWorld()]) {
      const refused = await call(server.url, "POST", `/sagas/${sagaId}/retry`, { headers });
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual({ detail: "Saga not found" });
    }
    // Reads by id stay open to whoever has the link; the saga is as it was.
    expect((await call(server.url, "GET", `/sagas/${sagaId}`)).body.status).toBe("compensation_failed");
    expect((await call(server.url, "GET", "/balances", { headers: mine })).body.balances.user_1).toBe(900);

    const retried = await call(server.url, "POST", `/api/sagas/${sagaId}/retry`, { headers: mine });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe("failed");
    expect((await call(server.url, "GET", "/balances", { headers: mine })).body.balances.user_1).toBe(1000);
  });
});

describe("Content-Type, as FastAPI reads it", () => {
  it("refuses JSON sent as text, a form or multipart with FastAPI's 422, and records nothing", async () => {
    const before = { stock: await stock(), orders: await orderCount() };
    for (const type of [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
    ]) {
      const reply = await call(server.url, "POST", "/orders", { raw: text, headers: { "content-type": type } });
      expect(reply.status, type).toBe(422);
      expect(reply.body, type).toEqual({
        detail: [
          {
            type: "model_attributes_type",
            loc: ["body"],
            msg: "Input should be a valid dictionary or object to extract fields from",
            input: text,
          },
        ],
      });
    }
    expect({ stock: await stock(), orders: await orderCount() }).toEqual(before);
  });

  it("takes application/json with a charset, a +json type, and a body with no Content-Type at all", async () => {
    for (const type of ["application/json; charset=utf-8", "application/vnd.api+json", "APPLICATION/JSON"]) {
      expect((await call(server.url, "POST", "/orders", { raw: text, headers: { "content-type": type } })).status, type).toBe(201);
    }
    // A byte body: fetch sends no Content-Type with it.
    const bare = await fetch(`${server.url}/orders`, { method: "POST", body: new TextEncoder().encode(text) });
    expect(bare.status).toBe(201);
    expect((await call(server.url, "POST", "/reset")).status).toBe(200);
  });
});

describe("writes from another site's page", () => {
  it("are refused with a 403 when the browser says so (a form posted cross-site, a script's fetch), and change nothing", async () => {
    const before = { stock: await stock(), orders: await orderCount() };
    const crossSite: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      { "sec-fetch-site": "same-site", origin: "https://other.localhost" },
      // An older browser: no Sec-Fetch-Site, an Origin that is not this server's.
      { origin: "https://evil.example" },
      { origin: "null" },
    ];
    for (const headers of crossSite) {
      const form = await call(server.url, "POST", "/orders", { raw: text, headers: { ...headers, "content-type": "application/json" } });
      expect(form.status, JSON.stringify(headers)).toBe(403);
      expect(form.body.detail).toMatch(/^Cross-site request refused/);
      expect((await call(server.url, "POST", "/reset", { headers })).status).toBe(403);
      expect((await call(server.url, "POST", "/api/world", { headers })).status).toBe(403);
    }
    expect({ stock: await stock(), orders: await orderCount() }).toEqual(before);
  });

  it("go through from the app's own pages and from clients that are not browsers", async () => {
    const host = new URL(server.url).host;
    expect(
      (await call(server.url, "POST", "/orders", { json: order, headers: { "sec-fetch-site": "same-origin", origin: server.url } })).status,
    ).toBe(201);
    expect((await call(server.url, "POST", "/orders", { json: order, headers: { origin: `http://${host}` } })).status).toBe(201);
    expect((await call(server.url, "POST", "/reset", { headers: { "sec-fetch-site": "none" } })).status).toBe(200);
    expect((await call(server.url, "GET", "/orders", { headers: { "sec-fetch-site": "cross-site" } })).status).toBe(200);
  });
});

/** Writes `head` and `body` on a raw socket; resolves with whatever the server answered before closing it. */
function rawRequest(head: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(server.url).port), "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("end", () => resolve(answer));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.write(head + body);
  });
}

describe("a body that does not arrive", () => {
  it("is answered 408 once its time is up, and the connection closed; nothing is recorded", async () => {
    const before = await orderCount();
    const partial = JSON.stringify({ ...order, note: "x".repeat(150) });
    const answer = await rawRequest(
      `POST /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n`,
      partial,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('{"detail":"The request body did not arrive within 1 s"}');
    expect(await orderCount()).toBe(before);
  });

  it("to a service on the app's port is answered 408 there too, before anything reaches the service", async () => {
    const charges = async () => ((await call(server.url, "GET", "/services/payment/ledger")).body as unknown[]).length;
    const before = await charges();
    const answer = await rawRequest(
      `POST /services/payment/charges HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nIdempotency-Key: slow-body\r\nContent-Length: 60000\r\n\r\n`,
      JSON.stringify({ order_id: "slow-body", account_id: "user_1", amount_cents: 100 }),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('{"detail":"The request body did not arrive within 1 s"}');
    expect(await charges()).toBe(before);
  });

  it("whose client gives up is logged at debug level, not as an error", async () => {
    const reading = "Reading the body of POST /api/orders (500 bytes declared)";
    const readingBefore = server.output().split(reading).length;
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(server.url).port), "127.0.0.1", async () => {
        socket.write(
          `POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"user_id":`,
        );
        // Gone once the server has begun to read the body (it says so at debug level).
        const deadline = Date.now() + 15_000;
        while (server.output().split(reading).length === readingBefore && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        socket.destroy();
        socket.on("close", () => resolve());
      });
    });
    const deadline = Date.now() + 15_000;
    while (!server.output().includes("The client closed the connection before its request was read") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(server.output()).toContain("The client closed the connection before its request was read");
    expect(server.output()).not.toMatch(/"level":"error"[^\n]*Unhandled error/);
  });
});

describe("the world's cookie", () => {
  it("is read the same way by the pages and the API, quoted or percent-encoded", async () => {
    const { cookie } = await newWorld();
    const id = cookie.split("=")[1];
    const placed = await call(server.url, "POST", "/orders", { json: order, headers: { cookie } });
    expect(placed.status).toBe(201);
    for (const value of [`"${id}"`, `%${id.charCodeAt(0).toString(16).toUpperCase()}${id.slice(1)}`]) {
      const headers = { cookie: `theme=dark; saga_world=${value}` };
      // The API acts in that world...
      expect((await call(server.url, "GET", "/world", { headers })).body, value).toMatchObject({ world: "private", orders: 1 });
      expect(await stock(headers), value).toBe(98);
      // ...and a page view finds it too: no new world is handed out, and the compare page lists its run.
      const page = await call(server.url, "GET", "/compare", { headers });
      expect(
        page.headers.getSetCookie().filter((set) => set.startsWith("saga_world=")),
        value,
      ).toEqual([]);
      expect(page.text, value).toContain(placed.body.saga_id.slice(0, 8));
    }
  });
});

describe("a dashboard stream resumed from long ago", () => {
  it("is sent a resync instead of the whole history, then what happens next", async () => {
    // More than the window of events in the shared world: each order is a dozen.
    for (let i = 0; i < 120; i++) await call(server.url, "POST", "/orders", { json: { ...order, quantity: 1, amount: 1 } });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/events`, { headers: { "last-event-id": "0" }, signal: controller.signal });
    const reader = response.body!.getReader();
    let received = "";
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(received)) received += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil(/event: resync\nid: \d+\ndata: [^\n]*\n\n/);
    // Its id is where the stream goes on from: the client's Last-Event-ID moves there, so a reconnect
    // resumes from it instead of being sent a resync again.
    const [, resyncId, after] = /event: resync\nid: (\d+)\ndata: \{"after":(\d+)\}/.exec(received)!;
    expect(resyncId).toBe(after);
    expect(Number(resyncId)).toBeGreaterThan(1_000);
    const placed = await call(server.url, "POST", "/orders", { json: { ...order, quantity: 1, amount: 1 } });
    await readUntil(new RegExp(`"saga_id":"${placed.body.saga_id}"`));
    controller.abort();
    // Only the new order's events came: none of the hundred and twenty before it.
    const sagas = new Set([...received.matchAll(/"saga_id":"([0-9a-f-]{36})"/g)].map((match) => match[1]));
    expect([...sagas]).toEqual([placed.body.saga_id]);
    expect((await call(server.url, "POST", "/reset")).status).toBe(200);
  });
});

describe("odd fields of simulation.faults", () => {
  it("refuses a step named __proto__ as it refuses any other unknown step; takes a boolean given as a word as pydantic does, and refuses one it cannot read", async () => {
    const before = await orderCount();
    const proto = await call(server.url, "POST", "/orders", {
      raw: `{"user_id":"user_1","product_id":"product_1","quantity":1,"amount":1,"simulation":{"faults":{"__proto__":{"fail":true}}}}`,
    });
    expect(proto.status).toBe(422);
    expect(proto.body.detail[0]).toMatchObject({ loc: ["body", "simulation", "faults", "__proto__"] });
    const unreadable = await call(server.url, "POST", "/orders", {
      json: { ...order, simulation: { faults: { ship_order: { fail: "maybe" } } } },
    });
    expect(unreadable.status).toBe(422);
    expect(unreadable.body.detail).toEqual([
      {
        type: "bool_parsing",
        loc: ["body", "simulation", "faults", "ship_order", "fail"],
        msg: "Input should be a valid boolean, unable to interpret input",
        input: "maybe",
      },
    ]);
    expect(await orderCount()).toBe(before);
    // "yes" is true to pydantic: shipping fails, and the saga compensates.
    const word = await call(server.url, "POST", "/orders", { json: { ...order, simulation: { faults: { ship_order: { fail: "yes" } } } } });
    expect(word.status).toBe(201);
    expect(word.body.status).toBe("failed");
    // "off" is false: the order completes.
    const off = await call(server.url, "POST", "/orders", { json: { ...order, simulation: { faults: { ship_order: { fail: "off" } } } } });
    expect(off.body.status).toBe("completed");
    expect(await orderCount()).toBe(before + 2);
  });
});
