import { expect, test } from "./fixtures";

const titles = [
  "Main saga workflow",
  "Detailed service interactions",
  "API endpoints and data flow",
  "Error handling and status transitions",
  "Test scenarios flow",
  "Sequence diagram",
];
const steps = ["validate_order", "reserve_inventory", "process_payment", "ship_order"];

test("the workflow page renders the seed's six diagrams, generated from the saga definition", async ({ page }) => {
  await page.goto("/workflow");
  await expect(page.getByRole("heading", { level: 1, name: "Workflow" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2 })).toHaveText(titles);
  const diagrams = page.getByTestId("mermaid-diagram");
  await expect(diagrams).toHaveCount(6);

  // Mermaid loads only for diagrams on screen: the last one waits until it is scrolled to.
  await expect(diagrams.first()).toHaveAttribute("data-rendered", "true");
  await expect(diagrams.last()).toHaveAttribute("data-rendered", "false");

  for (const [index, title] of titles.entries()) {
    const diagram = diagrams.nth(index);
    await diagram.scrollIntoViewIfNeeded();
    await expect(diagram, title).toHaveAttribute("data-rendered", "true");
    await expect(diagram.locator("svg")).toBeVisible();
    await expect(diagram.getByRole("img")).toHaveAccessibleName(title);
    for (const step of steps) await expect(diagram.locator("svg"), `${title} names ${step}`).toContainText(step);
  }
  // The sequence diagram draws each service apart, called over HTTP with the step's key.
  await expect(diagrams.last().locator("svg")).toContainText(/Payments\s*service/);
  await expect(diagrams.last().locator("svg")).toContainText("POST /services/payment/charges");
  // The compensation chain runs in reverse in the main workflow.
  await expect(diagrams.first().locator("svg")).toContainText("Step 3: Refund payment");
  await expect(page.locator("main").getByRole("alert")).toHaveCount(0);
});

test("the header links the dashboard and the workflow, by keyboard", async ({ page }) => {
  await page.goto("/workflow");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Workflow" })).toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "Dashboard" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL("/");
});

test("the detailed service interactions diagram is drawn at a readable size, fitted to its card", async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto("/workflow");
  const section = page.locator("#service-interactions");
  await section.scrollIntoViewIfNeeded();
  const diagram = section.getByTestId("mermaid-diagram");
  await expect(diagram).toHaveAttribute("data-rendered", "true");
  const label = diagram.locator("svg .nodeLabel").filter({ hasText: "Record Step: RUNNING" }).first();
  await expect(label).toBeVisible();
  // The size a reader sees: the label's font size times the scale the SVG is drawn at.
  const seen = await diagram.locator("svg").evaluate((svg: SVGSVGElement) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const text = svg.querySelector(".nodeLabel")!;
    return { fontPx: parseFloat(getComputedStyle(text).fontSize) * scale, lineHeightPx: text.getBoundingClientRect().height };
  });
  expect(seen.fontPx).toBeGreaterThanOrEqual(13);
  expect(seen.lineHeightPx).toBeGreaterThanOrEqual(13);
  // Nothing is cut off: it fits the card, which does not scroll sideways, and neither does the page.
  const canvas = diagram.getByRole("img");
  expect(await canvas.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
});
