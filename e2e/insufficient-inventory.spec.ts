import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario, recordStepTransitions, statusesByStep, stepTransitions } from "./dashboard";

test("insufficient inventory: the reservation fails and only the validation is compensated", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await recordStepTransitions(page);

  // 0.25x: a step lasts 400 ms, long enough to be rendered on its own even on a busy machine.
  await placeScenario(page, "insufficient-inventory", "0.25x");
  await expectFinalStatus(page, "failed", "Insufficient inventory");
  expect(statusesByStep(await stepTransitions(page))).toEqual({
    validate_order: ["running", "completed", "compensating", "compensated"],
    reserve_inventory: ["running", "failed"],
    process_payment: [],
    ship_order: [],
  });
  await expect(page.getByTestId("step-reserve_inventory-note")).toHaveText(/Insufficient inventory/);
  await expect(page.getByTestId("stock-product_1")).toHaveText("100");
  await expect(page.getByTestId("balance-user_1")).toHaveText("$1,000.00");
});
