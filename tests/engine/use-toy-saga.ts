/**
 * What every test file of the engine on its toy saga sets up: the database, the toy definition
 * registered, and before each test a fresh ledger with no failure planted; then `newSaga` records a saga
 * of the toy as the app would (started, to be run from where its start left it), and `run` runs one,
 * from its start when this process started it, else from the database alone, as after a crash.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach } from "vitest";
import { database, type Database } from "../../lib/db/client";
import { runSaga, startSaga, type StartedSaga } from "../../lib/saga";
import type { RunOptions } from "../../lib/saga/options";
import { registerSagas } from "../../lib/saga/registry";
import { ledger, resetLedger } from "./ledger";
import { failAt, toy } from "./toy-saga";

export function useToySaga({ scope }: { scope?: string } = {}) {
  let db: Database | undefined;
  const started = new Map<string, StartedSaga<{ id: string }>>();
  beforeAll(async () => {
    db = await database();
    registerSagas([toy]);
  });
  beforeEach(async () => {
    await resetLedger(await database());
    failAt.step = "";
  });
  return {
    /** The process's database (once the file's set-up has run). */
    get db(): Database {
      if (!db) throw new Error("useToySaga's database is open only inside the tests");
      return db;
    },
    /** What the toy's steps did, in order ("do a", "undo a", ...). */
    ledger: async () => ledger(await database()),
    /** Records a new saga of the toy, its first step begun (and, with the delays off, every step run). */
    async newSaga(options: RunOptions = {}): Promise<string> {
      const id = randomUUID();
      started.set(id, await startSaga({ id, definition: toy, subjectId: `toy-${id}`, subject: { id }, scope, options }));
      return id;
    },
    /** The saga as startSaga left it, for a test that runs it itself. */
    started: (id: string) => started.get(id),
    run: (id: string) => runSaga(started.get(id) ?? id),
  };
}
