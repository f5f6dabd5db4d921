import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { scrape } from "@/lib/saga/metrics";

// Prometheus's text exposition (text/plain; version=0.0.4) of the engine's metrics: see lib/saga/metrics.ts.
export const dynamic = "force-dynamic";

export const GET = handle(async () => {
  const { contentType, body } = await scrape();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
