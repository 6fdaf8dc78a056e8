/** GET /v1/cases/{caseId}/archive: one person, one file (一人一档), as JSON or a zip of forms. */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ARCHIVE_SHA256_HEADER, archiveQuery } from '../../../schemas/archive';
import { caseIdParam } from '../../../schemas/common';
import { type ArchiveDeps, buildArchive } from '../../domain/archive/archive';
import { archiveFiles } from '../../domain/archive/archive-files';
import { canonicalJson } from '../../crypto/canonical-json';
import { callerOf, type HttpResult, noteCases, type RouteHandler } from '../../http/context';
import { BASE_HEADERS } from '../../http/responses';
import { parseQuery, parseWith } from '../../http/validate';
import { ValidationError } from '../../shared/errors';
import { deterministicZip } from '../../shared/zip';

const params = z.object({ caseId: caseIdParam });

export function archiveHandler(deps: ArchiveDeps): RouteHandler {
  return async (event, context) => {
    const caller = callerOf(context);
    const { caseId } = parseWith(params, event.pathParameters ?? {});
    noteCases(context, caseId);
    const { format } = parseQuery(archiveQuery, event.queryStringParameters);
    if (!caller.purpose) {
      throw new ValidationError(
        [{ path: 'purpose', message: 'the signed request must declare a purpose (claim "purpose")', message_zh: '签名请求须声明目的' }],
        'A purpose is required to export a case',
      );
    }
    const { archive, disclosure, recordIds } = await buildArchive(deps, caller, caseId, caller.purpose);
    context.hub.recordIds.push(...recordIds);
    context.hub.disclosure = { ...disclosure, format };
    const bytes = format === 'zip' ? deterministicZip(archiveFiles(archive)) : Buffer.from(canonicalJson(archive), 'utf8');
    return download(bytes, format, caseId, context.hub.requestId);
  };
}

function download(bytes: Uint8Array, format: 'json' | 'zip', caseId: string, requestId: string): HttpResult {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const digest = createHash('sha256').update(buffer);
  const hex = digest.copy().digest('hex');
  const headers = {
    ...BASE_HEADERS,
    'x-request-id': requestId,
    [ARCHIVE_SHA256_HEADER]: hex,
    // RFC 9530: the digest of the representation, as a structured field.
    'repr-digest': `sha-256=:${digest.digest('base64')}:`,
  };
  if (format === 'json') return { statusCode: 200, headers, body: buffer.toString('utf8') };
  return {
    statusCode: 200,
    headers: { ...headers, 'content-type': 'application/zip', 'content-disposition': `attachment; filename="archive-${caseId}.zip"` },
    body: buffer.toString('base64'),
    isBase64Encoded: true,
  };
}
