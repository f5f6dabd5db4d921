// The part "browser": the dashboard's first-load JavaScript, gzipped, as served.
import http from "node:http";
import zlib from "node:zlib";
import { BUDGETS, verdict } from "../budgets.mjs";
import { agent, send } from "../load.mjs";

/** Every script the page at / loads, as served: their count, their bytes raw and gzipped, and whether Mermaid is among them. */
async function firstLoadJs(url) {
  const { text } = await send(`${url}/`);
  const scripts = [...new Set([...text.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((match) => match[1]))];
  let raw = 0;
  let gzipped = 0;
  let mermaid = false;
  for (const src of scripts) {
    const body = await new Promise((resolve, reject) =>
      http
        .get(`${url}${src}`, { agent }, (response) => {
          const chunks = [];
          response.on("data", (chunk) => chunks.push(chunk));
          response.on("end", () => resolve(Buffer.concat(chunks)));
        })
        .on("error", reject),
    );
    raw += body.length;
    gzipped += zlib.gzipSync(body, { level: 9 }).length;
    if (body.includes("mermaid")) mermaid = true;
  }
  return { scripts: scripts.length, raw, gzipped, mermaid };
}

export default async function browser({ server }) {
  const { mostKb, text } = BUDGETS.firstLoadJs;
  const js = await firstLoadJs(server.url);
  console.log(
    `the dashboard's first-load JavaScript (every script / loads, as served): ${(js.gzipped / 1024).toFixed(0)} kB gzipped, ${(js.raw / 1024).toFixed(0)} kB raw, ${js.scripts} files (budget: ${text}) ${verdict(js.gzipped <= mostKb * 1024)}`,
  );
  console.log(`  Mermaid in it: ${js.mermaid ? "yes (it should load only with a diagram)" : "no, it loads with the first diagram"}`);
}
