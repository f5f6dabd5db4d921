/**
 * The scripts and styles of /docs and /redoc, served at /docs/assets/{file} from the npm packages
 * (swagger-ui-dist, redoc) and from a few lines of our own. Only the files named here are served: the
 * name in the URL never becomes a path, so nothing else under node_modules can be read through it.
 *
 * The files are read from node_modules at run time, beside the app (process.cwd()), not bundled: they
 * are megabytes of prebuilt JavaScript. Next's output file tracing cannot see a path built at run time,
 * so the standalone build ships them through outputFileTracingIncludes in next.config.mjs.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import swaggerPackage from "swagger-ui-dist/package.json";
import redocPackage from "redoc/package.json";

export const OPENAPI_URL = "/openapi.json";

/** Swagger UI's start-up, FastAPI's defaults plus no validator badge (it would call validator.swagger.io). */
const swaggerInitScript = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(OPENAPI_URL)},
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
`;

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

type Asset = { contentType: string } & ({ packageFile: string[]; replace?: [string, string][] } | { text: () => Promise<string> });

/** The bar above both docs pages that leads back to the app: its colours and sizes are the app header's. */
const docsBarStyle = `body { margin: 0; }
.saga-docs-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 16px; padding: 10px 16px;
  border-bottom: 1px solid #e2e8f0; background: #fff; font: 14px/1.4 ui-sans-serif, system-ui, sans-serif; color: #0f172a; }
.saga-docs-bar a { color: #475569; text-decoration: none; border-radius: 6px; padding: 6px 10px; font-weight: 500; }
.saga-docs-bar a:hover { background: #f1f5f9; color: #0f172a; }
.saga-docs-bar a:focus-visible { outline: 2px solid #0ea5e9; outline-offset: 1px; }
.saga-docs-bar a[aria-current="page"] { background: #0f172a; color: #fff; }
.saga-docs-bar .saga-docs-home { color: #0f172a; font-size: 18px; font-weight: 600; padding: 4px 8px 4px 0; }
.saga-docs-bar ul { display: flex; flex-wrap: wrap; gap: 2px; margin: 0; padding: 0; list-style: none; }
`;

// Our own three: Swagger UI's start-up (no inline script on the page), ReDoc's page margin, and the bar
// back to the app.
const ownAssets = {
  "swagger-ui-init.js": { contentType: JS, text: async () => swaggerInitScript },
  "redoc.css": { contentType: CSS, text: async () => "body { margin: 0; padding: 0; }\n" },
  "docs-bar.css": { contentType: CSS, text: async () => docsBarStyle },
} satisfies Record<string, Asset>;

const packageAssets = {
  "swagger-ui.css": { contentType: CSS, packageFile: ["swagger-ui-dist", "swagger-ui.css"] },
  "swagger-ui-bundle.js": { contentType: JS, packageFile: ["swagger-ui-dist", "swagger-ui-bundle.js"] },
  "redoc.standalone.js": {
    contentType: JS,
    packageFile: ["redoc", "bundles", "redoc.standalone.js"],
    // ReDoc's "API docs by Redocly" footer always loads its logo from Redocly's CDN (no option turns it
    // off, and a hidden image still loads): offline, a failed request and a console error. An empty
    // inline image takes its place; the attribution and its link stay.
    replace: [["https://cdn.redoc.ly/redoc/logo-mini.svg", "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"]],
  },
} satisfies Record<string, Asset>;

const assets: Record<string, Asset> = { ...ownAssets, ...packageAssets };

export type AssetName = keyof typeof ownAssets | keyof typeof packageAssets;

// The packages' versions in the URL: an upgrade changes it, so a browser never keeps a stale copy.
const version = `${swaggerPackage.version}-${redocPackage.version}`;

export function assetUrl(name: AssetName): string {
  return `/docs/assets/${name}?v=${version}`;
}

const cache = new Map<string, Promise<string>>();

async function read(asset: Asset): Promise<string> {
  if ("text" in asset) return asset.text();
  const text = await readFile(path.join(/* turbopackIgnore: true */ process.cwd(), "node_modules", ...asset.packageFile), "utf8");
  return (asset.replace ?? []).reduce((result, [from, to]) => result.replaceAll(from, to), text);
}

/** The asset's answer, or null when the name is not one of ours. Each file is read once per process. */
export async function assetResponse(name: string): Promise<Response | null> {
  const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
  if (!asset) return null;
  let body = cache.get(name);
  if (!body) {
    body = read(asset);
    cache.set(name, body);
    // A failed read (a missing file) is not remembered: the next request tries again.
    body.catch(() => cache.delete(name));
  }
  return new Response(await body, {
    headers: { "content-type": asset.contentType, "cache-control": "public, max-age=86400", "x-content-type-options": "nosniff" },
  });
}
