/** The inventory service's operations in the OpenAPI document (lib/services/inventory.ts); what they share is in openapi-services.ts. */
import * as examples from "./openapi-services-examples";
import { ref } from "./openapi-components";
import { json, type Paths } from "./openapi-operation";
import {
  requestBody,
  answered,
  refused,
  writeErrors,
  read,
  reset,
  write,
  atLeastOne,
  replay,
  compensation,
  forget,
  orderRead,
} from "./openapi-services";

export const inventoryPaths: Paths = {
  "/services/inventory/stock": {
    get: read(
      "inventory",
      "inventory_stock",
      "Stock by product",
      "The units on hand and not reserved of each product in the world, as the inventory service holds them: " +
        "a reservation takes units, a release puts them back. A world's first call seeds its stock.",
      { description: "Units available, by product", content: json(ref("StockList"), examples.serviceStockExample) },
    ),
  },
  "/services/inventory/reservations": {
    post: write("inventory", {
      summary: "Reserve stock for an order",
      operationId: "inventory_reserve",
      description:
        "Takes `quantity` units of the product for the order: one reservation per order. " +
        "The same order again, under another key, answers its reservation as it stands and takes nothing more.",
      requestBody: requestBody("ReservationRequest", "The order, the product and the units to reserve", examples.reservationRequestExample),
      responses: {
        "201": answered("Reserved", ref("Reservation"), {
          reserved: { summary: "Reserved", value: examples.reservationExample("reserved") },
          replayed: replay(examples.reservationExample("reserved")),
        }),
        "404": refused("No such product", { product: { summary: "Unknown product", detail: "Product not found" } }),
        "409": refused("Not enough units, or the order's reservation was released before it arrived", {
          insufficient: { summary: "Not enough units", detail: "Insufficient inventory" },
          late: { summary: "Released before it arrived", detail: examples.lateActionDetail("reservation", "released") },
        }),
        ...writeErrors(atLeastOne("quantity")),
      },
    }),
  },
  "/services/inventory/releases": {
    post: compensation("inventory", {
      summary: "Release an order's reservation",
      operationId: "inventory_release",
      action: "reservation",
      status: "released",
      undo: "its units go back to the stock",
      bodyDescription: "The order whose reservation to release",
      answer: { name: "Reservation", title: "Released", example: examples.reservationExample("released") },
    }),
  },
  "/services/inventory/orders/{order_id}": { get: orderRead("inventory", "reservation", examples.orderRecordExamples.inventory) },
  "/services/inventory/reset": { post: reset("inventory", "stock", "reservations") },
  "/services/inventory/forget": { post: forget("inventory") },
};
