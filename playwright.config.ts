// Browser tests against the production server, as `npm start` serves it (the standalone server.js the
// Docker image runs, built into $NEXT_DIST_DIR when stale), with its own fresh database.
// Debian's Chromium where it is installed (these machines cannot download Playwright's browser);
// Playwright's own browser elsewhere (a laptop with `npx playwright install`).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 8123);
const baseURL = `http://127.0.0.1:${port}`;
const systemChromium = "/usr/bin/chromium";
const chromiumFlags = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // The journeys share one server and its demo data (they reset it): one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: fs.existsSync(systemChromium) ? { executablePath: systemChromium, args: chromiumFlags } : {},
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: "node scripts/start.mjs",
    url: `${baseURL}/health`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(port),
      DATABASE_URL: `file:${path.join(os.tmpdir(), `saga-studio-e2e-${process.pid}-${Date.now()}.db`)}`,
      SAGA_DELAY_SCALE: "1",
      LOG_LEVEL: "ERROR",
      // Every journey makes a world of its own, all from 127.0.0.1: more than a visitor's budget.
      SAGA_WORLDS_PER_MINUTE: "10000",
    },
  },
});
