// Every test file gets a database file of its own and, unless it asks otherwise, no simulated delays.
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";

process.env.DATABASE_URL = `file:${path.join(os.tmpdir(), `saga-studio-test-${randomUUID()}.db`)}`;
process.env.SAGA_DELAY_SCALE ??= "0";
// Quiet: the tests provoke failures on purpose, and their log lines would read like alarms. A test that
// looks at the logs sets its own level (the HTTP tests' servers log into the output they capture).
process.env.LOG_LEVEL ??= "SILENT";

// In-process tests have no Next.js server: the services the order saga calls (lib/services) answer on a
// loopback port of this process, over real HTTP, on this file's database. A server a test starts does not
// inherit it (tests/server.ts: inheritedEnv): it serves the services itself.
const { startServicesListener } = await import("../lib/services/listener");
process.env.SAGA_SERVICES_URL = (await startServicesListener()).url;
