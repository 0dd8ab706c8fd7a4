/**
 * The built Angular app, when there is one, and the not-found answers: JSON under /api, the SPA's
 * index.html for other GETs so deep links like /work-orders/wo-000042 load the app.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { API_PREFIX } from '../../../contract/protocol';
import { sendError } from '../errors';

/** The app build's output folder, relative to the repository root. */
export const DEFAULT_STATIC_DIR = path.join('dist', 'field-sync', 'browser');

/** The folder to serve, or null when it has no index.html (e.g. the app was never built). */
export function resolveStaticDir(dir: string | undefined, repoRoot: string): string | null {
  const candidate = path.resolve(repoRoot, dir ?? DEFAULT_STATIC_DIR);
  return existsSync(path.join(candidate, 'index.html')) ? candidate : null;
}

/**
 * Files whose name changes with their content may be cached for good; the rest must revalidate.
 * A precompressed copy (`.br`, `.gz`) is cached like the file it stands for.
 */
const HASHED_FILE = /[.-][0-9a-zA-Z]{8,}\.(js|css|woff2?|png|svg|jpg|webp)(\.br|\.gz)?$/;

/** Under /api: JSON answers, never the app shell, never cached. */
export function isApi(url: string): boolean {
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);
}

/** A page navigation, not a missing asset: a browser asking for HTML, or a path without a file extension. */
function wantsAppShell(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const lastSegment = (request.url.split('?')[0] ?? '').split('/').pop() ?? '';
  return (request.headers.accept ?? '').includes('text/html') || !lastSegment.includes('.');
}

export async function registerStaticApp(app: FastifyInstance, root: string | null): Promise<void> {
  if (root) {
    await app.register(fastifyStatic, {
      root,
      wildcard: true,
      // The `.br`/`.gz` copies `npm run build` writes beside each text file (precompress.ts), to
      // browsers that accept them; the file itself to the rest, or where there is no copy.
      preCompressed: true,
      // Off so the plugin's own max-age=0 doesn't override the policy set just below.
      cacheControl: false,
      // index.html, ngsw.json and the service worker must revalidate, or clients keep running an
      // old build; hashed bundles never change under their name.
      setHeaders: (res, filePath) => {
        res.setHeader(
          'cache-control',
          HASHED_FILE.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
    // Any file of the app may be sent as a compressed copy, the app shell of a deep link too:
    // a cache must key on the encoding. Added to what the reply holds (CORS puts Origin there).
    app.addHook('onSend', async (request, reply, payload) => {
      if (!isApi(request.url)) varyOnEncoding(reply);
      return payload;
    });
  }

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url;
    if (root && !isApi(url) && wantsAppShell(request)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    const where = url.split('?')[0];
    return sendError(reply, 404, `no route ${request.method} ${where}`);
  });
}

function varyOnEncoding(reply: FastifyReply): void {
  const vary = String(reply.getHeader('vary') ?? '');
  if (/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(vary)) return;
  reply.header('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
}
