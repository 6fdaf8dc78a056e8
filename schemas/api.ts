/**
 * The API contract: every route with its request and response schemas. The
 * OpenAPI description (schemas/openapi.ts) is generated from this table, and
 * lambdas/routes.ts must map every key here to a Lambda route group.
 */
import * as z from 'zod';
import { childRecordV1 } from './child-record';
import {
  caseHistoryResponse,
  decideReviewBody,
  decideReviewResponse,
  ledgerQuery,
  ledgerResponse,
  mergeBody,
  mergeResponse,
  reviewsQuery,
  reviewsResponse,
  splitBody,
  splitResponse,
} from './cases';
import { CARE_ROUTES } from './api-care';
import { archiveQuery, caseArchive } from './archive';
import type { RouteContract } from './route-contract';
import { hubKeysResponse, notificationsQuery, notificationsResponse } from './notifications';
import { CONSOLE_CONFIG_FILE, CONSOLE_FILES } from './console';
import { caseIdParam, consentIdParam, recordIdParam, reviewIdParam } from './common';
import { jobIdParam, listJobQuery, listJobResponse, submitListResponse } from './lists';
import { accessReportQuery, auditEventsQuery, verifyQuery, verifyResponse } from './audit';
import {
  caseConsentsResponse,
  caseViewResponse,
  confirmBody,
  confirmResponse,
  consentBody,
  consentsQuery,
  consentView,
  emergencyBody,
  withdrawBody,
} from './consent';

export const linkStatus = z.enum(['auto', 'review', 'new', 'merged', 'split']).meta({
  description:
    'auto: joined an existing case; review: opened its own case, a possible link awaits review; new: no other agency holds this child yet; merged/split: moved by the coordinating role',
});

export const publishRecordResponse = z
  .object({
    recordId: recordIdParam,
    version: z.number().int().min(1),
    status: z.enum(['created', 'updated', 'unchanged']).meta({
      description: 'created: first publish; updated: content changed, a new version was kept; unchanged: same content as the current version',
    }),
    caseId: caseIdParam.meta({ description: 'The case (个案) this child belongs to; stable once assigned' }),
    link: linkStatus,
    reviewId: z.string().optional().meta({ description: 'Set when a possible link waits for the coordinating role' }),
    otherHolders: z.boolean().meta({ description: 'Whether other agencies hold records in this case (never who or what, unless consent allows)' }),
  })
  .meta({ id: 'PublishRecordResponse' });

export const recordResponse = z
  .object({
    recordId: recordIdParam,
    version: z.number().int().min(1),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    caseId: caseIdParam.optional(),
    link: linkStatus.optional(),
    record: childRecordV1,
  })
  .meta({ id: 'RecordResponse' });

export const healthResponse = z
  .object({ status: z.literal('ok'), hubId: z.string(), province: z.string(), protocol: z.literal('xinqiao-signed-request/v1') })
  .meta({ id: 'HealthResponse' });

export const API_ROUTES = {
  'GET /v1/health': {
    summary: 'Liveness of the hub (public: no signature)',
    summaryZh: '服务状态（公开接口，无需签名）',
    auth: 'public',
    responses: { 200: { description: 'The hub is up', schema: healthResponse } },
  },
  'GET /v1/hub-keys': {
    summary: "The hub's public keys that sign notifications (JWKS): receivers verify each notification's signature with them",
    summaryZh: '枢纽签发通知所用的公钥（JWKS），接收方据此验证通知签名',
    auth: 'public',
    responses: { 200: { description: 'The current key first, then keys being retired', schema: hubKeysResponse } },
  },
  'GET /v1/openapi.json': {
    summary: 'This API description (OpenAPI 3.1)',
    summaryZh: '接口说明（OpenAPI 3.1）',
    auth: 'signed',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: z.record(z.string(), z.unknown()) } },
  },
  'POST /v1/records': {
    summary: "Publish a child record from the agency's list (idempotent on externalId)",
    summaryZh: '发布儿童记录（按机构内部编号幂等）',
    auth: 'signed',
    body: childRecordV1,
    responses: {
      201: { description: 'A new record was created', schema: publishRecordResponse },
      200: { description: 'The record existed: updated to a new version, or unchanged', schema: publishRecordResponse },
    },
  },
  'GET /v1/records/{recordId}': {
    summary: 'Read a record; only the publishing agency gets it, anyone else gets 404',
    summaryZh: '读取本机构发布的记录（其他机构一律返回 404）',
    discloses: true,
    auth: 'signed',
    pathParams: { recordId: recordIdParam },
    responses: { 200: { description: 'The current version of the record', schema: recordResponse } },
  },
  'GET /v1/ledger': {
    summary: 'The province ledger of key children (one row per case), filtered; JSON pages or CSV (format=csv). Coordinating role only',
    summaryZh: '重点关爱对象台账（每个个案一行），可筛选；支持 CSV 导出。仅限统筹部门',
    auth: 'signed',
    query: ledgerQuery,
    responses: { 200: { description: 'Ledger rows (or text/csv with format=csv)', schema: ledgerResponse } },
  },
  'GET /v1/reviews': {
    summary: 'Candidate pairs waiting for review, with field-by-field explanations. Coordinating role only',
    summaryZh: '待人工复核的候选记录对。仅限统筹部门',
    auth: 'signed',
    query: reviewsQuery,
    responses: { 200: { description: 'Review items', schema: reviewsResponse } },
  },
  'POST /v1/reviews/{reviewId}': {
    summary: 'Confirm (merge the two cases) or reject a candidate pair, with a reason. Coordinating role only',
    summaryZh: '确认（合并个案）或否决候选记录对，并说明理由。仅限统筹部门',
    auth: 'signed',
    pathParams: { reviewId: reviewIdParam },
    body: decideReviewBody,
    responses: { 200: { description: 'The decided review', schema: decideReviewResponse } },
  },
  'POST /v1/cases/{caseId}/merge': {
    summary: 'Merge another case into this one (this case keeps its id). Coordinating role only',
    summaryZh: '将另一个案合并入本个案（保留本个案编号）。仅限统筹部门',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    body: mergeBody,
    responses: { 200: { description: 'The merged case', schema: mergeResponse } },
  },
  'POST /v1/cases/{caseId}/split': {
    summary: 'Split records off this case into a new case (undo a wrong link). Coordinating role only',
    summaryZh: '将记录从本个案拆分至新个案（纠正错误关联）。仅限统筹部门',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    body: splitBody,
    responses: { 200: { description: 'The two cases', schema: splitResponse } },
  },
  'GET /v1/cases/{caseId}/history': {
    summary: 'Members and history of a case (created, linked, merged, split). Coordinating role only',
    summaryZh: '个案成员及变更历史。仅限统筹部门',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    responses: { 200: { description: 'Members and events', schema: caseHistoryResponse } },
  },
  'POST /v1/lists': {
    summary:
      'Upload a whole list (body text/csv or application/x-ndjson, at most 5 MB / 50,000 rows); answers 202 with a job id. The same list again answers 200 with the same job',
    summaryZh: '批量上报名单（CSV 或 JSONL，不超过 5 MB / 5 万行），立即返回任务编号；重复上报同一名单返回原任务',
    auth: 'signed',
    rawBody: ['text/csv', 'application/x-ndjson'],
    responses: {
      202: { description: 'A new job was queued', schema: submitListResponse },
      200: { description: 'This list was uploaded before: its job', schema: submitListResponse },
    },
  },
  'GET /v1/lists/{jobId}': {
    summary: 'Progress and the per-row report of a list job (the uploading agency only)',
    summaryZh: '名单任务进度及逐行结果（仅限上报机构）',
    auth: 'signed',
    pathParams: { jobId: jobIdParam },
    query: listJobQuery,
    responses: { 200: { description: 'The job and a page of row reports', schema: listJobResponse } },
  },
  'POST /v1/consents': {
    summary:
      "Record a guardian's (or the child's, or civil affairs as guardian) consent for a case. Only an agency holding a record in the case. It covers the recording agency's own records; another holder's only once that holder confirms it (civil affairs as guardian excepted). The other holders are notified by consent id",
    summaryZh:
      '记录监护人（或年满十四周岁儿童、民政监护）对个案信息共享的同意；仅限在该个案中有记录的机构。同意仅涵盖记录机构本身的记录，其他机构的记录须经该机构确认（民政作为监护人除外）；其他持有机构将收到同意编号通知',
    auth: 'signed',
    body: consentBody,
    responses: {
      201: { description: 'The consent (immutable)', schema: consentView },
      200: { description: 'This signed form was recorded before with the same terms (a retry): that consent', schema: consentView },
    },
  },
  'GET /v1/consents': {
    summary: 'Consents (with status) and emergency grants of a case',
    summaryZh: '个案的同意记录（含状态）及紧急访问记录',
    auth: 'signed',
    query: consentsQuery,
    responses: {
      200: { description: 'Consents and emergency grants; other holders as `holder:N` unless they may be identified', schema: caseConsentsResponse },
    },
  },
  'POST /v1/consents/{consentId}/withdraw': {
    summary: 'Withdraw a consent; takes effect on the next request',
    summaryZh: '撤回同意，下一次请求即生效',
    auth: 'signed',
    pathParams: { consentId: consentIdParam },
    body: withdrawBody,
    responses: {
      200: {
        description: 'Withdrawn',
        schema: z.object({ consentId: consentIdParam, status: z.literal('withdrawn'), caseId: z.string(), withdrawnAt: z.iso.datetime() }),
      },
    },
  },
  'POST /v1/consents/{consentId}/confirm': {
    summary:
      "Confirm, as a holder of the case, that a consent another agency recorded covers your agency's records too; with withdraw=true take that back. Takes effect on the next request",
    summaryZh: '作为个案记录持有机构，确认其他机构记录的同意同样涵盖本机构的记录；withdraw=true 时撤回确认。下一次请求即生效',
    auth: 'signed',
    pathParams: { consentId: consentIdParam },
    body: confirmBody,
    responses: { 200: { description: 'Your confirmation, as it now stands', schema: confirmResponse } },
  },
  'GET /v1/cases/{caseId}': {
    summary:
      'The case for a declared purpose (claim "purpose"): own records in full, others only as consent or emergency access allows, with what was withheld and why',
    summaryZh: '按声明目的读取个案：本机构记录完整可见，其他机构记录仅按同意或紧急访问披露，并列明未披露项及原因',
    discloses: true,
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    responses: { 200: { description: 'The gated case view', schema: caseViewResponse } },
  },
  'GET /v1/cases/{caseId}/archive': {
    summary:
      'One person, one file: the whole file of a child as you may see it under your declared purpose (claim "purpose"): file form, identification and assessment, contacts and interviews, referrals with their transitions, care plans, care team, key-recipient episodes, agreements, consents, and what was withheld and why. JSON, or format=zip (one CSV per form with Chinese headers, UTF-8 with BOM, plus a manifest). Deterministic: the same state gives the same bytes, whose SHA-256 is in X-Content-SHA256. A holder of the case only',
    summaryZh:
      '一人一档：按声明目的导出儿童完整档案（档案表、识别表与评估表、观察访谈与随访记录、转介及流转、关爱方案、关爱团队、重点关爱台账、服务同意、数据共享同意），并列明未披露项及原因。JSON 或 format=zip（每张表一个 CSV，中文表头，UTF-8 带 BOM，附清单）。同一状态导出的字节相同，其 SHA-256 见 X-Content-SHA256。仅限个案记录持有机构',
    discloses: true,
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    query: archiveQuery,
    responses: {
      200: {
        description: 'The file (application/json), or with format=zip the forms as a zip (application/zip)',
        schema: caseArchive,
        mediaTypes: ['application/json', 'application/zip'],
      },
    },
  },
  'POST /v1/cases/{caseId}/emergency': {
    summary:
      'Open emergency access to a case without consent, for a crisis: bounded in time, this agency only, audited at high severity, privacy officers notified',
    summaryZh: '危机情况下无同意开启紧急访问：限时、仅限本机构、高等级审计并通知隐私官',
    discloses: true,
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    body: emergencyBody,
    responses: {
      201: {
        description: 'The emergency grant',
        schema: z.object({ grantId: z.string(), caseId: z.string(), agencyId: z.string(), openedAt: z.iso.datetime(), expiresAt: z.iso.datetime() }),
      },
    },
  },
  'GET /v1/notifications': {
    summary:
      "This agency's notifications (record linked to a case it holds, consent recorded or withdrawn, referral moves, care-loop events; codes and ids only), each signed by the hub for this agency; with after and wait, a long-poll for what comes next",
    summaryZh: '本机构的通知（记录关联、同意记录或撤回、转介进展、关爱事项；仅含代码与编号），每条均由枢纽签名；带 after 与 wait 时为长轮询，等待新通知',
    auth: 'signed',
    query: notificationsQuery,
    responses: { 200: { description: 'Newest first, or with after oldest first after the cursor', schema: notificationsResponse } },
  },
  ...CARE_ROUTES,
  'GET /v1/audit/verify': {
    summary:
      'Verify the audit trail (hash chains, heads, signed digests), in full or from the last verified signed digest; names the first changed, deleted, reordered or cut-off event. Privacy officers only',
    summaryZh: '校验审计记录（哈希链、链头、签名摘要），可全量或自上次校验通过的签名摘要起增量校验，指出第一处被篡改、删除、重排或截断的记录。仅限隐私官',
    auth: 'signed',
    query: verifyQuery,
    responses: { 200: { description: 'The verification result', schema: verifyResponse } },
  },
  'POST /v1/audit/digests': {
    summary: 'Seal a signed digest of the chain heads now (the stack also seals on a schedule). Privacy officers only',
    summaryZh: '立即生成签名摘要（系统亦定时生成）。仅限隐私官',
    auth: 'signed',
    responses: { 201: { description: 'The digest', schema: z.record(z.string(), z.unknown()) } },
  },
  'GET /v1/audit/events': {
    summary: 'Audit events filtered by case, agency, staff member, action, outcome and time; JSON or CSV. Privacy officers only',
    summaryZh: '按个案、机构、经办人、操作、结果、时间筛选审计记录；支持 CSV 导出。仅限隐私官',
    auth: 'signed',
    query: auditEventsQuery,
    responses: {
      200: {
        description: 'Events, newest first; nextCursor continues',
        schema: z.object({ items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().optional() }),
      },
    },
  },
  'GET /v1/audit/cases/{caseId}/access-report': {
    summary:
      "A case's access report: every disclosure of the child's data with time, agency, staff member, purpose and legal basis; JSON or CSV. Privacy officers only",
    summaryZh: '个案访问报告：儿童信息每次披露的时间、机构、经办人、目的及法律依据；支持 CSV。仅限隐私官',
    auth: 'signed',
    pathParams: { caseId: caseIdParam },
    query: accessReportQuery,
    responses: { 200: { description: 'The access report', schema: z.object({ caseId: z.string(), entries: z.array(z.record(z.string(), z.unknown())) }) } },
  },
  'GET /v1/audit/notifications': {
    summary: "Privacy officers' notifications (emergency access). Privacy officers only",
    summaryZh: '隐私官通知（紧急访问等）。仅限隐私官',
    auth: 'signed',
    responses: { 200: { description: 'Newest first', schema: z.object({ items: z.array(z.record(z.string(), z.unknown())) }) } },
  },
  'POST /v1/audit/alerts/run': {
    summary:
      'Evaluate the alert thresholds over the current window now (the stack also does it on a schedule); new alerts notify officers once. Privacy officers only',
    summaryZh: '立即按阈值评估当前时间窗口的异常访问（系统亦定时评估）；新告警只通知一次。仅限隐私官',
    auth: 'signed',
    responses: { 200: { description: 'Alerts in the current window', schema: z.object({ alerts: z.array(z.record(z.string(), z.unknown())) }) } },
  },
  'GET /console': {
    summary: "The privacy officers' console (redirects to /console/index.html); it signs its own API requests in the browser",
    summaryZh: '隐私官控制台（跳转至 /console/index.html）',
    auth: 'public',
    responses: { 301: { description: 'Redirect', schema: z.string() } },
  },
  'GET /console/{file}': {
    summary: "The privacy officers' console files (index.html, app.js, style.css, config.json, and uPlot's script and stylesheet for the charts)",
    summaryZh: '隐私官控制台文件',
    auth: 'public',
    pathParams: { file: z.enum([CONSOLE_CONFIG_FILE.name, ...Object.keys(CONSOLE_FILES)]) },
    responses: {
      200: { description: 'The file, with its media type', schema: z.string(), mediaTypes: [...Object.values(CONSOLE_FILES), CONSOLE_CONFIG_FILE.type] },
    },
  },
} as const satisfies Record<string, RouteContract>;

export type { RouteContract } from './route-contract';
export type RouteKey = keyof typeof API_ROUTES;
