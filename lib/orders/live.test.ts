// The live streams share one read per commit: opening more of them costs the database nothing more,
// and every stream still gets every event exactly once, in order.
import { afterEach, beforeEach, expect, it } from "vitest";
import { eventStreamResponse } from "../api/sse";
import { latestEventId } from "../saga/events";
import { allSagasFeed } from "./live";
import { ready } from "./ready";
import { placeOrder, resetDemo } from "./service";

interface OpenStream {
  ids: number[];
  close(): void;
}

async function openStream(): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await eventStreamResponse(new Request("http://test/api/events", { signal: controller.signal }), await allSagasFeed());
  const ids: number[] = [];
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const frames = buffer.split("\n\n");
      buffer = frames.pop()!;
      for (const frame of frames) {
        const id = /^id: (\d+)$/m.exec(frame)?.[1];
        if (id) ids.push(Number(id));
      }
    }
  })();
  return { ids, close: () => controller.abort() };
}

async function until(condition: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const order = { user_id: "user_1", product_id: "product_1", quantity: 1, amount: 1 };
let streams: OpenStream[] = [];

beforeEach(() => resetDemo());
afterEach(() => streams.forEach((stream) => stream.close()));

/** Statements the database ran while `count` orders were placed with `open` streams listening. */
async function statementsWith(open: number, count: number) {
  const db = await ready();
  streams = await Promise.all(Array.from({ length: open }, openStream));
  const first = (await latestEventId(db.read)) + 1;
  // A stream sends events pushed to it only after its backlog: when every stream has shown an order
  // placed now, every backlog has been read (what follows may still hold the tail's one read of it).
  await placeOrder(order);
  const marker = await latestEventId(db.read);
  await until(() => streams.every((stream) => stream.ids.at(-1) === marker));
  const before = db.stats.statements;
  for (let i = 0; i < count; i++) await placeOrder(order);
  const last = await latestEventId(db.read);
  await until(() => streams.every((stream) => stream.ids.at(-1) === last));
  const statements = db.stats.statements - before;
  // Every stream got every event once, in order.
  const expected = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  for (const stream of streams) expect(stream.ids).toEqual(expected);
  streams.forEach((stream) => stream.close());
  return statements;
}

it("costs one read per commit, however many streams are open", async () => {
  const withOne = await statementsWith(1, 10);
  const withHundred = await statementsWith(100, 10);
  // 10 orders commit about 60 transactions; a read per stream per commit would be thousands more.
  expect(withHundred - withOne).toBeLessThan(60);
});
