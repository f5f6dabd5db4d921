import type { APIRequestContext, Page, Route } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { eventLog, shownEventIds, startOrder, type LoggedEvent } from "./timeline";

const sse = (events: LoggedEvent[]) =>
  `retry: 200\n\n${events.map((event) => `id: ${event.id}\nevent: saga\ndata: ${JSON.stringify(event)}\n\n`).join("")}`;

/**
 * Records, per connection of the page's EventSource, the ids of the events it received: what the
 * server sent after a reconnection, before the page's own de-duplication.
 */
async function recordStreamConnections(page: Page): Promise<() => Promise<number[][]>> {
  await page.addInitScript(() => {
    const connections: number[][] = [];
    (window as unknown as { streamConnections: number[][] }).streamConnections = connections;
    const Native = window.EventSource;
    window.EventSource = class extends Native {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        this.addEventListener("open", () => connections.push([]));
        this.addEventListener("saga", (message) => connections.at(-1)?.push(Number((message as MessageEvent).lastEventId)));
      }
    };
  });
  return () => page.evaluate(() => (window as unknown as { streamConnections: number[][] }).streamConnections);
}

/**
 * The first connection to the saga's stream delivers the first events logged and then drops, as a lost
 * network would; every later one reaches the server. With `rewind`, the dropped stream ends by moving
 * the browser's last event id back (an id-only message), so the reconnection asks for events the page
 * already has and the server sends them again.
 */
async function dropFirstConnection(page: Page, request: APIRequestContext, sagaId: string, rewind = false): Promise<void> {
  let first: number[] | null = null;
  await page.route(`**/api/sagas/${sagaId}/events`, async (route: Route) => {
    if (first === null) {
      const events = (await eventLog(request, sagaId)).slice(0, 4);
      first = events.map((event) => event.id);
      const body = sse(events) + (rewind ? `id: ${first[1]}\n\n` : "");
      await route.fulfill({ status: 200, headers: { "content-type": "text/event-stream", "cache-control": "no-cache" }, body });
      return;
    }
    await route.continue();
  });
}

async function expectEveryEventOnce(page: Page, request: APIRequestContext, sagaId: string): Promise<void> {
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed", { timeout: 15_000 });
  const logged = (await eventLog(request, sagaId)).map((event) => event.id);
  await expect(page.getByTestId("event-row")).toHaveCount(logged.length);
  const shown = await shownEventIds(page);
  expect(new Set(shown).size, "no event shown twice").toBe(shown.length);
  expect(
    shown.every((id, i) => i === 0 || id > shown[i - 1]),
    "ids strictly increasing",
  ).toBe(true);
  expect(shown).toEqual(logged);
  // The saga's whole story arrived: every step it ran and every compensation.
  await expect(page.locator("[data-testid=gantt-row][data-kind=compensation]")).toHaveCount(3);
}

test.beforeEach(async ({ request }) => {
  await resetDemo(request);
});

// The seed's shipping failure at a quarter of the speed: about three seconds, with compensations.
const slowFailure = { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50, simulation: { speed: 0.25 } };

test("after a dropped connection the stream resumes after the last event received, losing and repeating none", async ({
  page,
  request,
}) => {
  const connections = await recordStreamConnections(page);
  const { saga_id } = await startOrder(request, slowFailure);
  await dropFirstConnection(page, request, saga_id);
  await page.goto(`/timeline/${saga_id}`);

  await expectEveryEventOnce(page, request, saga_id);
  const [first, second] = await connections();
  expect(first).toHaveLength(4);
  // EventSource sent Last-Event-ID: the server went on from the event after the last one received.
  expect(second[0]).toBe(first[3] + 1);
});

test("events a resumed stream sends again are shown once", async ({ page, request }) => {
  const connections = await recordStreamConnections(page);
  const { saga_id } = await startOrder(request, slowFailure);
  await dropFirstConnection(page, request, saga_id, true);
  await page.goto(`/timeline/${saga_id}`);

  await expectEveryEventOnce(page, request, saga_id);
  const [first, second] = await connections();
  // The server did repeat events the page already had...
  expect(second.slice(0, 2)).toEqual(first.slice(2, 4));
  // ...and the page showed each once (checked above).
});
