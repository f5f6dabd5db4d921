import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, placeScenario, recordStepTransitions, statusesByStep, stepTransitions } from "./dashboard";

test("happy path: every step runs then completes, in order, and the cards show the change", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);
  await recordStepTransitions(page);

  // 0.25x: a step lasts 400 ms, long enough to be rendered on its own even on a busy machine.
  const sent = await placeScenario(page, "happy-path", "0.25x");
  expect(sent).toEqual({ user_id: "user_1", product_id: "product_1", quantity: 2, amount: 100, simulation: { speed: 0.25 } });

  // The cards move while the saga runs (stock at the reservation, the balance at the payment), each
  // change flashed for a few seconds beside its value.
  await expect(page.getByTestId("stock-product_1")).toHaveText("98");
  await expect(page.getByTestId("stock-product_1-change")).toHaveText("-2");
  await expect(page.getByTestId("balance-user_1")).toHaveText("$900.00");
  await expect(page.getByTestId("balance-user_1-change")).toHaveText("-$100.00");
  await expectFinalStatus(page, "completed", "Completed");
  expect(statusesByStep(await stepTransitions(page))).toEqual({
    validate_order: ["running", "completed"],
    reserve_inventory: ["running", "completed"],
    process_payment: ["running", "completed"],
    ship_order: ["running", "completed"],
  });
  const order = (await stepTransitions(page)).map(({ step, status }) => `${step}:${status}`);
  expect(order.indexOf("validate_order:completed")).toBeLessThan(order.indexOf("reserve_inventory:running"));
  expect(order.indexOf("reserve_inventory:completed")).toBeLessThan(order.indexOf("process_payment:running"));
  expect(order.indexOf("process_payment:completed")).toBeLessThan(order.indexOf("ship_order:running"));

  await expect(page.getByTestId("timeline-link")).toHaveAttribute("href", /^\/timeline\/[0-9a-f-]{36}$/);
});
