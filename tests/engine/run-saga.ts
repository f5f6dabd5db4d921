// Runs one saga in a process of its own, as a replica of the app would, so that a test can kill it at
// a chosen moment (SIGKILL: no shutdown handler, no last write). Run with jiti: node jiti-cli.mjs this-file <saga id>.
import { closeDatabase } from "../../lib/db/client";
import { runSaga } from "../../lib/saga/orchestrator";
import { registerSagas } from "../../lib/saga/registry";
import { remote, toy } from "./toy-saga";

registerSagas([toy, remote]);
const status = await runSaga(process.argv[2]);
await closeDatabase();
console.log(status);
