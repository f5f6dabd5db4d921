// Every test file gets a database file of its own and, unless it asks otherwise, no simulated delays.
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";

process.env.DATABASE_URL = `file:${path.join(os.tmpdir(), `saga-studio-test-${randomUUID()}.db`)}`;
process.env.SAGA_DELAY_SCALE ??= "0";
process.env.LOG_LEVEL ??= "WARNING";
