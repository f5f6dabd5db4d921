/**
 * The saga definitions this process can run, by name: a saga found in the database is resumed with
 * the definition its name names. Filled in one explicit place at start-up (lib/orders/ready.ts), never as
 * a side effect of an import.
 */
import { createHash } from "node:crypto";
import { validateDefinition, type SagaDefinition } from "./definition";

const globalForRegistry = globalThis as unknown as { sagaStudioDefinitions?: Map<string, SagaDefinition<unknown>> };
const registry = (globalForRegistry.sagaStudioDefinitions ??= new Map());

/**
 * Registers the definitions this process runs. Registering again replaces them: Next.js loads start-up
 * code and route handlers in separate bundles, each with its own copy of the same definitions.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each definition has a subject type of its own
export function registerSagas(definitions: readonly SagaDefinition<any>[]): void {
  const names = new Set<string>();
  for (const definition of definitions as readonly SagaDefinition<unknown>[]) {
    if (names.has(definition.name)) throw new Error(`Two saga definitions are named "${definition.name}"`);
    names.add(definition.name);
    validateDefinition(definition);
  }
  for (const definition of definitions as readonly SagaDefinition<unknown>[]) registry.set(definition.name, definition);
}

export function findDefinition(name: string): SagaDefinition<unknown> | undefined {
  return registry.get(name);
}

const versions = new WeakMap<object, string>();

/**
 * The version of a definition, as each saga records it: a digest of its steps and their compensations,
 * in order. Adding, removing or renaming a step makes a new version; a run keeps the steps it had.
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
