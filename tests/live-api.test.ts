// The UI's half of the API: starting a saga without waiting, and following its event log live.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { SAGA_DELAY_SCALE: "1" } });
});
afterAll(() => server.stop());
beforeEach(async () => {
  await fetch(`${server.url}/reset`, { method: "POST" });
});

interface StreamEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

/**
 * Opens a stream of Server-Sent Events: resolves once the server has answered (a stream then misses
 * nothing committed later), with `events`, which reads until `until` says stop (or the time runs out),
 * then closes the stream.
 */
async function openStream(path: string, until: (events: StreamEvent[]) => boolean, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const response = await fetch(`${server.url}${path}`, { headers: { accept: "text/event-stream", ...headers }, signal: controller.signal });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  return { events: readEvents(response, until, controller, timer) };
}

async function readEvents(
  response: Response,
  until: (events: StreamEvent[]) => boolean,
  controller: AbortController,
  timer: ReturnType<typeof setTimeout>,
) {
  const events: StreamEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split("\n")
            .filter((line) => line && !line.startsWith(":"))
            .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]),
        );
        if (fields.data !== undefined)
          events.push({ id: Number(fields.id ?? 0), event: fields.event ?? "message", data: JSON.parse(fields.data) });
      }
      if (until(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

/** Reads Server-Sent Events until `until` says stop (or the time runs out), then closes the stream. */
async function readStream(path: string, until: (events: StreamEvent[]) => boolean, headers: Record<string, string> = {}) {
  return (await openStream(path, until, headers)).events;
}

const finished = (events: StreamEvent[]) =>
  events.some((e) => e.data.phase === "saga" && ["completed", "failed"].includes(String(e.data.outcome)));

async function startAsync(body: Record<string, unknown>) {
  const response = await fetch(`${server.url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json", prefer: "respond-async" },
    body: JSON.stringify(body),
  });
  return { response, body: await response.json() };
}

describe("Prefer: respond-async", () => {
  it("answers 202 before the saga has finished, with the ids and where to follow it; the saga then runs to the end", async () => {
    // At a quarter of the speed the saga takes some 2 s: the answer, and a look at the saga after it,
    // come long before its end (a server that waited for the saga would show it finished here).
    const { response, body } = await startAsync({
      user_id: "user_1",
      product_id: "product_1",
      quantity: 2,
      amount: 100,
      simulation: { speed: 0.25 },
    });
    expect(response.status).toBe(202);
    expect((await (await fetch(`${server.url}/sagas/${body.saga_id}`)).json()).status).toBe("processing");
    expect(response.headers.get("location")).toBe(`/api/sagas/${body.saga_id}`);
    expect(response.headers.get("preference-applied")).toBe("respond-async");
    expect(body).toMatchObject({ status: "pending", links: { events: `/api/sagas/${body.saga_id}/events` } });
    const events = await readStream(`/api/sagas/${body.saga_id}/events`, finished);
    expect(events.at(-1)?.data).toMatchObject({ phase: "saga", outcome: "completed" });
    const saga = await (await fetch(`${server.url}/sagas/${body.saga_id}`)).json();
    expect(saga.status).toBe("completed");
    expect(await (await fetch(`${server.url}/inventory`)).json()).toMatchObject({ inventory: { product_1: 98 } });
  });

  it("still validates the body first: a bad order is a 422 and starts nothing", async () => {
    const { response } = await startAsync({ user_id: "user_1", product_id: "product_1", quantity: 0, amount: 100 });
    expect(response.status).toBe(422);
    expect(await (await fetch(`${server.url}/orders`)).json()).toEqual([]);
  });

  it("rejects a simulation speed out of range with a 422", async () => {
    const { response, body } = await startAsync({
      user_id: "user_1",
      product_id: "product_1",
      quantity: 1,
      amount: 1,
      simulation: { speed: 0 },
    });
    expect(response.status).toBe(422);
    expect(body.detail[0].loc).toEqual(["body", "simulation", "speed"]);
  });
});

describe("a saga's event stream", () => {
  it("delivers every transition of a compensating saga in order, and the JSON log agrees", async () => {
    const { body } = await startAsync({ user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 });
    const events = await readStream(`/api/sagas/${body.saga_id}/events`, finished);
    const steps = events.filter((e) => e.data.phase !== "saga").map((e) => `${e.data.step}:${e.data.outcome}`);
    expect(steps).toEqual([
      "validate_order:running",
      "validate_order:completed",
      "reserve_inventory:running",
      "reserve_inventory:completed",
      "process_payment:running",
      "process_payment:completed",
      "ship_order:running",
      "ship_order:failed",
      "process_payment:compensating",
      "process_payment:compensated",
      "reserve_inventory:compensating",
      "reserve_inventory:compensated",
      "validate_order:compensating",
      "validate_order:compensated",
    ]);
    const log = (await (await fetch(`${server.url}/api/sagas/${body.saga_id}/events`)).json()).events;
    expect(events.map((e) => e.data)).toEqual(log);
  });

  it("resumes after Last-Event-ID without losing or repeating an event", async () => {
    const { body } = await startAsync({ user_id: "user_1", product_id: "product_2", quantity: 1, amount: 10, simulation: { speed: 0.5 } });
    const path = `/api/sagas/${body.saga_id}/events`;
    const first = await readStream(path, (events) => events.length >= 4);
    const rest = await readStream(path, finished, { "last-event-id": String(first.at(-1)!.id) });
    const ids = [...first, ...rest].map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const log = (await (await fetch(`${server.url}${path}`)).json()).events;
    expect(ids).toEqual(log.map((e: { id: number }) => e.id));
  });

  it("answers 404 for an unknown saga", async () => {
    const response = await fetch(`${server.url}/api/sagas/nope/events`, { headers: { accept: "text/event-stream" } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: "Saga not found" });
  });
});

describe("the dashboard stream", () => {
  it("carries every saga's transitions as they commit, and resets", async () => {
    // Once the server has answered, the stream misses nothing that commits later.
    const reading = (await openStream("/api/events", (events) => events.some((e) => e.event === "reset"))).events;
    const { body } = await startAsync({ user_id: "user_2", product_id: "product_3", quantity: 1, amount: 5 });
    await readStream(`/api/sagas/${body.saga_id}/events`, finished);
    await fetch(`${server.url}/reset`, { method: "POST" });
    const events = await reading;
    const forSaga = events.filter((e) => e.data.saga_id === body.saga_id);
    expect(forSaga[0].data).toMatchObject({ phase: "saga", outcome: "pending", order_id: body.order_id });
    expect(forSaga.at(-1)?.data).toMatchObject({ phase: "saga", outcome: "completed" });
    expect(events.at(-1)?.event).toBe("reset");
  });
});
