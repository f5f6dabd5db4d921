// POST /orders, the seed's path of the app's busiest request, served here rather than through the rewrite
// to /api/orders (next.config.mjs) that every other seed path takes: a rewrite costs a request about
// 1.5 ms of CPU, and `npm run bench` holds POST /orders to a fraction of a bare route handler.
export const dynamic = "force-dynamic";
export { GET, POST, PUT, PATCH, DELETE, OPTIONS } from "../api/orders/route";
