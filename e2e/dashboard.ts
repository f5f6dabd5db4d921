/**
 * What the dashboard journeys share: placing one of the seed's scenarios through the UI, and a recorder
 * of the timeline's step transitions. The recorder is a MutationObserver in the page, so it sees every
 * state React renders, however briefly (a saga takes about half a second at 1x), in the order rendered.
 */
import type { Page } from "@playwright/test";
import type { Scenario } from "../lib/orders/scenarios";
import { expect } from "./fixtures";

export type ScenarioId = Scenario["id"];
export type Speed = "1x" | "0.25x" | "0.1x";

/** Each speed's radio button, by the name a person reads: what it does, then the API's factor. */
export const speedNames: Record<Speed, RegExp> = {
  "0.1x": /^Slow motion: about 1 s a step \(speed 0\.1x\)$/,
  "0.25x": /^Slow: 0\.4 s a step \(speed 0\.25x\)$/,
  "1x": /^Real time: 0\.1 s a step \(speed 1x\)$/,
};

/** One rendered transition: the step, its new status, which DOM commit showed it, and when (ms, the page's clock). */
export interface Transition {
  step: string;
  status: string;
  batch: number;
  at: number;
}

export const stepNames = ["validate_order", "reserve_inventory", "process_payment", "ship_order"] as const;

/** Opens the dashboard and waits until it has read the API (the lists fill the form's selects). */
export async function openDashboard(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.getByTestId("stock-product_1")).toBeVisible();
  await expect(page.getByTestId("health")).toHaveAttribute("data-health", "live");
}

/** Starts recording every data-status change of the timeline's steps. */
export async function recordStepTransitions(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: { step: string; status: string; batch: number; at: number }[] = [];
    const last = new Map<string, string>();
    let batch = 0;
    const record = (element: Element) => {
      const id = element.getAttribute("data-testid");
      const status = element.getAttribute("data-status");
      if (!id?.startsWith("step-") || !status) return;
      const step = id.slice("step-".length);
      if (last.get(step) === status) return;
      last.set(step, status);
      log.push({ step, status, batch, at: performance.now() });
    };
    for (const element of document.querySelectorAll("[data-testid^='step-'][data-status]")) {
      const id = element.getAttribute("data-testid") ?? "";
      last.set(id.slice("step-".length), element.getAttribute("data-status") ?? "");
    }
    new MutationObserver((mutations) => {
      batch += 1;
      for (const mutation of mutations) {
        if (mutation.type === "attributes") record(mutation.target as Element);
        for (const node of mutation.addedNodes) {
          if (!(node instanceof Element)) continue;
          record(node);
          node.querySelectorAll("[data-testid^='step-'][data-status]").forEach(record);
        }
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
    (window as unknown as { stepTransitions: typeof log }).stepTransitions = log;
  });
}

export async function stepTransitions(page: Page): Promise<Transition[]> {
  return page.evaluate(() => (window as unknown as { stepTransitions: Transition[] }).stepTransitions);
}

/** Each step's statuses, in the order the timeline showed them. */
export function statusesByStep(transitions: Transition[]): Record<string, string[]> {
  const byStep: Record<string, string[]> = Object.fromEntries(stepNames.map((name) => [name, []]));
  for (const { step, status } of transitions) byStep[step]?.push(status);
  return byStep;
}

/** The DOM commit in which `step` turned `status` (two transitions in one commit share a number). */
export function batchOf(transitions: Transition[], step: string, status: string): number {
  const found = transitions.find((transition) => transition.step === step && transition.status === status);
  expect(found, `${step} never showed ${status}; saw ${JSON.stringify(transitions)}`).toBeDefined();
  return found!.batch;
}

/** Picks a preset and a speed, and submits the form; resolves with the order the browser sent. */
export async function placeScenario(page: Page, scenario: ScenarioId, speed: Speed): Promise<Record<string, unknown>> {
  await page.getByTestId(`scenario-${scenario}`).click();
  await expect(page.getByTestId(`scenario-${scenario}`)).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("radio", { name: speedNames[speed] }).check();
  const request = page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname === "/api/orders");
  await page.getByRole("button", { name: "Place order" }).click();
  return (await request).postDataJSON() as Record<string, unknown>;
}

/** Waits for the live timeline's final status. */
export async function expectFinalStatus(
  page: Page,
  status: "completed" | "failed" | "compensation_failed",
  text: string | RegExp,
): Promise<void> {
  const badge = page.getByTestId("saga-status");
  await expect(badge).toHaveAttribute("data-status", status);
  await expect(badge).toContainText(text);
}
