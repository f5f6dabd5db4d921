import { handle } from "@/lib/api/handler";
import { serveServices } from "@/lib/services/http";

// The inventory, payment and shipping services' own HTTP APIs (lib/services): served by this server by
// default, beside the app; the order saga calls them over HTTP.
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ path: string[] }> };

const serve = handle(async (request: Request, context: Context) => serveServices(request, (await context.params).path));
export { serve as GET, serve as POST, serve as PUT, serve as PATCH, serve as DELETE, serve as OPTIONS };
