// GET /docs: a browsable Swagger UI of /openapi.json, served entirely from this process (the UI's
// script and styles come from the swagger-ui-dist package, so the page works offline).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Hono } from "hono";

const require = createRequire(import.meta.url);
const distDir = path.dirname(require.resolve("swagger-ui-dist/package.json"));

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

const cache = new Map<string, Uint8Array<ArrayBuffer>>();

async function asset(name: string): Promise<Uint8Array<ArrayBuffer>> {
  let body = cache.get(name);
  if (!body) {
    body = new Uint8Array(await readFile(path.join(distDir, name)));
    cache.set(name, body);
  }
  return body;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>mvx control plane API</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" />
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true });
  </script>
</body>
</html>`;

/** The /docs page and its static assets. */
export function docsRoutes(): Hono {
  const app = new Hono();
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs/assets/:name", async (c) => {
    const name = c.req.param("name");
    const type = ASSETS[name];
    if (!type) return c.notFound();
    return c.body(await asset(name), 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
  return app;
}
