/**
 * The demo's operations in the OpenAPI document: its inventory and balances, resetting them, and the
 * demo world a caller acts in (the shared one, or a private one of its own).
 */
import * as examples from "./openapi-examples";
import { ref } from "./openapi-components";
import { crossSite, error, header, json, type Paths } from "./openapi-operation";

export const demoPaths: Paths = {
  "/inventory": {
    get: {
      tags: ["demo"],
      summary: "Get current inventory levels",
      operationId: "get_inventory",
      description: "Units in stock of each product. Reserved units are not in stock; a released reservation returns them.",
      responses: {
        "200": { description: "Stock by product", content: json(ref("InventoryResponse"), { inventory: examples.demoInventory }) },
      },
    },
  },
  "/balances": {
    get: {
      tags: ["demo"],
      summary: "Get user account balances",
      operationId: "get_balances",
      description: "Each user's balance in dollars. A payment lowers it; a refund restores it.",
      responses: { "200": { description: "Dollars by user", content: json(ref("BalanceResponse"), { balances: examples.demoBalances }) } },
    },
  },
  "/reset": {
    post: {
      tags: ["demo"],
      summary: "Reset all mock data to initial state",
      operationId: "reset",
      description:
        "Restores the demo's inventory and balances and forgets every order and saga, in one transaction: " +
        "those of the caller's world only (the shared world without a cookie, the private one its saga_world cookie names).",
      responses: {
        "200": { description: "Reset", content: json(ref("ResetResponse"), { message: "Mock database reset to initial state." }) },
        "403": crossSite,
      },
    },
  },
  "/world": {
    get: {
      tags: ["demo"],
      summary: "The demo world the caller acts in",
      operationId: "get_world",
      description:
        "Without a cookie every call acts in the shared world. A browser gets a private world of its own on its first page view " +
        "(an HttpOnly cookie, saga_world); its orders, stock, balances, lists, live stream and reset are its own.",
      responses: {
        "200": {
          description: "The world",
          content: json(ref("WorldResponse"), { world: "shared", orders: 3, max_orders: null, removed_after_idle_hours: null }),
        },
        "429": error(
          "The budget of new worlds for this address is spent",
          "Too many new demo worlds from this address: at most 10 a minute. Try again in 42 s.",
          {
            "retry-after": header("Seconds until a new world can be made"),
          },
        ),
      },
    },
    post: {
      tags: ["demo"],
      summary: "Make a private demo world",
      operationId: "new_world",
      description:
        "Makes a new private world, seeded with the demo data, and answers with a cookie naming it: with `curl -c jar -b jar`, " +
        "every later call acts in it. A world unused for a day (SAGA_WORLD_IDLE_HOURS) is removed.",
      responses: {
        "201": {
          description: "Made",
          headers: { "set-cookie": header("saga_world=<id>; HttpOnly; SameSite=Lax: the world's name, for every later call") },
          content: json(ref("WorldResponse"), { world: "private", orders: 0, max_orders: 500, removed_after_idle_hours: 24 }),
        },
        "403": crossSite,
        "429": error(
          "The budget of new worlds for this address is spent",
          "Too many new demo worlds from this address: at most 10 a minute. Try again in 42 s.",
          {
            "retry-after": header("Seconds until a new world can be made"),
          },
        ),
      },
    },
  },
};
