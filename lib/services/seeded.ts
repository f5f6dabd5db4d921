/**
 * A service's data for a demo world is made on the world's first call, from the service's own seed, as
 * the orchestrator's worlds are (lib/orders/worlds.ts). This process remembers which worlds each service
 * has seen, so that a call costs no count once its world is known.
 */
const globalForSeeded = globalThis as unknown as { sagaStudioServiceWorlds?: Map<string, Set<string>> };
const seen = (globalForSeeded.sagaStudioServiceWorlds ??= new Map());

// Bounds what this process remembers; a world forgotten is counted again on its next call, nothing more.
const MAX_REMEMBERED = 10_000;

/** Inside a transaction: seeds `worldId` for `service` unless it has data already (`any` finds a row of it). */
export async function seedOnce(service: string, worldId: string, any: () => Promise<unknown>, seed: () => Promise<unknown>): Promise<void> {
  if (knownSeeded(service, worldId)) return;
  // Seeded now, it is remembered only once a later call finds the seed committed (or its caller says the
  // transaction committed: rememberSeeded): this transaction may yet roll back.
  if (!(await any())) return void (await seed());
  rememberSeeded(service, worldId);
}

/** `worldId` has `service`'s data, committed: its calls need not look for it again. */
export function rememberSeeded(service: string, worldId: string): void {
  const worlds = seen.get(service) ?? seen.set(service, new Set()).get(service)!;
  if (worlds.size >= MAX_REMEMBERED) worlds.clear();
  worlds.add(worldId);
}

/** Whether this process knows `worldId` has `service`'s data already: a read of it needs no transaction that could seed it. */
export function knownSeeded(service: string, worldId: string): boolean {
  return seen.get(service)?.has(worldId) === true;
}

/** After a reset removed a world's data (it is seeded again in the same transaction), or a sweep removed the world. */
export function forgetWorld(service: string, worldId: string): void {
  seen.get(service)?.delete(worldId);
}
