/**
 * A service's data for a demo world is made on the world's first call, from the service's own seed, as
 * the orchestrator's worlds are (lib/orders/worlds.ts). This process remembers which worlds each service
 * has seen, so that a call costs no count once its world is known.
 */
import type { Tx } from "../db/client";

const globalForSeeded = globalThis as unknown as { sagaStudioServiceWorlds?: Map<string, Set<string>> };
const seen = (globalForSeeded.sagaStudioServiceWorlds ??= new Map());

// Bounds what this process remembers; a world forgotten is counted again on its next call, nothing more.
const MAX_REMEMBERED = 10_000;

/** Inside a transaction: seeds `worldId` for `service` unless it has data already (`count` says). */
export async function seedOnce(
  tx: Tx,
  service: string,
  worldId: string,
  count: () => Promise<number>,
  seed: () => Promise<unknown>,
): Promise<void> {
  const worlds = seen.get(service) ?? seen.set(service, new Set()).get(service)!;
  if (worlds.has(worldId)) return;
  // Seeded now, it is remembered only once a later call finds the seed committed: this transaction may yet roll back.
  if ((await count()) === 0) return void (await seed());
  if (worlds.size >= MAX_REMEMBERED) worlds.clear();
  worlds.add(worldId);
}

/** After a reset removed a world's data (it is seeded again in the same transaction), or a sweep removed the world. */
export function forgetWorld(service: string, worldId: string): void {
  seen.get(service)?.delete(worldId);
}
