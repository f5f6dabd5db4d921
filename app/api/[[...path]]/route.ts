import { notFound } from "@/lib/api/errors";

// Any path under /api (or the seed's paths) that no route serves, /api itself included: FastAPI's JSON 404, never a page.
export const dynamic = "force-dynamic";

const missing = async () => notFound();
export { missing as GET, missing as POST, missing as PUT, missing as PATCH, missing as DELETE, missing as OPTIONS };
