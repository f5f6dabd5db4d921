// Retries, timeouts and a stuck compensation, as a person sees them: presets inject the failures, the
// timeline shows every attempt, and a stuck saga waits for an operator's retry from the page.
import { SERVICE_RETRY } from "../lib/orders/service-policy";
import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario, recordStepTransitions, statusesByStep, stepTransitions } from "./dashboard";

test("a flaky payment is retried until it succeeds, and the timeline shows each attempt", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await recordStepTransitions(page);
  const sent = await placeScenario(page, "flaky-payment", "1x");
  expect(sent.simulation).toMatchObject({ faults: { process_payment: { transient: 2 } } });
  await expectFinalStatus(page, "completed", "Completed");
  expect(statusesByStep(await stepTransitions(page)).process_payment).toEqual(["running", "completed"]);
  await expect(page.getByTestId("step-process_payment-note")).toHaveText("3 attempts");
  await expect(page.getByTestId("balance-user_1")).toHaveText("$900.00"); // charged once

  await page.getByRole("link", { name: /Open timeline/ }).click();
  const rows = page.getByTestId("event-row");
  await expect(rows.filter({ hasText: "Injected transient failure (attempt 1)" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "Injected transient failure (attempt 2)" })).toHaveCount(1);
  await expect(rows.filter({ hasText: "retrying" })).toHaveCount(2);
  // The Gantt row of the payment: one bar per attempt.
  await expect(page.getByText("3 attempts")).toBeVisible();
});

test("a refund that keeps failing leaves the saga stuck, listed for an operator, until the retry button finishes it", async ({
  page,
  request,
}, testInfo) => {
  await resetDemo(request);
  await openDashboard(page);
  await placeScenario(page, "stuck-refund", "1x");
  await expectFinalStatus(page, "compensation_failed", "Stuck: compensation failed");
  await expect(page.getByTestId("saga-status")).toContainText("refund_payment failed");
  await expect(page.getByTestId("step-process_payment")).toHaveAttribute("data-status", "compensation_failed");
  // Not refunded, not released: nothing is pretended.
  await expect(page.getByTestId("balance-user_3")).toHaveText("$150.00");
  await expect(page.getByTestId("stock-product_1")).toHaveText("99");
  const stuck = page.getByTestId("stuck-sagas");
  await expect(stuck).toContainText("Needs an operator (1)");
  await page.screenshot({ path: testInfo.outputPath("stuck.png"), fullPage: true });

  // The preset's refund fails every attempt of its first round; the retry's first attempt succeeds.
  // The saga is on the live saga card, whose button retries it (the list offers no second one).
  await page.getByRole("region", { name: "Live saga" }).getByRole("button", { name: "Retry compensation" }).click();
  await expect(stuck).toHaveCount(0);
  await expect(page.getByTestId("balance-user_3")).toHaveText("$200.00");
  await expect(page.getByTestId("stock-product_1")).toHaveText("100");
  const sagas = await (await request.get("/sagas?status=compensation_failed")).json();
  expect(sagas).toEqual([]);
});

test("the timeline page of a stuck saga offers the retry too", async ({ page, request }) => {
  await resetDemo(request);
  const placed = await request.post("/orders", {
    data: {
      user_id: "user_3",
      product_id: "product_2",
      quantity: 1,
      amount: 20,
      // the release fails every attempt of its run; the retry's first attempt succeeds
      simulation: { faults: { reserve_inventory: { compensation_failures: SERVICE_RETRY.attempts } } },
    },
  });
  const { saga_id: sagaId, status } = await placed.json();
  expect(status).toBe("compensation_failed");
  await page.goto(`/timeline/${sagaId}`);
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "compensation_failed");
  await page.getByRole("button", { name: "Retry compensation" }).click();
  await expect(page.getByTestId("saga-status")).toHaveAttribute("data-status", "failed");
  expect((await (await request.get("/inventory")).json()).inventory.product_2).toBe(50);
});
