// What an operator sees of the production server: JSON log lines in the seed's wording, Prometheus
// metrics with exact counts, and a health check that tells when the database is gone.
import fs from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { SERVICE_RETRY } from "../lib/orders/service-policy";
import { startServer, type TestServer } from "./server";
import { until } from "./wait";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop("SIGKILL");
  server = undefined;
});

const production = { env: { NODE_ENV: "production" } };

async function placeOrder(body: Record<string, unknown>) {
  const response = await fetch(`${server!.url}/orders`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { order_id: string; saga_id: string; status: string };
}

/** The server's output, parsed: every line that is a JSON object. */
function jsonLines(): Record<string, unknown>[] {
  return server!
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}

/** Output arrives through a pipe, a moment after the answer: waits for a line to show up. */
async function waitForOutput(text: string) {
  await until(`"${text}" in the server's output`, () => server!.output().includes(text)).catch(() => undefined);
  expect(server!.output()).toContain(text); // failing, it shows what the server did write
}

describe("logs", () => {
  it("are JSON lines in the seed's wording, each with the saga and order ids", async () => {
    server = await startServer(production);
    const { saga_id, order_id } = await placeOrder({ user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 });
    await waitForOutput(`Saga ${saga_id} completed successfully`);

    const lines = jsonLines().filter((line) => line.saga_id === saga_id);
    for (const line of lines) {
      expect(line).toMatchObject({ order_id, pid: expect.any(Number), time: expect.any(String) });
      expect(["debug", "info", "warn", "error"]).toContain(line.level);
    }
    const said = (logger: string) => lines.filter((line) => line.logger === logger && line.level === "info").map((line) => line.msg);
    expect(said("orchestrator")).toEqual(
      expect.arrayContaining([`Starting saga ${saga_id} for order ${order_id}`, `Saga ${saga_id} completed successfully`]),
    );
    expect(said("services")).toEqual(expect.arrayContaining(["Reserved 2 units of product_1", "Processed payment of $100.0 for user_1"]));
    expect(lines.find((line) => line.msg === "Reserved 2 units of product_1")).toMatchObject({ step: "reserve_inventory" });
    // Nothing about this saga was written in the text format.
    const textLines = server
      .output()
      .split("\n")
      .filter((line) => line.includes(saga_id) && !line.startsWith("{"));
    expect(textLines).toEqual([]);
  });
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus's text format, read just enough for the tests: one sample a line, comments skipped. */
function parseExposition(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [, name, labelText = "", value] = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, val]) => [key, val]));
      return { name, labels, value: Number(value) };
    });
}

async function scrape(path = "/metrics") {
  const response = await fetch(`${server!.url}${path}`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const text = await response.text();
  const samples = parseExposition(text);
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find(
      (s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
    )?.value;
  /** Every sample of a metric, keyed by the values of the given labels: {"process_payment/retried": 2}. */
  const byLabels = (name: string, ...keys: string[]) =>
    Object.fromEntries(samples.filter((s) => s.name === name).map((s) => [keys.map((key) => s.labels[key]).join("/"), s.value]));
  return { text, value, byLabels };
}

describe("GET /metrics", () => {
  it("counts sagas, attempts, retries and compensations exactly, with a duration per attempt", async () => {
    server = await startServer(production);
    const seed = [
      { user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100 }, // completed
      { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500 }, // insufficient funds
      { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50 }, // shipping fails
      { user_id: "user_1", product_id: "product_1", quantity: 200, amount: 100 }, // insufficient inventory
    ];
    const statuses = [];
    for (const body of seed) statuses.push((await placeOrder(body)).status);
    const order = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 10 };
    statuses.push((await placeOrder({ ...order, simulation: { faults: { process_payment: { transient: 2 } } } })).status);
    const stuckFaults = { ship_order: { fail: true }, process_payment: { compensation_failures: SERVICE_RETRY.attempts } };
    statuses.push((await placeOrder({ ...order, simulation: { faults: stuckFaults } })).status);
    expect(statuses).toEqual(["completed", "failed", "failed", "failed", "completed", "compensation_failed"]);

    const { text, value, byLabels } = await scrape();
    expect(text).toContain("# TYPE step_duration_seconds histogram");
    expect(value("saga_started_total")).toBe(6);
    expect(value("saga_completed_total")).toBe(2);
    expect(value("saga_failed_total")).toBe(3);
    expect(value("saga_stuck_total")).toBe(1);
    expect(value("sagas_stuck")).toBe(1);

    expect(byLabels("step_attempts_total", "step", "outcome")).toEqual({
      "validate_order/completed": 6,
      "reserve_inventory/completed": 5,
      "reserve_inventory/failed": 1, // insufficient inventory
      "process_payment/completed": 4,
      "process_payment/failed": 1, // insufficient funds
      "process_payment/retried": 2, // the flaky payment
      "ship_order/completed": 2,
      "ship_order/failed": 2, // user_3's address, and the injected failure
    });
    expect(byLabels("compensation_attempts_total", "step", "outcome")).toEqual({
      "validate_order/completed": 3,
      "reserve_inventory/completed": 2,
      "process_payment/completed": 1,
      "process_payment/retried": SERVICE_RETRY.attempts - 1, // the stuck refund, before it gives up
      "process_payment/failed": 1,
    });
    expect(byLabels("step_retries_total", "step", "phase")).toEqual({
      "process_payment/action": 2,
      "process_payment/compensation": SERVICE_RETRY.attempts - 1,
    });

    // One observation per attempt, whatever its outcome.
    expect(byLabels("step_duration_seconds_count", "step")).toEqual({
      validate_order: 6,
      reserve_inventory: 6,
      process_payment: 7,
      ship_order: 4,
    });
    expect(byLabels("compensation_duration_seconds_count", "step")).toEqual({
      validate_order: 3,
      reserve_inventory: 2,
      process_payment: 1 + SERVICE_RETRY.attempts, // the refund of the shipping failure, and the stuck one's attempts
    });
    expect(value("step_duration_seconds_bucket", { step: "process_payment", le: "+Inf" })).toBe(7);
    expect(value("step_duration_seconds_sum", { step: "process_payment" })).toBeGreaterThan(0);

    // prom-client's default process metrics, and the same answer under /api.
    expect(value("process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(value("nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect((await scrape("/api/metrics")).value("saga_started_total")).toBe(6);
  });

  it("reads the stuck sagas from the database, so a restart still shows them", async () => {
    server = await startServer(production);
    const { databaseUrl } = server;
    const faults = { ship_order: { fail: true }, process_payment: { compensation_failures: SERVICE_RETRY.attempts } };
    await placeOrder({ user_id: "user_1", product_id: "product_1", quantity: 1, amount: 10, simulation: { faults } });
    await server.stop("SIGTERM");

    server = await startServer({ ...production, databaseUrl });
    const { value } = await scrape();
    expect(value("saga_stuck_total")).toBe(0); // this process has seen none get stuck
    expect(value("sagas_stuck")).toBe(1);
  });
});

describe("GET /health", () => {
  const health = async (path = "/health") => {
    const response = await fetch(`${server!.url}${path}`);
    expect(response.headers.get("content-type")).toBe("application/json");
    return { status: response.status, body: await response.json() };
  };

  it("answers 503 with the reason once the database file is deleted from under the server", async () => {
    server = await startServer(production);
    expect(await health()).toEqual({ status: 200, body: { status: "healthy" } });

    const file = server.databaseUrl.replace(/^file:/, "");
    for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${file}${suffix}`, { force: true });

    const unhealthy = { status: 503, body: { status: "unhealthy", detail: "Database file was removed while the server was running" } };
    expect(await health()).toEqual(unhealthy);
    expect(await health("/api/health")).toEqual(unhealthy);
    await waitForOutput("Unhealthy: Database file was removed while the server was running");
    // The metrics still answer: they are how an operator finds out what happened.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  });

  it("answers 503 when another file has replaced the database", async () => {
    server = await startServer(production);
    const file = server.databaseUrl.replace(/^file:/, "");
    fs.rmSync(file);
    fs.writeFileSync(file, "");
    expect(await health()).toEqual({
      status: 503,
      body: { status: "unhealthy", detail: "Database file was replaced while the server was running" },
    });
  });
});
