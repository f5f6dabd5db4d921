/** One HTTP call to a test server, keeping everything a test may assert on: status, headers, raw text, parsed JSON. */

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  body?: any;
}

export interface CallOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (with a JSON content type unless the headers say otherwise). */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.raw;
  if (body !== undefined) headers["content-type"] ??= "application/json";
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body as BodyInit | undefined, redirect: "manual" });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}
