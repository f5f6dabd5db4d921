import { expect, test } from "./fixtures";

test("the home page loads and names the saga's steps", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Saga Studio" })).toBeVisible();
  await expect(page.getByText("validate_order")).toBeVisible();
});
