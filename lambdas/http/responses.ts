/** Response helpers: JSON with the headers every hub response carries. */
import type { HttpResult } from './context';

export const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

export function json(statusCode: number, body: unknown, requestId: string, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...BASE_HEADERS, 'x-request-id': requestId, ...headers }, body: JSON.stringify(body) };
}

/** A CSV download (see lambdas/shared/csv.ts for the document itself). */
export function csv(body: string, requestId: string, filename: string): HttpResult {
  return {
    statusCode: 200,
    headers: {
      ...BASE_HEADERS,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'x-request-id': requestId,
    },
    body,
  };
}
