import { createHash } from "node:crypto";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { InspectorAssets } from "../inspector/inspector-assets.js";

/** Options of {@link inspectorRoutes}. */
export interface InspectorRoutesOptions {
  /** The built inspector; null shows a page that says how to build it. */
  assets: InspectorAssets | null;
}

// Everything comes from this origin; no inline script or style, no framing, no plugin content.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const page = (body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>NeonHub inspector</title><link rel="stylesheet" href="/inspector/app.css"></head><body>${body}</body></html>`;

const secure = (reply: FastifyReply): FastifyReply =>
  reply
    .header("content-security-policy", CONTENT_SECURITY_POLICY)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "no-referrer")
    .header("x-frame-options", "DENY");

/** `GET /`: the inspector page, and its script and style sheet under `/inspector/`. */
export const inspectorRoutes: FastifyPluginAsync<InspectorRoutesOptions> = async (fastify, options) => {
  const assets = options.assets;
  const html = assets
    ? page(`<div id="app"></div><script type="module" src="/inspector/app.js"></script>`)
    : page(`<main><h1>NeonHub inspector</h1><p>The inspector is not built. Run <code>pnpm build</code> and start the host again.</p></main>`);
  const version = createHash("sha256").update(html).update(assets?.script ?? "").update(assets?.styles ?? "").digest("base64url").slice(0, 16);
  const etag = `"${version}"`;
  const serve = (reply: FastifyReply, contentType: string, body: string) =>
    secure(reply).header("content-type", contentType).header("cache-control", "no-cache").header("etag", etag).send(body);

  fastify.get("/", { schema: { hide: true } }, async (_request, reply) => serve(reply, "text/html; charset=utf-8", html));
  if (!assets) return;
  fastify.get("/inspector/app.js", { schema: { hide: true } }, async (request, reply) =>
    request.headers["if-none-match"] === etag ? reply.code(304).send() : serve(reply, "text/javascript; charset=utf-8", assets.script),
  );
  fastify.get("/inspector/app.css", { schema: { hide: true } }, async (request, reply) =>
    request.headers["if-none-match"] === etag ? reply.code(304).send() : serve(reply, "text/css; charset=utf-8", assets.styles),
  );
};
