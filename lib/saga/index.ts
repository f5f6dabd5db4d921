/**
 * The saga engine: runs any registered saga definition step by step, and compensates in reverse when a
 * step fails. It knows nothing about orders. Its map, one job a file:
 *
 *   definition.ts      what a saga is: steps, each an action and its compensation; failures; retry policies
 *   registry.ts        the definitions this build registers, by name and version
 *   status.ts          the statuses of sagas and steps, and every transition a saga may make
 *   start.ts           starting sagas, in the caller's transaction                      recordSagas, startSaga
 *   runs.ts            one run per saga in this process: claim, load, drive to the end  runSaga, runSagaToEnd
 *   run.ts             one run: the state machine, chaining, the write-ahead commits    SagaRun
 *   chain.ts           chaining: the moves with nothing to wait for, run in the transaction already open
 *   moves.ts           the next move (pure), and what differs between action and compensation
 *   attempt.ts         one attempt's work outside any transaction: check, work, call, timeout, injected faults
 *   policy.ts          backoff, and the one retry policy for faults of the database
 *   claim.ts           taking a saga's lease, or waiting on another replica's
 *   lease.ts           leases and the heartbeat, for several replicas on one database
 *   recovery.ts        resuming sagas left in flight: at start-up, and every few seconds
 *   operator-retry.ts  an operator's retry of a stuck saga                              retrySaga
 *   stepping.ts        step by step: the pause before each move, and an operator's continue
 *   process.ts         process state: the runs, shutdown (drain), waits
 *   store.ts           the engine's tables: its rows, its reads
 *   transition.ts      every change to them: one Transition a transaction, saved in as few calls as it can
 *   events.ts          what the live streams hear
 *   metrics.ts         Prometheus metrics of the engine
 *
 *   pending ──> processing ──(every step completed)──> completed
 *                   │
 *                   └──(a step failed)──> compensating ──(every completed step compensated)──> failed
 *                                              │  ▲
 *                  (a compensation gave up) ───┘  └── operator retry (retrySaga)
 *                                              ▼
 *                                     compensation_failed
 *
 * Callers (lib/orders, the start-up, the tests) import what they need from here.
 */
export { initialStatus, recordSagas, startSaga, type NewSaga, type StartedSaga, type StartSaga } from "./start";
export { runSaga, runSagaToEnd, UnknownDefinitionVersion } from "./runs";
export { retrySaga } from "./operator-retry";
export { resumeInFlightSagas, startRecovery } from "./recovery";
export { drain, isDraining, settleRunningSagas, type RunOutcome } from "./process";
export { backoff } from "./policy";
