/**
 * The shared test fixture: every page a test opens is watched for console errors and failed
 * requests, and the test fails if any appeared ("no console errors" is part of the contract).
 * Each test acts in a demo world of its own, as a visitor does: `request` is the page's (the same
 * cookies), and the world is made (POST /world) before the test starts, so the page and the test's
 * API calls see the same orders, stock and balances.
 */
import { test as base, expect } from "@playwright/test";

export const test = base.extend<{ consoleErrors: string[] }>({
  request: async ({ page }, use) => {
    expect((await page.request.post("/world")).status()).toBe(201);
    await use(page.request);
  },
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      await use(errors);
      expect(errors, "console errors on the page").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Restores the demo data through the API, so each journey starts from the seed's state. */
export async function resetDemo(request: import("@playwright/test").APIRequestContext): Promise<void> {
  const response = await request.post("/reset");
  expect(response.status()).toBe(200);
}
