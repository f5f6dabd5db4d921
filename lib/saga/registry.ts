/**
 * The saga definitions this process can run, by name and version: a saga found in the database is
 * resumed with the definition it started with, the one its recorded name and version name. Filled in one
 * explicit place at start-up (lib/orders/ready.ts), never as a side effect of an import.
 *
 * When a definition changes (a step added, removed, renamed or moved), its version changes. Sagas in
 * flight under the old version keep their steps only if that version is still registered beside the new
 * one: register both (the new one runs new sagas; the caller passes it to `startSaga`). A saga whose
 * version is no longer registered is not resumed at all (a step's position could name another step's
 * action or compensation): the engine refuses it, says so, and leaves it for an operator.
 */
import { createHash } from "node:crypto";
import { validateDefinition, type SagaDefinition } from "./definition";

type Versions = Map<string, SagaDefinition<unknown>>;
const globalForRegistry = globalThis as unknown as { sagaStudioDefinitionVersions?: Map<string, Versions> };
const registry = (globalForRegistry.sagaStudioDefinitionVersions ??= new Map());

/**
 * Registers the definitions this process runs: each name with every version listed for it. Registering
 * a name again replaces its versions with the ones listed (Next.js loads start-up code and route handlers
 * in separate bundles, each with its own copy of the same definitions).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each definition has a subject type of its own
export function registerSagas(definitions: readonly SagaDefinition<any>[]): void {
  const byName = new Map<string, Versions>();
  for (const definition of definitions as readonly SagaDefinition<unknown>[]) {
    validateDefinition(definition);
    const versions = byName.get(definition.name) ?? new Map();
    const version = definitionVersion(definition);
    if (versions.has(version)) throw new Error(`The saga definition "${definition.name}" is registered twice with version ${version}`);
    versions.set(version, definition);
    byName.set(definition.name, versions);
  }
  for (const [name, versions] of byName) registry.set(name, versions);
}

/**
 * The definition a saga recorded under `name` and `version` runs with; undefined when this process does
 * not have that version. A saga recorded before versions were (an empty version) runs with the only
 * version registered, if there is just one.
 */
export function findDefinition(name: string, version: string): SagaDefinition<unknown> | undefined {
  const versions = registry.get(name);
  if (!versions) return undefined;
  if (version === "") return versions.size === 1 ? [...versions.values()][0] : undefined;
  return versions.get(version);
}

/** The versions of `name` this process has, for the message that refuses a saga of another. */
export function registeredVersions(name: string): string[] {
  return [...(registry.get(name)?.keys() ?? [])];
}

const versions = new WeakMap<object, string>();

/**
 * The version of a definition, as each saga records it: a digest of its steps and their compensations,
 * in order. Adding, removing, renaming or moving a step makes a new version.
 */
export function definitionVersion(definition: Pick<SagaDefinition<unknown>, "steps">): string {
  let version = versions.get(definition);
  if (!version) {
    const shape = JSON.stringify(definition.steps.map((step) => [step.name, step.compensation]));
    version = createHash("sha256").update(shape).digest("hex").slice(0, 12);
    versions.set(definition, version);
  }
  return version;
}
