import { handle } from "@/lib/api/handler";
import { servicesOnAppPort } from "@/lib/services/forward";

// The inventory, payment and shipping services' own HTTP APIs (lib/services), on this server's port. By
// default they run in a thread of their own, with their data (lib/services/start-thread.ts): the
// request is passed on to it. A process that serves one service alone (SAGA_ROLE) serves it here.
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ path: string[] }> };

const serve = handle(async (request: Request, context: Context) => servicesOnAppPort(request, (await context.params).path));
export { serve as GET, serve as POST, serve as PUT, serve as PATCH, serve as DELETE, serve as OPTIONS };
