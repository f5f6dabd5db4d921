import { expect, resetDemo, test } from "./fixtures";
import { eventLog, placeOrder, renderedDiagram, shownEventIds } from "./timeline";

test("a finished saga's timeline: the order, a bar per step and compensation, the event log in order, the run diagram", async ({
  page,
  request,
}) => {
  await resetDemo(request);
  // The seed's insufficient-funds scenario: payment fails, the reservation and the validation are undone.
  const placed = await placeOrder(request, { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 500 });
  expect(placed.status).toBe("failed");
  const events = await eventLog(request, placed.saga_id);

  await page.goto(`/timeline/${placed.saga_id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Saga timeline" })).toBeVisible();
  await expect(page.getByTestId("order-user")).toHaveText("user_3");
  await expect(page.getByTestId("order-product")).toHaveText("product_1");
  await expect(page.getByTestId("order-quantity")).toHaveText("1");
  await expect(page.getByTestId("order-amount")).toHaveText("$500.00");
  await expect(page.getByTestId("order-status")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
  await expect(page.getByTestId("saga-status")).toContainText("Insufficient funds");

  // A row per step, then a row per compensation in the order it ran (the reverse of the steps).
  const rows = page.getByTestId("gantt-row");
  await expect(rows).toHaveCount(6);
  const described = await rows.evaluateAll((list) =>
    list.map((row) => `${row.getAttribute("data-kind")}:${row.getAttribute("data-step")}:${row.getAttribute("data-status")}`),
  );
  expect(described).toEqual([
    "action:validate_order:completed",
    "action:reserve_inventory:completed",
    "action:process_payment:failed",
    "action:ship_order:pending",
    "compensation:reserve_inventory:compensated",
    "compensation:validate_order:compensated",
  ]);
  await expect(page.locator("[data-testid=gantt-bar][data-kind=action]")).toHaveCount(3);
  await expect(page.locator("[data-testid=gantt-bar][data-kind=compensation]")).toHaveCount(2);
  await expect(rows.nth(2).getByTestId("step-error")).toHaveText("Insufficient funds");
  await expect(rows.nth(4)).toContainText("release_inventory");
  await expect(rows.nth(3)).toContainText("not reached");

  // Every event of the log, in order, exactly once.
  await expect(page.getByTestId("event-row")).toHaveCount(events.length);
  expect(await shownEventIds(page)).toEqual(events.map((event) => event.id));
  const outcomes = await page
    .getByTestId("event-row")
    .evaluateAll((list) => list.map((row) => row.querySelector("[data-status]")?.getAttribute("data-status")));
  expect(outcomes).toEqual(events.map((event) => event.outcome));

  // The run diagram: an SVG whose failed step carries the failed class and its red.
  const diagram = await renderedDiagram(page);
  const failedNode = diagram.locator("svg g.node.failed", { hasText: "process_payment" });
  await expect(failedNode).toHaveCount(1);
  const fill = await failedNode
    .locator("rect, path, polygon")
    .first()
    .evaluate((shape) => getComputedStyle(shape).fill);
  expect(fill).toBe("rgb(254, 226, 226)");
  await expect(diagram.locator("svg g.node.compensated", { hasText: "release_inventory" })).toHaveCount(1);
  await expect(diagram.locator("svg g.node.pending", { hasText: "ship_order" })).toHaveCount(1);
});
