import { assetResponse } from "@/lib/docs/docs-assets";
import { notFound } from "@/lib/api/errors";
import { handle, methodsNotAllowed } from "@/lib/api/handler";

export const dynamic = "force-dynamic";

// The scripts and styles of /docs and /redoc, from an allow-list of npm package files (no CDN).
export const GET = handle(async (_request: Request, { params }: { params: Promise<{ file: string }> }) => {
  return (await assetResponse((await params).file)) ?? notFound();
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodsNotAllowed(["GET"]);
