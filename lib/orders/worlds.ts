/**
 * Demo worlds: each browser gets products, accounts and orders of its own, so two visitors of one
 * deployment never see each other's orders and one's reset leaves the other's alone. A world is a
 * handful of rows (the world, three products, three accounts), made on its first use; the shared
 * "default" world is the API's without a cookie. A world unused for a while is removed by `sweepWorlds`,
 * never while one of its sagas is in flight.
 */
import { clientAddress, requestedWorld } from "../api/world";
import { positiveSetting } from "../db/config";
import { againIfTaken } from "../db/faults";
import { TooManyRequests } from "../limits";
import { orderEventWrites, type Tx } from "../db/client";
import { logger } from "../log";
import { forgetWorlds, serviceNames } from "../services/client";
import { countInFlight, deleteSagas } from "../saga/store";
import { DEFAULT_WORLD } from "../world-id";
import { demoAccounts, demoProducts } from "./demo-data";
import { ready } from "./ready";

const log = logger("worlds");

export interface WorldSettings {
  /** A private world unused for this long is removed (SAGA_WORLD_IDLE_HOURS, default 24). */
  idleMs: number;
  /** How often the sweep looks for such worlds (SAGA_WORLD_SWEEP_MINUTES, default 10). */
  sweepEveryMs: number;
  /** New worlds one address may make in a minute (SAGA_WORLDS_PER_MINUTE, default 10), counted by each replica. */
  perAddressPerMinute: number;
  /** Orders a private world may hold; a reset empties it (SAGA_WORLD_MAX_ORDERS, default 500). */
  maxOrders: number;
}

/** The limits of private worlds, from the environment; a value that makes no sense stops the start. */
export function worldSettings(env: Record<string, string | undefined> = process.env): WorldSettings {
  return {
    idleMs: positiveSetting(env, "SAGA_WORLD_IDLE_HOURS", 24, false) * 3_600_000,
    sweepEveryMs: positiveSetting(env, "SAGA_WORLD_SWEEP_MINUTES", 10, false) * 60_000,
    perAddressPerMinute: positiveSetting(env, "SAGA_WORLDS_PER_MINUTE", 10, true),
    maxOrders: positiveSetting(env, "SAGA_WORLD_MAX_ORDERS", 500, true),
  };
}

// A world in use has its last_seen_at written at most once a minute; this process remembers when.
const TOUCH_EVERY_MS = 60_000;
// Bounds on what this process remembers (a sweep forgets the worlds it removes; these cap the rest).
const MAX_REMEMBERED_WORLDS = 10_000;
const MAX_REMEMBERED_ADDRESSES = 10_000;

// On globalThis: Next.js bundles the route handlers and instrumentation.ts each with its own copy of a module.
interface Remembered {
  /** Worlds known to exist, with when this process last wrote their last_seen_at (oldest first). */
  touched: Map<string, number>;
  /** Addresses, with when they made their worlds of the last minute. */
  creations: Map<string, number[]>;
  /** Worlds being opened now: a page's first calls (four at once) make and count one world, not four. */
  opening: Map<string, Promise<void>>;
}
const globalForWorlds = globalThis as unknown as { sagaStudioWorlds?: Remembered };
const remembered: Remembered = (globalForWorlds.sagaStudioWorlds ??= { touched: new Map(), creations: new Map(), opening: new Map() });

/** What this process remembers of worlds and addresses (for the tests: it must stay bounded). */
export function rememberedSizes(): { worlds: number; addresses: number } {
  return { worlds: remembered.touched.size, addresses: remembered.creations.size };
}

/** Counts a new world against its address's budget for the minute; TooManyRequests past it. */
function admit(address: string, now: number, settings: WorldSettings): void {
  const recent = (remembered.creations.get(address) ?? []).filter((at) => now - at < 60_000);
  if (recent.length >= settings.perAddressPerMinute) {
    const retryAfter = Math.max(1, Math.ceil((recent[0] + 60_000 - now) / 1000));
    throw new TooManyRequests(
      `Too many new demo worlds from this address: at most ${settings.perAddressPerMinute} a minute. Try again in ${retryAfter} s.`,
      retryAfter,
    );
  }
  recent.push(now);
  remembered.creations.delete(address);
  remembered.creations.set(address, recent);
  if (remembered.creations.size > MAX_REMEMBERED_ADDRESSES) {
    for (const [key, times] of remembered.creations) {
      if (times.every((at) => now - at >= 60_000)) remembered.creations.delete(key);
    }
    // Still too many (a flood of fresh addresses): forget the oldest.
    for (const key of remembered.creations.keys()) {
      if (remembered.creations.size <= MAX_REMEMBERED_ADDRESSES) break;
      remembered.creations.delete(key);
    }
  }
}

function remember(world: string, now: number): void {
  remembered.touched.delete(world);
  remembered.touched.set(world, now);
  if (remembered.touched.size > MAX_REMEMBERED_WORLDS) remembered.touched.delete(remembered.touched.keys().next().value!);
}

/** A new world's rows, seeded with the demo data, in the caller's transaction. */
async function createWorld(tx: Tx, world: string, at: Date): Promise<void> {
  await tx.world.create({
    data: {
      id: world,
      createdAt: at,
      lastSeenAt: at,
      products: { create: demoProducts.map(({ id, name }) => ({ id, name, updatedAt: at })) },
      accounts: { create: demoAccounts.map(({ id, name }) => ({ id, name, updatedAt: at })) },
    },
    select: { id: true },
  });
}

/**
 * Makes sure a private world exists before a request acts in it: on its first use it is made, seeded
 * (and counted against `address`'s budget of new worlds: TooManyRequests past it); after that its
 * last_seen_at is brought up to date, at most once a minute.
 */
export async function openWorld(world: string, address: string, settings = worldSettings()): Promise<void> {
  if (world === DEFAULT_WORLD) return;
  const touched = remembered.touched.get(world);
  if (touched !== undefined && Date.now() - touched < TOUCH_EVERY_MS) return;
  let opening = remembered.opening.get(world);
  if (!opening) {
    opening = touchOrCreate(world, address, touched, settings).finally(() => remembered.opening.delete(world));
    remembered.opening.set(world, opening);
  }
  return opening;
}

async function touchOrCreate(world: string, address: string, touched: number | undefined, settings: WorldSettings): Promise<void> {
  const now = Date.now();
  const db = await ready();
  if (touched === undefined && !(await db.read.world.findUnique({ where: { id: world }, select: { id: true } }))) {
    admit(address, now, settings);
  }
  const touch = () =>
    db.write(async (tx) => {
      const at = new Date(now);
      if ((await tx.world.updateMany({ where: { id: world }, data: { lastSeenAt: at } })).count > 0) return false;
      await createWorld(tx, world, at);
      return true;
    });
  // Another replica may make the same world at the same moment: touched again, it is there now.
  const created = await againIfTaken(touch);
  if (created) log.info("Made a new demo world", { world: world.slice(0, 6) });
  remember(world, now);
}

/** The request's world, ready to act in (a private world is made on its first use: 429 past the budget). */
export async function worldOf(request: Request): Promise<string> {
  const world = requestedWorld(request);
  await openWorld(world, clientAddress(request));
  return world;
}

/** Makes a new private world now (POST /world), counted against the address's budget. */
export async function newWorld(world: string, address: string, settings = worldSettings()): Promise<void> {
  admit(address, Date.now(), settings);
  const db = await ready();
  await db.write((tx) => createWorld(tx, world, new Date()));
  remember(world, Date.now());
}

/** What the header and GET /world tell about a world: shared or private, its orders and its limits. */
export async function describeWorld(world: string, settings = worldSettings()) {
  const db = await ready();
  const orders = (await db.read.world.findUnique({ where: { id: world }, select: { orderCount: true } }))?.orderCount ?? 0;
  const shared = world === DEFAULT_WORLD;
  return {
    world: shared ? ("shared" as const) : ("private" as const),
    orders,
    max_orders: shared ? null : settings.maxOrders,
    removed_after_idle_hours: shared ? null : settings.idleMs / 3_600_000,
  };
}

/**
 * Counts a new order in its world, inside the transaction that records it, and refuses it past the
 * world's limit (private worlds only). Called after the saga is recorded: on PostgreSQL its event write
 * holds the lock that orders event writes (lib/db/client.ts), so every order takes the two locks (that
 * one, then the world's row) in the same order.
 */
export async function countOrder(tx: Tx, world: string, settings = worldSettings()): Promise<void> {
  const { orderCount } = await tx.world.update({
    where: { id: world },
    data: { orderCount: { increment: 1 } },
    select: { orderCount: true },
  });
  if (world !== DEFAULT_WORLD && orderCount > settings.maxOrders) {
    throw new TooManyRequests(`This demo world holds its limit of ${settings.maxOrders} orders: reset it to start again.`, 60);
  }
}

/**
 * Removes the private worlds unused for `idleMs` (their orders, sagas, products and accounts), each in
 * a transaction of its own that first checks, under the write lock, that it is still idle and has no
 * saga in flight (such a world waits for a later sweep). Resolves with how many it removed.
 */
export async function sweepWorlds(settings = worldSettings(), now = Date.now()): Promise<number> {
  const db = await ready();
  const cutoff = new Date(now - settings.idleMs);
  let removed = 0;
  let after = "";
  for (;;) {
    const idle = await db.read.world.findMany({
      where: { lastSeenAt: { lt: cutoff }, id: { not: DEFAULT_WORLD, gt: after } },
      orderBy: { id: "asc" },
      take: 100,
      select: { id: true },
    });
    if (idle.length === 0) break;
    const gonePage: string[] = [];
    for (const { id } of idle) {
      const gone = await db.write(async (tx) => {
        // Serialized with every saga's writes (on PostgreSQL, the lock that orders event writes; on SQLite,
        // the one writer): no saga of this world can start or move between the check and the removal.
        // (An order placed in this very world as it goes, after a day idle, can meet this transaction in
        // a deadlock on PostgreSQL, its world's row held for its foreign key: PostgreSQL aborts one of
        // the two, and recordSagas tries the order again.)
        await orderEventWrites(tx);
        const world = await tx.world.findUnique({ where: { id }, select: { lastSeenAt: true } });
        if (!world || world.lastSeenAt >= cutoff) return false;
        if ((await countInFlight(tx, id)) > 0) return false;
        await deleteSagas(tx, "order", id);
        // Its products, accounts and orders go with it (and with the orders, their effects and keys).
        await tx.world.delete({ where: { id } });
        return true;
      });
      if (gone) {
        removed++;
        gonePage.push(id);
        remembered.touched.delete(id);
      }
    }
    // The services forget them too: each owns its data of a world (a service that does not answer now
    // keeps a removed world's rows, which nothing reads, until a reset of that id).
    if (gonePage.length > 0)
      await Promise.all(serviceNames.map((service) => forgetWorlds(service, gonePage).catch((error: unknown) => log.warn(String(error)))));
    after = idle[idle.length - 1].id;
  }
  if (removed > 0) log.info(`Removed ${removed} demo world(s) unused for ${settings.idleMs / 3_600_000} h`);
  return removed;
}

/** Sweeps now and then, for as long as the process runs. */
export function startWorldSweeper(settings = worldSettings()): void {
  const sweep = () =>
    sweepWorlds(settings).catch((error: unknown) =>
      log.warn(`Sweeping idle demo worlds failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  setInterval(sweep, settings.sweepEveryMs).unref();
  void sweep();
}
