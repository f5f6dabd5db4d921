import { expect, test } from "./fixtures";

// The page answers 200 with the message: Chromium logs "Failed to load resource" for a 404 document,
// and a journey must end without console errors (see app/(runs)/timeline/[sagaId]/page.tsx).
test("an unknown saga id shows 'Saga not found', and no console error", async ({ page }) => {
  await page.goto("/timeline/no-such-saga");
  await expect(page.getByRole("heading", { level: 1, name: "Saga not found" })).toBeVisible();
  await expect(page).toHaveTitle("Saga not found · Saga Studio");
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  // Nothing of a timeline is drawn, and no stream is opened for a saga that does not exist.
  await expect(page.getByTestId("gantt-row")).toHaveCount(0);
  await expect(page.getByTestId("event-row")).toHaveCount(0);
  await page.getByRole("link", { name: "Back to the dashboard" }).click();
  await expect(page).toHaveURL("/");
});

test("a saga id that is not even valid URL text shows 'Saga not found' too, not a server error", async ({ page }) => {
  const response = await page.goto("/timeline/%ZZ");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "Saga not found" })).toBeVisible();
});
