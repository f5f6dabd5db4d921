/**
 * How to provoke each answer the OpenAPI document gives for the services' paths (/services/...), by
 * "METHOD path status content-type", as tests/openapi.test.ts (e) provokes the rest: each in a world of
 * its own (the Saga-World header), so none needs another to have run. `call` is the production server
 * there (tests/openapi.test.ts), the route handler in process here (lib/docs/openapi-services.test.ts).
 */
import { randomUUID } from "node:crypto";
import { newWorldId } from "../lib/world-id";
import type { CallOptions, Reply } from "./http";

export type Call = (method: string, path: string, options?: CallOptions) => Promise<Reply>;

/** A browser's write from another site's page: refused. */
const crossSite = { "sec-fetch-site": "cross-site", origin: "https://elsewhere.example" };

/** Over the 64 KiB a body may be. */
const tooLarge = JSON.stringify({ order_id: "o", padding: "x".repeat(70 * 1024) });

export function serviceProvocations(call: Call): Record<string, () => Promise<Reply>> {
  /** A world of its own: a request's headers in it, with a fresh Idempotency-Key unless told otherwise. */
  const inWorld = () => {
    const world = newWorldId();
    return {
      read: (path: string) => call("GET", path, { headers: { "saga-world": world } }),
      write: (path: string, json: unknown, headers: Record<string, string> = {}, raw?: string) =>
        call("POST", path, { json, raw, headers: { "saga-world": world, "idempotency-key": randomUUID(), ...headers } }),
    };
  };
  const badWorld = (method: string, path: string) => () => call(method, path, { headers: { "saga-world": "no world!" } });
  const writes = (path: string, body: unknown) => ({
    [`POST ${path} 403 application/json`]: () => inWorld().write(path, body, crossSite),
    [`POST ${path} 413 application/json`]: () => inWorld().write(path, undefined, {}, tooLarge),
    [`POST ${path} 422 application/json`]: () => call("POST", path, { json: body, headers: { "saga-world": newWorldId() } }),
  });
  const reset = (path: string) => ({
    [`POST ${path} 200 application/json`]: () => call("POST", path, { headers: { "saga-world": newWorldId() } }),
    [`POST ${path} 403 application/json`]: () => call("POST", path, { headers: { "saga-world": newWorldId(), ...crossSite } }),
    [`POST ${path} 422 application/json`]: badWorld("POST", path),
  });

  const forget = (path: string) => ({
    [`POST ${path} 200 application/json`]: () => call("POST", path, { json: { worlds: [newWorldId()] } }),
    [`POST ${path} 403 application/json`]: () => call("POST", path, { json: { worlds: [] }, headers: crossSite }),
    [`POST ${path} 422 application/json`]: () => call("POST", path, { json: { worlds: ["no world!"] } }),
  });

  const reservation = { order_id: "order-1", product_id: "product_1", quantity: 2 };
  const charge = { order_id: "order-1", account_id: "user_1", amount_cents: 10_000 };
  const shipment = { order_id: "order-1", user_id: "user_1" };
  const order = { order_id: "order-1" };

  return {
    "GET /services/inventory/stock 200 application/json": () => inWorld().read("/services/inventory/stock"),
    "GET /services/inventory/stock 422 application/json": badWorld("GET", "/services/inventory/stock"),
    "GET /services/inventory/orders/{order_id} 200 application/json": async () => {
      const world = inWorld();
      await world.write("/services/inventory/reservations", reservation);
      await world.write("/services/inventory/releases", order);
      return world.read(`/services/inventory/orders/${order.order_id}`);
    },
    "GET /services/inventory/orders/{order_id} 422 application/json": badWorld("GET", `/services/inventory/orders/${order.order_id}`),
    "POST /services/inventory/reservations 201 application/json": () => inWorld().write("/services/inventory/reservations", reservation),
    "POST /services/inventory/reservations 404 application/json": () =>
      inWorld().write("/services/inventory/reservations", { ...reservation, product_id: "product_9" }),
    "POST /services/inventory/reservations 409 application/json": () =>
      inWorld().write("/services/inventory/reservations", { ...reservation, quantity: 101 }),
    ...writes("/services/inventory/reservations", reservation),
    "POST /services/inventory/releases 200 application/json": async () => {
      const world = inWorld();
      await world.write("/services/inventory/reservations", reservation);
      return world.write("/services/inventory/releases", order);
    },
    ...writes("/services/inventory/releases", order),
    ...reset("/services/inventory/reset"),
    ...forget("/services/inventory/forget"),

    "GET /services/payment/accounts 200 application/json": () => inWorld().read("/services/payment/accounts"),
    "GET /services/payment/accounts 422 application/json": badWorld("GET", "/services/payment/accounts"),
    "GET /services/payment/ledger 200 application/json": async () => {
      const world = inWorld();
      await world.write("/services/payment/charges", charge);
      await world.write("/services/payment/refunds", order);
      return world.read("/services/payment/ledger");
    },
    "GET /services/payment/ledger 422 application/json": badWorld("GET", "/services/payment/ledger"),
    "GET /services/payment/orders/{order_id} 200 application/json": async () => {
      const world = inWorld();
      await world.write("/services/payment/charges", charge);
      await world.write("/services/payment/refunds", order);
      return world.read(`/services/payment/orders/${order.order_id}`);
    },
    "GET /services/payment/orders/{order_id} 422 application/json": badWorld("GET", `/services/payment/orders/${order.order_id}`),
    "POST /services/payment/charges 201 application/json": () => inWorld().write("/services/payment/charges", charge),
    "POST /services/payment/charges 402 application/json": () =>
      inWorld().write("/services/payment/charges", { ...charge, account_id: "user_3", amount_cents: 20_001 }),
    "POST /services/payment/charges 404 application/json": () =>
      inWorld().write("/services/payment/charges", { ...charge, account_id: "user_9" }),
    // The refund came first (the charge was lost or late): the late charge is refused.
    "POST /services/payment/charges 409 application/json": async () => {
      const world = inWorld();
      await world.write("/services/payment/refunds", order);
      return world.write("/services/payment/charges", charge);
    },
    ...writes("/services/payment/charges", charge),
    "POST /services/payment/refunds 200 application/json": async () => {
      const world = inWorld();
      await world.write("/services/payment/charges", charge);
      return world.write("/services/payment/refunds", order);
    },
    ...writes("/services/payment/refunds", order),
    ...reset("/services/payment/reset"),
    ...forget("/services/payment/forget"),

    "GET /services/shipping/shipments 200 application/json": async () => {
      const world = inWorld();
      await world.write("/services/shipping/shipments", shipment);
      return world.read("/services/shipping/shipments");
    },
    "GET /services/shipping/shipments 422 application/json": badWorld("GET", "/services/shipping/shipments"),
    "GET /services/shipping/orders/{order_id} 200 application/json": async () => {
      const world = inWorld();
      await world.write("/services/shipping/shipments", shipment);
      return world.read(`/services/shipping/orders/${order.order_id}`);
    },
    "GET /services/shipping/orders/{order_id} 422 application/json": badWorld("GET", `/services/shipping/orders/${order.order_id}`),
    "POST /services/shipping/shipments 201 application/json": () => inWorld().write("/services/shipping/shipments", shipment),
    "POST /services/shipping/shipments 404 application/json": () =>
      inWorld().write("/services/shipping/shipments", { ...shipment, user_id: "user_9" }),
    "POST /services/shipping/shipments 409 application/json": () =>
      inWorld().write("/services/shipping/shipments", { ...shipment, user_id: "user_3" }),
    ...writes("/services/shipping/shipments", shipment),
    "POST /services/shipping/cancellations 200 application/json": async () => {
      const world = inWorld();
      await world.write("/services/shipping/shipments", shipment);
      return world.write("/services/shipping/cancellations", order);
    },
    ...writes("/services/shipping/cancellations", order),
    ...reset("/services/shipping/reset"),
    ...forget("/services/shipping/forget"),
  };
}
