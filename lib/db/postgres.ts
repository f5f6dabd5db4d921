/**
 * Opens the data layer on PostgreSQL: the same Prisma model API as on SQLite, through the client
 * generated from prisma/postgresql/schema.prisma (the same models) and Prisma's pg adapter.
 *
 * Unlike SQLite's single connection, a pool serves many transactions at once and a plain query never
 * runs inside another's transaction, so `write` needs no queue and `read` is the same client. Several
 * replicas share the database: migrations take an advisory lock (lib/db/migrate-postgres.ts), sagas
 * are leased (lib/saga/lease.ts), and `relay` carries PostgreSQL's NOTIFY between them, so a live
 * stream on one replica wakes when another commits.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { PrismaClient } from "../generated/prisma/client";
import { PrismaClient as PostgresClient } from "../generated/prisma-pg/client";
import { migrationsDir, type DatabaseConfig } from "./config";
import { migratePostgres } from "./migrate-postgres";
import { healthTracker, transactions } from "./transactions";
import type { Database } from "./types";
import { sharedWhilePending } from "./unless-changed";

const CHANNEL = "saga_studio";
// Connections of this process's pool: enough for the transactions and reads a replica runs at once.
const POOL_SIZE = Number(process.env.DATABASE_POOL_SIZE ?? 10);
const RECONNECT_MS = 1_000;
/**
 * A session that sits in an open transaction this long is ended by the server, and its locks with it.
 * No transaction of this app waits on anything but its own statements, so only a replica that froze
 * mid-transaction (a stopped process, a stalled VM) ever reaches it: without it, that replica's row
 * locks would hold every other replica's claim of its sagas for as long as its connection lives.
 */
const IDLE_IN_TRANSACTION_MS = 5_000;

/** A connection of its own that LISTENs, and NOTIFYs; it reconnects when the server drops it. */
function relay(url: string): NonNullable<Database["relay"]> & { close(): Promise<void> } {
  const origin = randomUUID();
  const listeners = new Set<(message: string) => void>();
  let client: pg.Client | undefined;
  let closed = false;

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: url });
    next.on("notification", (note) => {
      if (!note.payload) return;
      const separator = note.payload.indexOf(" ");
      // Its own messages come back too: the local listeners heard them already.
      if (note.payload.slice(0, separator) === origin) return;
      const message = note.payload.slice(separator + 1);
      for (const listener of listeners) listener(message);
    });
    // Once per connection, however it failed (an error event and a rejected query can both report it).
    let retried = false;
    const retry = () => {
      if (retried) return;
      retried = true;
      if (client === next) client = undefined;
      next.end().catch(() => undefined);
      if (!closed) setTimeout(connect, RECONNECT_MS).unref();
    };
    next.on("error", retry);
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
      if (closed) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
    } catch {
      retry();
    }
  };
  void connect();

  return {
    send(message) {
      // A wake-up only (the events are read from the table), so a lost one costs a poll's delay at most.
      client?.query("SELECT pg_notify($1, $2)", [CHANNEL, `${origin} ${message}`]).catch(() => undefined);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}

export async function openPostgres(config: Extract<DatabaseConfig, { provider: "postgresql" }>): Promise<Database> {
  const { url, label } = config;
  await migratePostgres(url, migrationsDir("postgresql"));
  const adapter = new PrismaPg({ connectionString: url, max: POOL_SIZE, idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS });
  // The same models as SQLite's client, generated for PostgreSQL: its model API is the same, call for call.
  const client = new PostgresClient({ errorFormat: "minimal", adapter }) as unknown as PrismaClient;
  await client.$connect();
  const stats = { transactions: 0, commits: 0, statements: 0 };
  const health = healthTracker();
  const notifications = relay(url);

  const write = transactions(client, stats, health);

  return {
    provider: "postgresql",
    replicated: config.replicated,
    file: label,
    fileProblem: () => undefined,
    writeHealth: health.get,
    read: client,
    // One probe at a time, its answer shared by the checks that come meanwhile: each would otherwise
    // be a query and a round trip of its own (SQLite's probe is kept until something commits instead).
    probe: sharedWhilePending(async () => {
      // Writes failed last: on PostgreSQL that is the connection's fault (ended while the process was
      // paused, refused) or a conflict, never a state of the server a transaction would not meet; one of
      // the probe's own that commits says writes work again (and clears the flag, as any write does).
      if (health.get().failing) await write(async () => undefined);
      await client.saga.findFirst({ select: { id: true } });
    }),
    // Other replicas commit without a word this process could check cheaply: always read.
    unlessChanged: (_key, read) => read(),
    write,
    stats,
    relay: notifications,
    async close() {
      await notifications.close();
      await client.$disconnect();
    },
  };
}
