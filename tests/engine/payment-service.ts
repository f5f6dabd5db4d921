/**
 * A small HTTP payment service for the engine's remote-step tests: POST /charges and POST /refunds,
 * each deduplicated by its Idempotency-Key as a real payment API does (a repeat answers the first
 * answer and charges nothing more). `onRequest` lets a test stall an answer or crash the caller.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface PaymentRequest {
  path: string;
  key: string;
  /** Whether the caller hung up before it got an answer (its AbortSignal fired). */
  aborted: boolean;
}

export interface PaymentService {
  url: string;
  requests: PaymentRequest[];
  /** Charges and refunds made, by key: one each, however often a key is sent. */
  charges: Map<string, { id: string }>;
  refunds: Map<string, { id: string }>;
  /** Called before each answer, after the effect is recorded; may delay it. */
  onRequest?: (request: PaymentRequest) => Promise<void> | void;
  /** Forgets every request, charge and refund (ids start again at 1). */
  reset(): void;
  close(): Promise<void>;
}

export async function startPaymentService(): Promise<PaymentService> {
  let made = 0;
  const service: PaymentService = {
    url: "",
    requests: [],
    charges: new Map(),
    refunds: new Map(),
    reset() {
      made = 0;
      service.onRequest = undefined;
      service.requests.length = 0;
      service.charges.clear();
      service.refunds.clear();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer(async (req, res) => {
    for await (const _ of req); // the body is not needed
    const key = String(req.headers["idempotency-key"] ?? "");
    const request: PaymentRequest = { path: req.url ?? "", key, aborted: false };
    service.requests.push(request);
    res.on("close", () => (request.aborted = !res.writableFinished));
    const book = req.url === "/charges" ? service.charges : service.refunds;
    if (!book.has(key)) book.set(key, { id: `${req.url === "/charges" ? "ch" : "re"}_${++made}` });
    await service.onRequest?.(request);
    if (res.destroyed) return;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(book.get(key)));
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
}
