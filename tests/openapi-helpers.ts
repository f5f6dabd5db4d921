/**
 * What tests/openapi.test.ts needs to hold the OpenAPI document against the app: the routes the app
 * serves (read from app/**\/route.ts, the services' endpoints table and next.config.mjs's rewrites),
 * schemas of the document compiled with ajv (their $refs resolved against its components), and
 * Server-Sent Events read off a response.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { isMethodNotAllowed } from "../lib/api/handler";
import { servicePaths } from "../lib/services/http";
// @ts-expect-error: a plain ES module, Next's own config
import nextConfig from "../next.config.mjs";

const root = path.resolve(import.meta.dirname, "..");

// ---------------------------------------------------------------------------------------------------
// The document

export type JsonSchema = Record<string, unknown>;
export interface MediaType {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
export interface ResponseObject {
  description: string;
  headers?: Record<string, { schema: JsonSchema }>;
  content?: Record<string, MediaType>;
}
export interface Parameter {
  name: string;
  in: string;
  schema: JsonSchema;
  example?: unknown;
}
export interface Operation {
  summary?: string;
  description?: string;
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation | string>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, ResponseObject> };
}

export const HTTP_METHODS = ["get", "post", "put", "patch", "delete", "options", "head"] as const;

/** The operations of a path item, by lower-case method (a path item also holds a description). */
export function operationsOf(pathItem: Record<string, Operation | string>): [string, Operation][] {
  return HTTP_METHODS.filter((method) => typeof pathItem[method] === "object").map((method) => [method, pathItem[method] as Operation]);
}

/** Compiles schemas of one document: a `#/components/schemas/X` reference resolves to that component. */
export function schemaCompiler(doc: OpenApiDocument, options: { strict?: boolean } = {}) {
  // Union types (`"type": ["string", "null"]`) are plain JSON Schema; ajv's strict mode only lints them.
  const ajv = new Ajv2020({ allErrors: true, strict: options.strict ?? false, allowUnionTypes: true });
  addFormats(ajv);
  const cache = new Map<string, ValidateFunction>();
  const compile = (schema: JsonSchema): ValidateFunction => {
    // The components become the schema's own $defs, so its references resolve inside it.
    const text = JSON.stringify({ ...schema, $defs: doc.components.schemas }).replaceAll('"#/components/schemas/', '"#/$defs/');
    let validate = cache.get(text);
    if (!validate) {
      validate = ajv.compile(JSON.parse(text));
      cache.set(text, validate);
    }
    return validate;
  };
  /** Null when the value matches, otherwise ajv's account of why not. */
  const problems = (schema: JsonSchema, value: unknown): string | null => {
    const validate = compile(schema);
    return validate(value) ? null : ajv.errorsText(validate.errors, { separator: "; " });
  };
  return { compile, problems };
}

// ---------------------------------------------------------------------------------------------------
// The routes the app serves

export interface Route {
  /** The route file, relative to the project. */
  file: string;
  /** Its URL, parameters as {name}: /api/sagas/{sagaId}/events. */
  url: string;
  /** An optional catch-all ([[...path]]) answers for every path nothing else serves. */
  catchAll: boolean;
  /** The methods it serves (upper case): its exported handlers other than methodsNotAllowed's 405s. */
  methods: string[];
}

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return /^route\.(ts|tsx|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

function urlOf(file: string): { url: string; catchAll: boolean } {
  const segments = path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).filter(Boolean);
  let catchAll = false;
  const parts = segments
    .filter((segment) => !/^\(.*\)$/.test(segment)) // route groups are not in the URL
    .map((segment) => {
      const param = /^\[{1,2}(\.\.\.)?([^\]]+)\]{1,2}$/.exec(segment);
      if (!param) return segment;
      if (param[1]) catchAll = true;
      return `{${param[2]}}`;
    });
  return { url: `/${parts.join("/")}`, catchAll };
}

/** Every route handler under app/, with the methods it serves, found by importing the route modules. */
export async function appRoutes(): Promise<Route[]> {
  const routes: Route[] = [];
  for (const file of routeFiles(path.join(root, "app")).sort()) {
    const handlers = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const methods = HTTP_METHODS.map((method) => method.toUpperCase()).filter(
      (method) => typeof handlers[method] === "function" && !isMethodNotAllowed(handlers[method]),
    );
    routes.push({ file: path.relative(root, file), ...urlOf(file), methods });
  }
  return routes;
}

/**
 * The services' endpoints: their catch-all route (app/services/[...path]) serves the paths of their own
 * table (lib/services/http.ts), each with its methods, and answers 404 for any other.
 */
export function serviceRoutes(): Route[] {
  return servicePaths().map(({ path, methods }) => ({ file: "app/services/[...path]/route.ts", url: path, catchAll: false, methods }));
}

/** The first segments next.config.mjs rewrites to /api (the seed's paths: /orders -> /api/orders). */
export async function seedRoots(): Promise<Set<string>> {
  const rewrites = await nextConfig.rewrites();
  const rules: { source: string; destination: string }[] = Array.isArray(rewrites)
    ? rewrites
    : [...(rewrites.beforeFiles ?? []), ...(rewrites.afterFiles ?? [])];
  const roots = new Set<string>();
  for (const { source, destination } of rules) {
    const match = /^\/([^/:]+)$/.exec(source);
    if (match && destination === `/api/${match[1]}`) roots.add(match[1]);
  }
  return roots;
}

/** A path with its parameters unnamed, to compare /sagas/{saga_id} (the document) with /sagas/{sagaId} (the file). */
export const shape = (url: string) => url.replace(/\{[^}]+\}/g, "{}");

// ---------------------------------------------------------------------------------------------------
// Server-Sent Events

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comment?: string;
}

function parseFrame(text: string): SseFrame {
  const frame: SseFrame = {};
  for (const line of text.split("\n")) {
    if (line.startsWith(":")) frame.comment = line.slice(1).trim();
    const match = /^(id|event|data|retry): ?(.*)$/.exec(line);
    if (match) frame[match[1] as "id" | "event" | "data" | "retry"] = match[2];
  }
  return frame;
}

/** Reads a stream's frames until `enough` says so (then disconnects), or fails after `timeoutMs`. */
export async function readEventStream(
  url: string,
  headers: Record<string, string>,
  enough: (frames: SseFrame[]) => boolean,
  timeoutMs = 10_000,
): Promise<{ status: number; contentType: string | null; frames: SseFrame[] }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no complete stream from ${url} within ${timeoutMs} ms`)), timeoutMs);
  const frames: SseFrame[] = [];
  try {
    const response = await fetch(url, { headers, signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    while (!enough(frames)) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        frames.push(parseFrame(buffer.slice(0, end)));
        buffer = buffer.slice(end + 2);
      }
    }
    return { status: response.status, contentType: response.headers.get("content-type"), frames };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
