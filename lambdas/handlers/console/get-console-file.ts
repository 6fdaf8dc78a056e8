/** GET /console and GET /console/{file}: the privacy officers' console, static files with a strict CSP. */
import type { RouteHandler } from '../../http/context';

export const CONSOLE_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

export const CONSOLE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

/** `files` maps a file name to its text (bundled into the Lambda at synth, read from console/ locally). */
export function getConsoleFile(files: Readonly<Record<string, string>>, hubId: string): RouteHandler {
  return async (event, context) => {
    const headers = { ...CONSOLE_HEADERS, 'x-request-id': context.hub.requestId };
    if (event.routeKey === 'GET /console') return { statusCode: 301, headers: { ...headers, location: '/console/index.html' }, body: '' };
    const name = event.pathParameters?.file ?? 'index.html';
    if (name === 'config.json')
      return { statusCode: 200, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ hubId }) };
    const type = CONSOLE_FILES[name];
    const body = files[name];
    if (!type || body === undefined) return { statusCode: 404, headers, body: '' };
    return { statusCode: 200, headers: { ...headers, 'content-type': type }, body };
  };
}
