import { expect, resetDemo, test } from "./fixtures";
import { expectFinalStatus, openDashboard, speedNames } from "./dashboard";

test("a keyboard alone can pick a scenario, choose a speed, place the order and back out of a reset", async ({ page, request }) => {
  await resetDemo(request);
  await openDashboard(page);

  await page.getByTestId("scenario-insufficient-funds").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("scenario-insufficient-funds")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("User")).toHaveValue("user_3");

  // The speeds are a radio group: the arrow keys move between them.
  await page.getByRole("radio", { name: speedNames["0.1x"] }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("radio", { name: speedNames["0.25x"] })).toBeChecked();

  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Place order" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expectFinalStatus(page, "failed", "Insufficient funds");

  await page.getByRole("button", { name: "Reset demo" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("button", { name: "Confirm reset" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Reset demo" })).toBeFocused();
  await expect(page.getByTestId("order-row")).toHaveCount(1);
});
