// The API docs in a browser: Swagger UI at /docs and ReDoc at /redoc render the OpenAPI document,
// offline: every request the page makes goes to this server (no CDN, no validator badge, no fonts).
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/** Records every request the page makes; the returned function lists those that left this origin. */
function watchOrigins(page: Page, baseURL: string): () => string[] {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  // A blob: or data: URL the page made itself (ReDoc's search worker) is not a request to anywhere.
  const local = (url: string) => url.startsWith(`${baseURL}/`) || url.startsWith(`blob:${baseURL}/`) || url.startsWith("data:");
  return () => urls.filter((url) => !local(url));
}

test("/docs renders Swagger UI with the operations, from this server only", async ({ page, baseURL }) => {
  const elsewhere = watchOrigins(page, baseURL!);
  await page.goto("/docs");
  await expect(page).toHaveTitle("Saga Studio - Swagger UI");
  await expect(page.getByRole("heading", { name: /Saga Studio/ }).first()).toBeVisible();

  const createOrder = page.locator(".opblock-post").filter({ has: page.locator('.opblock-summary-path[data-path="/orders"]') });
  await expect(createOrder.locator(".opblock-summary-method")).toHaveText("POST");
  await expect(createOrder).toContainText("Create a new order and execute its saga");
  // Open it: the documented bodies (the seed's scenarios among them) and answers are there.
  await createOrder.locator(".opblock-summary-control").click();
  await expect(createOrder.getByText("Request body", { exact: true })).toBeVisible();
  await expect(createOrder.locator("select").filter({ hasText: "Happy path" }).first()).toBeVisible();
  for (const status of ["201", "202", "422"]) await expect(createOrder.locator(`tr.response[data-code="${status}"]`)).toBeVisible();

  expect(elsewhere()).toEqual([]);
});

test("/redoc renders ReDoc with the operations, from this server only", async ({ page, baseURL }) => {
  const elsewhere = watchOrigins(page, baseURL!);
  await page.goto("/redoc");
  await expect(page).toHaveTitle("Saga Studio - ReDoc");
  await expect(page.getByRole("heading", { level: 1, name: /Saga Studio/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Create a new order and execute its saga" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Get saga transaction details" })).toBeVisible();
  await expect(page.getByText("API docs by Redocly")).toBeVisible();
  expect(elsewhere()).toEqual([]);
});

test("the header links the API docs and ReDoc", async ({ page }) => {
  await page.goto("/workflow");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "ReDoc" })).toHaveAttribute("href", "/redoc");
  await nav.getByRole("link", { name: "API docs" }).click();
  await expect(page).toHaveURL("/docs");
  await expect(page).toHaveTitle("Saga Studio - Swagger UI");
});
