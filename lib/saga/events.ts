/**
 * The saga event log as a feed. Writers call `publish` after a transaction commits. One `EventTail` per
 * process then reads the new rows from the database, once per commit however many streams are open,
 * and hands them to every listener: what a browser sees is exactly what is committed (rows read back,
 * never a copy of what a writer meant to write), and a reconnecting stream resumes from its last id.
 */
import { EventEmitter } from "node:events";
import type { Database } from "../db/client";
import type { Reader } from "./definition";
import type { EventOutcome, EventPhase } from "./status";

/** A row of the event log, with the subject of its saga (the order, for the order saga). */
export interface SagaEventRow {
  id: number;
  sagaId: string;
  subjectId: string;
  /** Its saga's scope (the order saga's: its demo world). */
  scope: string;
  position: number | null;
  step: string | null;
  phase: EventPhase;
  outcome: EventOutcome;
  error: string | null;
  /** The service's log line, for a completed action or compensation. */
  detail: string | null;
  /** What a service answered the attempt (JSON of Heard), if it was called and answered. */
  call: string | null;
  createdAt: Date;
}

/** A commit that wrote events, or a reset of one scope's sagas. */
export type FeedSignal = { type: "event"; sagaId: string } | { type: "reset"; scope: string };

const globalForFeed = globalThis as unknown as {
  sagaStudioFeed?: EventEmitter;
  sagaStudioRelay?: { send?: (signal: FeedSignal) => void; connected: WeakSet<object> };
};
const feed = (globalForFeed.sagaStudioFeed ??= new EventEmitter().setMaxListeners(0));
const relay = (globalForFeed.sagaStudioRelay ??= { connected: new WeakSet() });

/** Tells this process's live streams that something committed (and, through the relay, every other replica's). */
export function publish(signal: FeedSignal): void {
  feed.emit("signal", signal);
  relay.send?.(signal);
}

/**
 * Joins the live streams of every replica on the same database (PostgreSQL's NOTIFY, lib/db/postgres.ts):
 * what one publishes wakes the others' tails, which then read the events from the table. Only ids and
 * scopes travel. Nothing to do on SQLite.
 */
export function connectRelay(db: Pick<Database, "relay">): void {
  const channel = db.relay;
  if (!channel || relay.connected.has(channel)) return;
  relay.connected.add(channel);
  relay.send = (signal) => channel.send(JSON.stringify(signal));
  channel.listen((message) => {
    try {
      const signal = JSON.parse(message) as FeedSignal;
      if (signal.type === "event" || signal.type === "reset") feed.emit("signal", signal);
    } catch {
      // not ours: ignored
    }
  });
}

export function subscribe(listener: (signal: FeedSignal) => void): () => void {
  feed.on("signal", listener);
  return () => feed.off("signal", listener);
}

/** How many events one read of the log takes at most (a longer backlog is read in pages of this size). */
export const EVENT_PAGE = 500;

/** Events after `afterId`, oldest first: of one saga, of one scope's sagas, or of all sagas. */
export async function eventsAfter(
  read: Reader,
  afterId: number,
  of: { sagaId?: string; scope?: string } = {},
  limit = EVENT_PAGE,
): Promise<SagaEventRow[]> {
  const rows = await read.sagaEvent.findMany({
    where: {
      id: { gt: afterId },
      ...(of.sagaId === undefined ? {} : { sagaId: of.sagaId }),
      ...(of.scope === undefined ? {} : { saga: { scope: of.scope } }),
    },
    orderBy: { id: "asc" },
    take: limit,
    include: { saga: { select: { subjectId: true, scope: true } } },
  });
  return rows.map(({ saga, ...row }) => ({
    ...row,
    subjectId: saga.subjectId,
    scope: saga.scope,
    phase: row.phase as EventPhase,
    outcome: row.outcome as EventOutcome,
  }));
}

/** The newest event id, so a dashboard stream can start from "now". */
export async function latestEventId(read: Reader): Promise<number> {
  const newest = await read.sagaEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true } });
  return newest?.id ?? 0;
}

export interface TailListener {
  /** New rows, oldest first, each delivered once. */
  rows(rows: SagaEventRow[]): void;
  /** The sagas of `scope` were removed (a reset). */
  reset(scope: string): void;
}

// Another process may write to the same database (a restarted server's last sagas, a test): the tail
// also looks every so often, without a signal.
const POLL_MS = 2_000;
// Commits in quick succession are read together: a read (and a push to every stream) at most this
// often. With hundreds of streams open, the pushes, not the reads, are what costs; this bounds them
// while keeping a transition well within 100 ms of the browser (with 500 streams open: 40 ms here
// gave a p50 of 72 ms from commit to stream, 15 ms gives 45, at the same order latency).
const COALESCE_MS = 15;

/**
 * Follows the end of the event log for every listener of this process: one read per commit at most
 * (commits within COALESCE_MS share one), however many streams listen. It runs only while someone
 * listens.
 */
class EventTail {
  private readonly listeners = new Set<TailListener>();
  private cursor: number | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private stop: (() => void) | undefined;

  constructor(private readonly read: Reader) {}

  /**
   * Resolves once the tail knows where the log ends, so that a listener that reads its own backlog
   * afterwards misses nothing: what it reads reaches at least there, and everything later is pushed.
   */
  async subscribe(listener: TailListener): Promise<() => void> {
    this.listeners.add(listener);
    if (!this.stop) this.begin();
    const unsubscribe = () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.end();
    };
    try {
      await this.started;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  private started: Promise<void> = Promise.resolve();

  private timer: ReturnType<typeof setTimeout> | undefined;

  /** A commit happened: read within COALESCE_MS, together with whatever else commits meanwhile. */
  private soon(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.wake();
    }, COALESCE_MS);
  }

  private begin(): void {
    const unsubscribe = subscribe((signal) => {
      if (signal.type === "reset") {
        for (const listener of [...this.listeners]) listener.reset(signal.scope);
        this.wake();
      } else {
        this.soon();
      }
    });
    const poll = setInterval(() => this.wake(), POLL_MS);
    poll.unref?.();
    this.stop = () => {
      unsubscribe();
      clearInterval(poll);
    };
    this.started = latestEventId(this.read).then((id) => {
      this.cursor ??= id;
    });
    this.started.then(() => this.wake()).catch(() => this.end());
  }

  private end(): void {
    this.stop?.();
    this.stop = undefined;
    this.cursor = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private wake(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readNew()
      .catch(() => {
        // The database is unavailable for now (GET /health says why); the next commit or poll tries again.
      })
      .finally(() => {
        this.reading = undefined;
        if (this.again && this.stop) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async readNew(): Promise<void> {
    this.again = false;
    if (this.cursor === undefined) return; // not started yet: `begin` wakes it once it knows where to start
    for (;;) {
      const rows: SagaEventRow[] = await eventsAfter(this.read, this.cursor);
      if (rows.length === 0 || !this.stop) return;
      this.cursor = rows[rows.length - 1].id;
      for (const listener of [...this.listeners]) listener.rows(rows);
      if (rows.length < EVENT_PAGE) return;
    }
  }
}

const globalForTails = globalThis as unknown as { sagaStudioTails?: WeakMap<Reader, EventTail> };
const tails = (globalForTails.sagaStudioTails ??= new WeakMap());

/** The process's tail of the event log read through `read`. */
export function eventTail(read: Reader): EventTail {
  let tail = tails.get(read);
  if (!tail) {
    tail = new EventTail(read);
    tails.set(read, tail);
  }
  return tail;
}
