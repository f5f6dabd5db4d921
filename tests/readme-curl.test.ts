/**
 * The README's curl examples, run as a reader pastes them: every ```bash block that calls the API on
 * localhost:8000 runs top to bottom against a test server, and every request it makes is answered 2xx
 * (an id pasted as a placeholder, "{order_id}", would be a 404). The live event stream's block
 * (`curl -N`) is left out: it follows a stream rather than ending.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./server";

const readme = fs.readFileSync(path.resolve(import.meta.dirname, "..", "README.md"), "utf8");
// Fenced blocks, indented ones (inside a list) included, with their indentation removed.
const blocks = [...readme.matchAll(/^( *)```bash\n([\s\S]*?)^\1```/gm)].map(([, indent, body]) =>
  body.replace(new RegExp(`^${indent}`, "gm"), ""),
);
const curlBlocks = blocks.filter((block) => /\bcurl\b[^\n]*localhost:8000/.test(block) && !/\bcurl -N\b/.test(block));

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

/** Runs a block with bash, stopping at the first failing command; each curl's response headers land in a file of their own. */
function run(block: string) {
  const headersDir = fs.mkdtempSync(path.join(os.tmpdir(), "readme-curl-"));
  const script = [
    "set -euo pipefail",
    // Quiet progress meters, and every response's status line kept for the test.
    `curl() { command curl -sS -D "$(mktemp -p ${JSON.stringify(headersDir)})" "$@"; }`,
    block.replaceAll("http://localhost:8000", server.url).replaceAll("localhost:8000", server.url),
  ].join("\n");
  const result = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 60_000 });
  const statuses = fs
    .readdirSync(headersDir)
    .map((file) => fs.readFileSync(path.join(headersDir, file), "utf8"))
    .map((headers) => Number(/^HTTP\/[\d.]+ (\d{3})/.exec(headers)?.[1]));
  fs.rmSync(headersDir, { recursive: true, force: true });
  return { ...result, statuses };
}

describe("README curl examples", () => {
  it("finds the curl section's block and the failure injection's", () => {
    expect(curlBlocks.length).toBeGreaterThanOrEqual(2);
    expect(curlBlocks[0]).toContain("# 1. Happy path");
  });

  curlBlocks.forEach((block, index) => {
    const title = block.split("\n")[0].replace(/^# /, "");
    it(`block ${index + 1} ("${title}") runs as pasted, every answer 2xx`, async () => {
      await fetch(`${server.url}/reset`, { method: "POST" });
      const calls = block.match(/\bcurl\b/g)!.length;
      const { status, stdout, stderr, statuses } = run(block);
      expect(status, `${stderr}\n${stdout}`).toBe(0);
      expect(statuses, stdout).toHaveLength(calls);
      for (const code of statuses) expect(code, stdout).toBeGreaterThanOrEqual(200);
      for (const code of statuses) expect(code, stdout).toBeLessThan(300);
    });
  });

  it("the demo world block orders in a world of its own: its stock moves, the shared world's does not", async () => {
    await fetch(`${server.url}/reset`, { method: "POST" });
    const block = curlBlocks.find((b) => b.startsWith("# A world of your own"));
    const { stdout } = run(block!);
    expect(stdout).toContain('{"inventory":{"product_1":98,"product_2":50,"product_3":25}}');
    expect(stdout).toContain('"world":"private","orders":1');
    expect(await (await fetch(`${server.url}/inventory`)).json()).toEqual({ inventory: { product_1: 100, product_2: 50, product_3: 25 } });
  });

  it("the curl section looks up the shipping failure by its real ids: its order, failed and compensated", async () => {
    await fetch(`${server.url}/reset`, { method: "POST" });
    const { stdout } = run(curlBlocks[0]);
    expect(stdout).toContain('"error_message":"Shipping address invalid"');
    expect(stdout).toMatch(/"status":"compensated"/);
  });
});
