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

test("insufficient funds: payment fails, then the reservation and the validation are compensated in reverse", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await recordStepTransitions(page);

  // 0.25x: a step lasts 400 ms, long enough to be rendered on its own even on a busy machine.
  await placeScenario(page, "insufficient-funds", "0.25x");
  await expectFinalStatus(page, "failed", "Insufficient funds");

  const transitions = await stepTransitions(page);
  expect(statusesByStep(transitions)).toEqual({
    validate_order: ["running", "completed", "compensating", "compensated"],
    reserve_inventory: ["running", "completed", "compensating", "compensated"],
    process_payment: ["running", "failed"],
    ship_order: [],
  });
  // Reverse order: nothing is undone before the failure, and each compensation ends before the next starts.
  expect(batchOf(transitions, "process_payment", "failed")).toBeLessThanOrEqual(batchOf(transitions, "reserve_inventory", "compensating"));
  expect(batchOf(transitions, "reserve_inventory", "compensated")).toBeLessThanOrEqual(
    batchOf(transitions, "validate_order", "compensating"),
  );

  await expect(page.getByTestId("step-process_payment-note")).toHaveText(/Insufficient funds/);
  await expect(page.getByTestId("step-reserve_inventory")).toContainText("Release inventory");
  await expect(page.getByTestId("step-ship_order")).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("stock-product_1")).toHaveText("100");
  await expect(page.getByTestId("balance-user_3")).toHaveText("$200.00");
});
