/** GET /console and GET /console/{file}: the privacy officers' console, static files with a strict CSP. */
import { CONSOLE_CONFIG_FILE, CONSOLE_FILES } from '../../../schemas/console';
import type { RouteHandler } from '../../http/context';
import { NotFoundError } from '../../shared/errors';

export { CONSOLE_FILES };

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
    // Read once by the request-path middleware: `index%2Ehtml` is `index.html`.
    const name = event.pathParameters?.file ?? 'index.html';
    if (name === CONSOLE_CONFIG_FILE.name)
      return { statusCode: 200, headers: { ...headers, 'content-type': CONSOLE_CONFIG_FILE.type }, body: JSON.stringify({ hubId }) };
    // Own keys only: `constructor` or `__proto__` must not find Object's members.
    const type = Object.hasOwn(CONSOLE_FILES, name) ? CONSOLE_FILES[name] : undefined;
    const body = Object.hasOwn(files, name) ? files[name] : undefined;
    // An unknown file is answered like every other error: the standard body, from the error mapper.
    if (!type || body === undefined) throw new NotFoundError('No such console file');
    return { statusCode: 200, headers: { ...headers, 'content-type': type }, body };
  };
}
