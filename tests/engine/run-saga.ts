// Starts and runs one saga of the remote toy definition in a process of its own, as the app's server
// would, so that a test can kill it at a chosen moment (SIGKILL: no shutdown handler, no last write).
// Run with jiti: node jiti-cli.mjs this-file <saga id>.
import { closeDatabase, database } from "../../lib/db/client";
import { runSaga, startSaga } from "../../lib/saga";
import { registerSagas } from "../../lib/saga/registry";
import { remote, toy } from "./toy-saga";

registerSagas([toy, remote]);
const id = process.argv[2];
await database();
const started = await startSaga({ id, definition: remote, subjectId: id, subject: { id }, options: {} });
const status = await runSaga(started);
await closeDatabase();
console.log(status);
