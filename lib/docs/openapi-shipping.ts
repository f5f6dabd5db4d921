/** The shipping service's operations in the OpenAPI document (lib/services/shipping.ts); what they share is in openapi-services.ts. */
import * as examples from "./openapi-services-examples";
import { ref } from "./openapi-components";
import { json, validationExample, type Paths } from "./openapi-operation";
import {
  requestBody,
  answered,
  refused,
  writeErrors,
  read,
  reset,
  write,
  replay,
  compensation,
  forget,
  orderRead,
} from "./openapi-services";

export const shippingPaths: Paths = {
  "/services/shipping/shipments": {
    get: read(
      "shipping",
      "shipping_shipments",
      "Shipments, newest first",
      "The world's shipments, newest first, at most a thousand: created, or cancelled.",
      { description: "The shipments, newest first", content: json(ref("ShipmentList"), examples.shipmentsExample) },
    ),
    post: write("shipping", {
      summary: "Ship an order",
      operationId: "shipping_ship",
      description:
        "Creates the order's shipment to the address the service holds for the user (user_3 has none, as in the seed): " +
        "one shipment per order. The same order again, under another key, answers its shipment as it stands.",
      requestBody: requestBody("ShipmentRequest", "The order and the user it ships to", examples.shipmentRequestExample),
      responses: {
        "201": answered("Shipment created", ref("Shipment"), {
          created: { summary: "Created", value: examples.shipmentExample("created") },
          replayed: replay(examples.shipmentExample("created")),
        }),
        "404": refused("No such user", { user: { summary: "Unknown user", detail: "User not found" } }),
        "409": refused("The user has no valid address, or the order's shipment was cancelled before it arrived", {
          address: { summary: "No valid address (user_3)", detail: "Shipping address invalid" },
          late: { summary: "Cancelled before it arrived", detail: examples.lateActionDetail("shipment", "cancelled") },
        }),
        ...writeErrors(validationExample(["body", "user_id"], "missing", "Field required")),
      },
    }),
  },
  "/services/shipping/cancellations": {
    post: compensation("shipping", {
      summary: "Cancel an order's shipment",
      operationId: "shipping_cancel",
      action: "shipment",
      status: "cancelled",
      undo: "it is marked cancelled",
      bodyDescription: "The order whose shipment to cancel",
      answer: { name: "Shipment", title: "Cancelled", example: examples.shipmentExample("cancelled") },
    }),
  },
  "/services/shipping/orders/{order_id}": { get: orderRead("shipping", "shipment", examples.orderRecordExamples.shipping) },
  "/services/shipping/reset": { post: reset("shipping", "addresses", "shipments") },
  "/services/shipping/forget": { post: forget("shipping") },
};
