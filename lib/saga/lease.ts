/**
 * Leases: with several replicas on one database, each saga is driven by one process at a time. The
 * process that records or claims a saga holds its lease (owner, expiry); every transition it commits
 * checks that it still holds it and extends it, and a heartbeat extends it while a step takes its time.
 * A saga whose lease has expired (its process died, or paused past it) is claimed by another process,
 * by a conditional update that only one can win; the old holder's next commit then finds the lease gone
 * and stops without writing.
 */
import os from "node:os";
import type { Database, Tx } from "../db/client";
import type { Reader } from "./definition";
import { inFlightSagaStatuses } from "./status";

function leaseSeconds(): number {
  const value = Number(process.env.SAGA_LEASE_SECONDS ?? 10);
  return Number.isFinite(value) && value > 0 ? value : 10;
}

/** How long a lease lasts without a commit or a heartbeat (SAGA_LEASE_SECONDS, default 10). */
export function leaseMs(): number {
  return leaseSeconds() * 1000;
}

/**
 * This process's name as a lease holder: SAGA_REPLICA_ID, or the host's name and the process id (two
 * processes on one host are two holders; a container's process is pid 1, so a restarted container is
 * the same holder). A replica restarted under the same name holds its sagas again at once; another
 * waits for their expiry.
 */
export function leaseOwner(): string {
  return process.env.SAGA_REPLICA_ID || `${os.hostname()}:${process.pid}`;
}

export function leaseUntil(now = Date.now()): Date {
  return new Date(now + leaseMs());
}

type Writer = Pick<Tx, "saga">;

/**
 * Claims a saga in flight for this process: when nobody holds it, its lease has expired, or this process
 * holds it already (`force`: whoever holds it, for SQLite, where one process has the file). True when
 * this process now holds it.
 */
export async function claimSaga(tx: Writer, sagaId: string, force = false): Promise<boolean> {
  const now = new Date();
  const claimed = await tx.saga.updateMany({
    where: {
      id: sagaId,
      status: { in: [...inFlightSagaStatuses] },
      ...(force ? {} : { OR: [{ leaseOwner: null }, { leaseOwner: leaseOwner() }, { leaseExpiresAt: { lt: now } }] }),
    },
    data: { leaseOwner: leaseOwner(), leaseExpiresAt: leaseUntil(now.getTime()) },
  });
  return claimed.count === 1;
}

/** Extends this process's lease on a saga; false when it no longer holds it. */
export async function renewLease(tx: Writer, sagaId: string): Promise<boolean> {
  const renewed = await tx.saga.updateMany({ where: { id: sagaId, leaseOwner: leaseOwner() }, data: { leaseExpiresAt: leaseUntil() } });
  return renewed.count === 1;
}

/**
 * Sagas in flight that this process may claim now, oldest first: all of them (`all`, SQLite's start-up:
 * one process has the file), or, for the periodic recovery, the first thousand that nobody holds (the
 * next round takes the rest).
 */
export async function claimableSagaIds(read: Reader, all = false): Promise<string[]> {
  const rows = await read.saga.findMany({
    where: {
      status: { in: [...inFlightSagaStatuses] },
      ...(all ? {} : { OR: [{ leaseOwner: null }, { leaseOwner: leaseOwner() }, { leaseExpiresAt: { lt: new Date() } }] }),
    },
    orderBy: { createdAt: "asc" },
    select: { id: true },
    ...(all ? {} : { take: 1_000 }),
  });
  return rows.map((row) => row.id);
}

/** At shutdown: this process's sagas in flight are free for the other replicas at once. */
export async function releaseLeases(tx: Writer): Promise<void> {
  await tx.saga.updateMany({
    where: { leaseOwner: leaseOwner(), status: { in: [...inFlightSagaStatuses] } },
    data: { leaseOwner: null, leaseExpiresAt: null },
  });
}

/**
 * With other replicas about, keeps this process's lease on a saga while its run takes its time (a slow
 * service, a long backoff): renewed every third of the lease (every commit extends it too). When the
 * lease is found gone, `lost` is told why, once: another process holds the saga now ("taken"), or a
 * reset removed it ("gone"). Returns the function that stops the heartbeat.
 */
export function keepLease(db: Database, sagaId: string, lost: (why: "taken" | "gone") => void): () => void {
  let told = false;
  const timer = setInterval(() => {
    if (told) return;
    db.write(
      async (tx) => (await renewLease(tx, sagaId)) || ((await tx.saga.count({ where: { id: sagaId } })) === 0 ? "gone" : "taken"),
    ).then(
      (held) => {
        if (held === true || told) return;
        told = true;
        lost(held);
      },
      // A fault of the database: the next beat tries again (the lease outlasts two missed beats).
      () => undefined,
    );
  }, leaseMs() / 3);
  timer.unref();
  return () => clearInterval(timer);
}
