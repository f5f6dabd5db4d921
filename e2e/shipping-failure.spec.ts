import { expect, resetDemo, test } from "./fixtures";
import {
  batchOf,
  expectFinalStatus,
  openDashboard,
  placeScenario,
  recordStepTransitions,
  statusesByStep,
  stepTransitions,
} from "./dashboard";

test("shipping failure: the payment is refunded, then the inventory released, then the validation", async ({ page, request }, testInfo) => {
  await resetDemo(request);
  await openDashboard(page);
  await recordStepTransitions(page);
  const timelineHeight = () =>
    page.getByRole("region", { name: "Live saga" }).evaluate((element) => element.getBoundingClientRect().height);
  const idleHeight = await timelineHeight();

  // 0.25x: a step lasts 400 ms, long enough to be rendered on its own, and a compensation to be photographed.
  await placeScenario(page, "shipping-failure", "0.25x");
  await page.getByRole("region", { name: "Live saga" }).scrollIntoViewIfNeeded();
  // waitForSelector polls in the page, so it catches a compensation however briefly it is on screen.
  await page.waitForSelector("[data-testid^='step-'][data-status='compensating']");
  await page.screenshot({ path: testInfo.outputPath("compensating.png") });
  expect(await timelineHeight(), "no layout jump while compensating").toBe(idleHeight);
  // The refund shows on user_3's balance as it commits (the payment's compensation comes first).
  await expect(page.getByTestId("balance-user_3-change")).toHaveText("+$50.00 refund");

  await expectFinalStatus(page, "failed", "Shipping address invalid");
  expect(await timelineHeight(), "no layout jump at the end").toBe(idleHeight);
  const transitions = await stepTransitions(page);
  expect(statusesByStep(transitions)).toEqual({
    validate_order: ["running", "completed", "compensating", "compensated"],
    reserve_inventory: ["running", "completed", "compensating", "compensated"],
    process_payment: ["running", "completed", "compensating", "compensated"],
    ship_order: ["running", "failed"],
  });
  // ship_order failed, then process_payment, reserve_inventory and validate_order were compensated, in that order.
  const failed = batchOf(transitions, "ship_order", "failed");
  const chain = ["process_payment", "reserve_inventory", "validate_order"].flatMap((step) => [
    batchOf(transitions, step, "compensating"),
    batchOf(transitions, step, "compensated"),
  ]);
  expect(failed).toBeLessThanOrEqual(chain[0]);
  for (let i = 1; i < chain.length; i++) {
    // A step's own two transitions are a compensation's duration apart; one step's end and the next's start may share a commit.
    if (i % 2 === 1) expect(chain[i]).toBeGreaterThan(chain[i - 1]);
    else expect(chain[i]).toBeGreaterThanOrEqual(chain[i - 1]);
  }

  await expect(page.getByTestId("step-ship_order-note")).toHaveText(/Shipping address invalid/);
  await expect(page.getByTestId("step-process_payment")).toContainText("Refund payment");
  await expect(page.getByTestId("step-reserve_inventory")).toContainText("Release inventory");
  await expect(page.getByTestId("stock-product_1")).toHaveText("100");
  await expect(page.getByTestId("balance-user_3")).toHaveText("$200.00");
});
