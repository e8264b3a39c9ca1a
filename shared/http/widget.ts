/**
 * `/proxy/widget.js` and `/proxy/widget.<hash>.js`: the storefront widget. Public: it is the same
 * script for everyone, so these two answer without the App Proxy signature (mounted before the
 * signed routes, whose middleware never runs for them).
 *
 * `widget.js`, the URL a theme knows, is a one-line loader cached for 5 minutes and revalidated by
 * ETag; it imports `widget.<hash>.js`, the code itself, cached for a year as immutable. A deploy
 * reaches every store within 5 minutes, and a browser downloads each version of the code once.
 */
import { gunzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { widgetBundle } from './widget-bundle.generated.ts';

const LOADER_CACHE = 'public, max-age=300';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export interface WidgetBundle {
  hash: string;
  gzipBase64: string;
}

/** The widget's code as text, from the committed bundle. */
export function widgetJs(bundle: WidgetBundle = widgetBundle): string {
  return gunzipSync(Buffer.from(bundle.gzipBase64, 'base64')).toString('utf8');
}

export function widgetRoutes(bundle: WidgetBundle = widgetBundle) {
  const etag = `W/"${bundle.hash}"`;
  const loader = `import"./widget.${bundle.hash}.js";\n`;
  // Decoded on first use, once per process.
  let gzipped: Uint8Array<ArrayBuffer> | undefined;
  let js: string | undefined;
  const code = () => (js ??= widgetJs(bundle));

  const script = (c: Context, what: 'loader' | 'code', cacheControl: string) => {
    const headers: Record<string, string> = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': cacheControl,
      etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    };
    if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      return c.body(null, 304, headers);
    }
    if (what === 'code' && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      gzipped ??= new Uint8Array(Buffer.from(bundle.gzipBase64, 'base64'));
      return c.body(gzipped, 200, { ...headers, 'content-encoding': 'gzip' });
    }
    return c.body(what === 'code' ? code() : loader, 200, headers);
  };

  return new Hono()
    .get('/widget.js', (c) => script(c, 'loader', LOADER_CACHE))
    .get('/:file{widget\\.[0-9a-f]{12}\\.js}', (c) =>
      // Another version's URL (a loader cached from before a deploy) gets today's code, briefly cached.
      script(c, 'code', c.req.param('file') === `widget.${bundle.hash}.js` ? IMMUTABLE_CACHE : LOADER_CACHE),
    );
}
