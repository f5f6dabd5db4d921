/**
 * The interactive API docs, as FastAPI serves them: Swagger UI at /docs and ReDoc at /redoc, both
 * reading /openapi.json. Their scripts and styles come from the npm packages through /docs/assets
 * (lib/docs/docs-assets.ts), never a CDN: the docs work offline, and a page loads nothing from elsewhere.
 * No inline script either, so the pages keep working under a `script-src 'self'` policy.
 */
import { assetUrl, OPENAPI_URL } from "./docs-assets";

/** The API's name: the OpenAPI document's title, and the pages' as FastAPI words them ("<title> - ReDoc"). */
export const API_TITLE = "Saga Studio";

const htmlHeaders = { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" };

/**
 * The way back to the app, above the docs (which, being FastAPI's pages, have none of their own): the app's
 * name to the dashboard, and the app header's links, this page's marked as the current one.
 */
function appBar(current: "/docs" | "/redoc"): string {
  const links = [
    ["/", "Dashboard"],
    ["/workflow", "Workflow"],
    ["/docs", "API docs"],
    ["/redoc", "ReDoc"],
  ]
    .map(([href, label]) => `<li><a href="${href}"${href === current ? ' aria-current="page"' : ""}>${label}</a></li>`)
    .join("");
  return `<nav class="saga-docs-bar" aria-label="Saga Studio"><a class="saga-docs-home" href="/">Saga Studio</a><ul>${links}</ul></nav>`;
}

export function swaggerUiPage(): Response {
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${API_TITLE} - Swagger UI</title>
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="stylesheet" type="text/css" href="${assetUrl("swagger-ui.css")}">
<link rel="stylesheet" type="text/css" href="${assetUrl("docs-bar.css")}">
</head>
<body>
${appBar("/docs")}
<div id="swagger-ui"></div>
<script src="${assetUrl("swagger-ui-bundle.js")}"></script>
<script src="${assetUrl("swagger-ui-init.js")}"></script>
</body>
</html>
`;
  return new Response(html, { headers: htmlHeaders });
}

export function redocPage(): Response {
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${API_TITLE} - ReDoc</title>
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="stylesheet" type="text/css" href="${assetUrl("redoc.css")}">
<link rel="stylesheet" type="text/css" href="${assetUrl("docs-bar.css")}">
</head>
<body>
${appBar("/redoc")}
<noscript>ReDoc requires Javascript to function. Please enable it to browse the documentation.</noscript>
<redoc spec-url="${OPENAPI_URL}"></redoc>
<script src="${assetUrl("redoc.standalone.js")}"></script>
</body>
</html>
`;
  return new Response(html, { headers: htmlHeaders });
}
