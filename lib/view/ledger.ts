/**
 * A run's movements of stock and money, as signed ledger entries read from its event log: what each
 * completed action took and what each compensation gave back. Summed per account, a run that failed and
 * compensated nets to zero, a completed run shows what the order cost, and a stuck run shows what is
 * still held. Pure and client-safe: the event log says which steps ran, the caller says what each
 * step moves (the order's quantity and amount), so no database is read.
 */
import type { SagaOutline } from "./outline";
import type { LogEvent } from "./replay";

export type MovementKind = "stock" | "money";

/**
 * What a step's action moves: stock in units, money in integer cents (so sums stay exact). Its
 * compensation moves the opposite.
 */
export interface Movement {
  account: string;
  kind: MovementKind;
  delta: number;
}

/** By step name: the movements of the steps that change something (a step with none is left out). */
export type StepEffects = Record<string, Movement[]>;

export interface LedgerEntry {
  /** The event that recorded the movement: the action's `completed` or the compensation's `compensated`. */
  eventId: number;
  at: string;
  step: string;
  phase: "action" | "compensation";
  /** The action's or the compensation's name ("reserve_inventory", "release_inventory"). */
  name: string;
  account: string;
  kind: MovementKind;
  delta: number;
}

export interface LedgerLine {
  account: string;
  kind: MovementKind;
  entries: LedgerEntry[];
  total: number;
}

/**
 * One entry per movement of every action that completed and of its compensation, once compensated. Only
 * those outcomes move anything: a step's writes commit in the same transaction as its outcome, so a
 * running, retried or failed attempt left nothing behind.
 */
export function ledgerEntries(effects: StepEffects, events: readonly LogEvent[], outline: SagaOutline): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  const completed = new Set<number>();
  let lastId = 0;
  for (const event of events) {
    // A stream may deliver an event twice around a reconnect; counting it twice would invent a movement.
    if (event.id <= lastId) continue;
    lastId = event.id;
    if (event.position === null) continue;
    const done = event.phase === "action" && event.outcome === "completed";
    // The undoing of an action that failed in doubt (lib/saga/run.ts) is left out with its action: the
    // log does not say whether it had taken effect, only that it is undone if it had.
    const undone = event.phase === "compensation" && event.outcome === "compensated" && completed.has(event.position);
    if (done) completed.add(event.position);
    if (!done && !undone) continue;
    const step = outline.steps[event.position];
    if (!step) continue;
    for (const movement of effects[step.name] ?? []) {
      entries.push({
        eventId: event.id,
        at: event.created_at,
        step: step.name,
        phase: done ? "action" : "compensation",
        name: done ? step.name : step.compensation,
        account: movement.account,
        kind: movement.kind,
        // `|| 0` keeps a zero movement +0: -0 would print and compare as a different number.
        delta: done ? movement.delta : -movement.delta || 0,
      });
    }
  }
  return entries;
}

/** A movement a service made for an order, as its own records say (GET /api/orders/{order_id}/services). */
export interface ServiceMovement {
  account: string;
  unit: MovementKind;
  delta: number;
  /** A release or a refund: it undoes the order's earlier movement. */
  undoes: boolean;
}

/** What one service holds for the order: its movements, oldest first. */
export interface ServiceRecord {
  service: string;
  movements: ServiceMovement[];
}

/** The service a step calls ("payment" for "POST /services/payment/charges"), if it calls one. */
function serviceOf(endpoint: string | undefined): string | undefined {
  return endpoint ? /\/services\/([^/]+)\//.exec(endpoint)?.[1] : undefined;
}

/**
 * The run's entries from the services' own records rather than from its log: each service's movements
 * for the order, each placed at the event of the log that recorded its step's outcome (an action's
 * `completed`, or its `failed` when it failed in doubt and had taken effect all the same; a
 * compensation's `compensated`). A movement whose event is not in `events` yet (a replay before it, a
 * log behind the service) is left out, so that scrubbing through the run shows what had moved by then.
 */
export function serviceLedgerEntries(records: readonly ServiceRecord[], events: readonly LogEvent[], outline: SagaOutline): LedgerEntry[] {
  const entries: LedgerEntry[] = [];
  for (const { service, movements } of records) {
    const position = outline.steps.findIndex((step) => serviceOf(step.endpoint?.action) === service);
    const step = outline.steps[position];
    if (!step) continue;
    const recorded = (phase: "action" | "compensation", outcomes: string[]) =>
      events.findLast((event) => event.position === position && event.phase === phase && outcomes.includes(event.outcome));
    for (const movement of movements) {
      const phase = movement.undoes ? "compensation" : "action";
      const event = recorded(phase, movement.undoes ? ["compensated"] : ["completed", "failed"]);
      if (!event) continue;
      entries.push({
        eventId: event.id,
        at: event.created_at,
        step: step.name,
        phase,
        name: movement.undoes ? step.compensation : step.name,
        account: movement.account,
        kind: movement.unit,
        delta: movement.delta,
      });
    }
  }
  return entries.sort((a, b) => a.eventId - b.eventId);
}

/** The entries by account: stock lines first, then money, each kind in the order its accounts first moved. */
export function ledgerLines(entries: readonly LedgerEntry[]): LedgerLine[] {
  const lines = new Map<string, LedgerLine>();
  for (const entry of entries) {
    const key = `${entry.kind}\u0000${entry.account}`;
    let line = lines.get(key);
    if (!line) {
      line = { account: entry.account, kind: entry.kind, entries: [], total: 0 };
      lines.set(key, line);
    }
    line.entries.push(entry);
    line.total += entry.delta;
  }
  const all = [...lines.values()];
  return [...all.filter((line) => line.kind === "stock"), ...all.filter((line) => line.kind === "money")];
}

/**
 * Each account of `before` as it stood once the event `eventId` was recorded: for scrubbing through a
 * run, with `before` read from the accounts as they were when it started. Accounts no entry moves keep
 * their value; entries of accounts not in `before` are left out, since there is nothing to add them to.
 */
export function valuesAt(before: Record<string, number>, entries: readonly LedgerEntry[], eventId: number): Record<string, number> {
  const values = { ...before };
  for (const entry of entries) {
    if (entry.eventId <= eventId && Object.hasOwn(values, entry.account)) values[entry.account] += entry.delta;
  }
  return values;
}

/** "-2" / "+2" units, "-$50.00" / "+$1,000.00" from cents; zero has no sign, since nothing moved. */
export function formatDelta(kind: MovementKind, delta: number): string {
  const sign = delta < 0 ? "-" : delta > 0 ? "+" : "";
  const size = Math.abs(Math.round(delta));
  if (kind === "stock") return `${sign}${thousands(size)}`;
  return `${sign}$${thousands(Math.floor(size / 100))}.${String(size % 100).padStart(2, "0")}`;
}

// Written out rather than toLocaleString, so the text is the same in every browser locale and in tests.
function thousands(whole: number): string {
  return String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
