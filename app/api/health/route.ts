import { handle, methodsNotAllowed } from "@/lib/api/handler";
import { jsonResponse } from "@/lib/api/json";
import { checkDatabase, databaseFile } from "@/lib/db/health";
import { logger } from "@/lib/log";

export const dynamic = "force-dynamic";

const log = logger("health");
// Logged when health changes, not at every probe (a load balancer asks every few seconds).
let lastReason: string | undefined;

export const GET = handle(async () => {
  const health = await checkDatabase();
  const reason = health.ok ? undefined : health.reason;
  if (reason !== lastReason) {
    if (reason) log.error(`Unhealthy: ${reason}`, { database: await databaseFile() });
    else log.info("Healthy again");
    lastReason = reason;
  }
  return reason ? jsonResponse({ status: "unhealthy", detail: reason }, { status: 503 }) : jsonResponse({ status: "healthy" });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
