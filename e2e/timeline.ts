/** What the timeline journeys share: placing orders through the API and reading a saga's event log. */
import type { APIRequestContext, Page } from "@playwright/test";
import { expect } from "./fixtures";

export interface OrderBody {
  user_id: string;
  product_id: string;
  quantity: number;
  amount: number;
  simulation?: { speed: number; faults?: Record<string, Record<string, number | boolean>> };
}

export interface LoggedEvent {
  id: number;
  step: string | null;
  phase: string;
  outcome: string;
  error: string | null;
}

/** The seed's POST /orders: answers once the saga has finished. */
export async function placeOrder(
  request: APIRequestContext,
  order: OrderBody,
): Promise<{ order_id: string; saga_id: string; status: string }> {
  const response = await request.post("/orders", { data: order });
  expect(response.status()).toBe(201);
  return response.json();
}

/** Starts an order without waiting for its saga (`Prefer: respond-async`), as the dashboard does. */
export async function startOrder(request: APIRequestContext, order: OrderBody): Promise<{ order_id: string; saga_id: string }> {
  const response = await request.post("/api/orders", { headers: { prefer: "respond-async" }, data: order });
  expect(response.status()).toBe(202);
  return response.json();
}

/** The saga's whole event log, from the JSON variant of the stream's endpoint. */
export async function eventLog(request: APIRequestContext, sagaId: string): Promise<LoggedEvent[]> {
  const response = await request.get(`/api/sagas/${sagaId}/events`);
  expect(response.status()).toBe(200);
  return (await response.json()).events;
}

/** The event ids the page's event log shows, top to bottom. */
export async function shownEventIds(page: Page): Promise<number[]> {
  return page.getByTestId("event-row").evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-event-id"))));
}

/** Scrolls a diagram of the timeline page into view (it renders lazily) and waits for its SVG: the run diagram unless told. */
export async function renderedDiagram(page: Page, card: "Run diagram" | "Sequence diagram" = "Run diagram") {
  const diagram = page.getByRole("region", { name: card }).getByTestId("mermaid-diagram");
  await diagram.scrollIntoViewIfNeeded();
  await expect(diagram).toHaveAttribute("data-rendered", "true");
  await expect(diagram.locator("svg")).toBeVisible();
  return diagram;
}
