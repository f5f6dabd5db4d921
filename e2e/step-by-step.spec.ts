import type { Page } from "@playwright/test";
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario } from "./dashboard";

test("the speeds go down to the API's 0.1x", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  const sent = await placeScenario(page, "happy-path", "0.1x");
  expect(sent.simulation).toMatchObject({ speed: 0.1 });
  await expectFinalStatus(page, "completed", "Completed");
});

/** What the dashboard shows at a pause: the saga's status, each step's, and the stock and balance cards. */
async function expectShown(page: Page, shown: { saga: string; steps: string[]; stock: string; balance: string }) {
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", shown.saga);
  for (const [index, name] of ["validate_order", "reserve_inventory", "process_payment", "ship_order"].entries()) {
    await expect(page.getByTestId(`step-${name}`)).toHaveAttribute("data-status", shown.steps[index]);
  }
  await expect(page.getByTestId("stock-product_1")).toHaveText(shown.stock);
  await expect(page.getByTestId("balance-user_3")).toHaveText(shown.balance);
}

test("step by step, a shipping failure waits on the server before each transition, and the cards show the real stock", async ({
  page,
  request,
}) => {
  await resetDemo(request);
  await openDashboard(page);
  await page.getByLabel("Step by step").check();
  const next = page.getByRole("button", { name: "Next step" });
  const pause = page.getByTestId("step-pause");
  await expect(next).toBeDisabled();
  await expect(pause).toHaveText("The next order waits for a click before each transition");

  const sent = await placeScenario(page, "shipping-failure", "1x");
  expect(sent.simulation).toMatchObject({ step_by_step: true });
  const sagaId = decodeURIComponent((await page.getByTestId("timeline-link").getAttribute("href"))!.split("/").at(-1)!);

  // Before the first click: recorded, pending, waiting before Validate order; nothing taken.
  await expect(pause).toHaveAttribute("data-waiting", "action validate_order");
  await expect(pause).toHaveText(/^Waiting before Validate order · resumes by itself in [45]:\d\d$/);
  await expect(next).toBeEnabled();
  await expectShown(page, { saga: "pending", steps: ["pending", "pending", "pending", "pending"], stock: "100", balance: "$200.00" });

  await next.click();
  await expect(pause).toHaveAttribute("data-waiting", "action reserve_inventory");
  await expect(pause).toHaveText(/^Waiting before Reserve inventory · resumes by itself in /);
  await expectShown(page, { saga: "processing", steps: ["completed", "pending", "pending", "pending"], stock: "100", balance: "$200.00" });

  await next.click();
  await expect(pause).toHaveAttribute("data-waiting", "action process_payment");
  // Reserve inventory completed: the unit is really taken, while the saga waits.
  await expectShown(page, { saga: "processing", steps: ["completed", "completed", "pending", "pending"], stock: "99", balance: "$200.00" });
  await expect(page.getByTestId("stock-product_1-change")).toHaveText("-1");
  // The API says the same (the page's world, by its cookie).
  const saga = await (await request.get(`/api/sagas/${sagaId}`)).json();
  expect(saga).toMatchObject({ status: "processing", waiting: { before: "process_payment", phase: "action" } });
  expect((await (await request.get("/api/inventory")).json()).inventory.product_1).toBe(99);

  await next.click();
  await expect(pause).toHaveAttribute("data-waiting", "action ship_order");
  await expectShown(page, {
    saga: "processing",
    steps: ["completed", "completed", "completed", "pending"],
    stock: "99",
    balance: "$150.00",
  });

  await next.click();
  await expect(pause).toHaveAttribute("data-waiting", "compensation process_payment");
  await expect(pause).toHaveText(/^Waiting before Refund payment · resumes by itself in /);
  await expectShown(page, {
    saga: "compensating",
    steps: ["completed", "completed", "completed", "failed"],
    stock: "99",
    balance: "$150.00",
  });

  await next.click();
  await expect(pause).toHaveAttribute("data-waiting", "compensation reserve_inventory");
  await expectShown(page, {
    saga: "compensating",
    steps: ["completed", "completed", "compensated", "failed"],
    stock: "99",
    balance: "$200.00",
  });

  await next.click();
  await expect(pause).toHaveAttribute("data-waiting", "compensation validate_order");
  await expectShown(page, {
    saga: "compensating",
    steps: ["completed", "compensated", "compensated", "failed"],
    stock: "100",
    balance: "$200.00",
  });
  await expect(page.getByTestId("stock-product_1-change")).toHaveText("+1 released");

  await next.click();
  await expect(pause).toHaveAttribute("data-waiting", "saga failed");
  await expect(pause).toHaveText(/^Waiting before marking the saga failed · /);

  await next.click();
  await expectFinalStatus(page, "failed", "Shipping address invalid");
  await expectShown(page, {
    saga: "failed",
    steps: ["compensated", "compensated", "compensated", "failed"],
    stock: "100",
    balance: "$200.00",
  });
  await expect(next).toBeDisabled();
  expect((await (await request.get(`/api/sagas/${sagaId}`)).json()).waiting).toBeNull();
});

test("the timeline page shows a step-by-step saga's pause, and Continue moves it one transition", async ({ page, request }) => {
  await resetDemo(request);
  const placed = await request.post("/api/orders", {
    data: { user_id: "user_3", product_id: "product_1", quantity: 1, amount: 50, simulation: { step_by_step: true } },
  });
  expect(placed.status()).toBe(202);
  const { saga_id: sagaId } = await placed.json();
  await request.post(`/api/sagas/${sagaId}/continue`);

  await page.goto(`/timeline/${sagaId}`);
  const line = page.getByTestId("pause-line");
  await expect(line).toHaveAttribute("data-waiting", "action reserve_inventory");
  await expect(line).toHaveText(/^Waiting before Reserve inventory · resumes by itself in [45]:\d\d$/);
  await expect(page.getByTestId("order-status")).toHaveAttribute("data-status", "processing");

  await page.getByRole("button", { name: "Continue", exact: true }).click();
  await expect(line).toHaveAttribute("data-waiting", "action process_payment");
  // The log shows the reservation run and complete, and nothing of the payment yet.
  await expect(page.getByTestId("event-row").filter({ hasText: "reserve_inventory" })).toHaveCount(2);
  await expect(page.getByTestId("event-row").filter({ hasText: "process_payment" })).toHaveCount(0);
  expect((await (await request.get("/api/inventory")).json()).inventory.product_1).toBe(99);
});
