/**
 * HubClient: the transport (transport.ts) with a typed method per route of the API contract, and async iterators
 * over the paged listings. A typed method resolves to the body of a success answer and rejects with a HubError
 * (its stable `code`) for any other; `get`/`post`/`request` remain for raw access (CSV, the zip, any status).
 */
import { HubError } from './errors.js';
import { NotificationSignatureError, type SignedNotification, verifyNotification } from './notifications.js';
import type { ApiRoutes, RouteKey } from './routes.js';
import { type CallOptions, HubTransport } from './transport.js';
import type * as T from './types.js';

type Params<K extends RouteKey> = ApiRoutes[K]['params'];
type Query<K extends RouteKey> = ApiRoutes[K]['query'];
type Body<K extends RouteKey> = ApiRoutes[K]['body'];
type Answer<K extends RouteKey> = ApiRoutes[K]['response'];

/** What a route needs from the caller: its path parameters, its query (required when it has required members), its body. */
export type RouteInput<K extends RouteKey> = (keyof Params<K> extends never ? { params?: undefined } : { params: Params<K> }) &
  (keyof Query<K> extends never ? { query?: undefined } : Record<never, never> extends Query<K> ? { query?: Query<K> } : { query: Query<K> }) &
  (Body<K> extends undefined ? { body?: undefined } : { body: Body<K> });

/** The routes that page with a `cursor` query parameter (the next one in `cursor`, or `nextCursor` for audit events). */
export type CursorRoute = { [K in RouteKey]: 'cursor' extends keyof Query<K> ? K : never }[RouteKey];

/** One item of a listing's page. */
export type ItemOf<K extends RouteKey> = Answer<K> extends { items: readonly (infer I)[] } ? I : never;

/** A listing's query for an iterator: the cursor is the iterator's, and pages are JSON. */
type PagedQuery<K extends RouteKey> = Omit<Query<K>, 'cursor' | 'format'>;

const PARAM = /\{([A-Za-z]+)\}/g;

/** `METHOD /path/{param}` with its parameters filled in (each encoded) and its query appended. */
export function pathOf(route: RouteKey, params: Record<string, string> = {}, query: Record<string, unknown> = {}): { method: string; path: string } {
  const [method, template] = route.split(' ') as [string, string];
  const path = template.replace(PARAM, (_, name: string) => {
    const value = params[name];
    if (typeof value !== 'string' || value === '') throw new TypeError(`${route}: the path parameter ${name} is required`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, String(one));
  }
  const qs = search.toString();
  return { method, path: qs ? `${path}?${qs}` : path };
}

/**
 * @example
 * const hub = new HubClient({ baseUrl: 'http://127.0.0.1:4000', hubId: 'xinqiao-540000', credentials, sub: 'teacher-017' });
 * const published = await hub.publishRecord({ externalId: 'E-1', name: '张三', categories: ['left_behind'] });
 * const view = await hub.getCase(published.caseId, { purpose: 'assessment' });
 * for await (const item of hub.worklist({ due: 'overdue' })) console.log(item.kind, item.daysOverdue);
 */
export class HubClient extends HubTransport {
  /** Any route of the contract, typed: resolves to its success body, rejects with a HubError otherwise. */
  async call<K extends RouteKey>(route: K, input: RouteInput<K>, options: CallOptions = {}): Promise<Answer<K>> {
    const { params, query, body } = input as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
    const { method, path } = pathOf(route, params, query);
    const raw = typeof body === 'string' || body instanceof Uint8Array;
    const res = await this.request<Answer<K>>(method, path, body === undefined ? undefined : raw ? body : JSON.stringify(body), options);
    if (res.status >= 200 && res.status < 300) return res.body;
    throw HubError.of(res.status, res.body);
  }

  /** Every item of a cursor-paged listing, page after page, fetched as the loop asks for them. */
  async *paginate<K extends CursorRoute>(route: K, input: RouteInput<K>, options: CallOptions = {}): AsyncGenerator<ItemOf<K>, void, undefined> {
    const given = input as { query?: Record<string, unknown> };
    let cursor: string | undefined;
    do {
      const query = { ...given.query, ...(cursor !== undefined && { cursor }) };
      const page = (await this.call(route, { ...input, query } as RouteInput<K>, options)) as { items: ItemOf<K>[]; cursor?: string; nextCursor?: string };
      yield* page.items;
      cursor = page.cursor ?? page.nextCursor;
    } while (cursor);
  }

  health(options?: CallOptions): Promise<T.HealthResult> {
    return this.call('GET /v1/health', {}, options);
  }

  // Records and lists

  /** Publishes (or updates) a child record; idempotent on (agency, externalId), so it is retried. */
  publishRecord(record: T.ChildRecordV1, options?: CallOptions): Promise<T.PublishResult> {
    return this.call('POST /v1/records', { body: record }, options);
  }

  getRecord(recordId: string, options?: CallOptions): Promise<T.RecordView> {
    return this.call('GET /v1/records/{recordId}', { params: { recordId } }, options);
  }

  /** Uploads a whole list (CSV, or JSON lines with `format: 'jsonl'`); the same bytes again give the same job. */
  submitList(list: string | Uint8Array, options: CallOptions & { format?: 'csv' | 'jsonl' } = {}): Promise<T.SubmitListResult> {
    const type = options.format === 'jsonl' ? 'application/x-ndjson' : 'text/csv; charset=utf-8';
    return this.call('POST /v1/lists', { body: list }, { ...options, headers: { 'content-type': type, ...options.headers } });
  }

  /** A list job's progress and one page of its row reports (`afterRow`, `limit`). */
  jobReport(jobId: string, query?: ApiRoutes['GET /v1/lists/{jobId}']['query'], options?: CallOptions): Promise<T.ListJobReport> {
    return this.call('GET /v1/lists/{jobId}', { params: { jobId }, ...(query && { query }) }, options);
  }

  /** Every row report of a list job, paging on `afterRow` / `nextRow`. */
  async *jobRows(jobId: string, query: { limit?: number } = {}, options?: CallOptions): AsyncGenerator<T.ListRowReport, void, undefined> {
    let afterRow: number | undefined = 0;
    while (afterRow !== undefined) {
      const page: T.ListJobReport = await this.jobReport(jobId, { ...query, afterRow }, options);
      yield* page.rows;
      afterRow = page.nextRow;
    }
  }

  // Cases, consent, notifications

  /** The case as your declared purpose lets you see it (`options.purpose`). */
  getCase(caseId: string, options: CallOptions & { purpose: string }): Promise<T.CaseView> {
    return this.call('GET /v1/cases/{caseId}', { params: { caseId } }, options);
  }

  /** The child's whole file as JSON (the zip: `get(path + '?format=zip')`). */
  getCaseArchive(caseId: string, options: CallOptions & { purpose: string }): Promise<T.CaseArchive> {
    return this.call('GET /v1/cases/{caseId}/archive', { params: { caseId } }, options);
  }

  /** One page of this agency's notifications: the newest, newest first; with `after`, what came after it (a long-poll with `wait`). */
  listNotifications(query?: T.NotificationsQuery, options?: CallOptions): Promise<T.NotificationsPage> {
    return this.call('GET /v1/notifications', query ? { query } : {}, options);
  }

  /**
   * This agency's newest notifications, newest first: one page of at most `limit` (200), and the iterator ends
   * there. To follow what comes next, use watchNotifications.
   */
  async *notifications(query?: T.NotificationsQuery, options?: CallOptions): AsyncGenerator<T.Notification, void, undefined> {
    yield* (await this.listNotifications(query, options)).items;
  }

  /** The hub's public keys that sign notifications (a JWKS; public route). */
  hubKeys(options?: CallOptions): Promise<T.HubKeys> {
    return this.call('GET /v1/hub-keys', {}, options);
  }

  /**
   * Follows this agency's notifications as they come, oldest first, each once: a long-poll on
   * `GET /v1/notifications?after=<cursor>&wait=<s>` that starts after `after` (a cursor you stored), or at what
   * comes next from now. Every notification's hub signature is checked against GET /v1/hub-keys (fetched once, and
   * again once when a key it does not know signed: a rotation) before it is yielded; one that fails rejects with
   * NotificationSignatureError. Act on `notification` (the signed fields), never on the unsigned copy.
   *
   * `cursor` is where to resume once you have handled this notification: store it with your change. For every
   * notification but a page's last it is the cursor the page started from, so resuming may give a page's earlier
   * notifications again (at least once): drop repeats by `notificationId`. Ends when `options.signal` aborts.
   *
   * @example
   * for await (const { notification, cursor } of hub.watchNotifications({ after: saved })) {
   *   await handle(notification);
   *   saved = cursor;
   * }
   */
  async *watchNotifications(
    watch: { after?: string; waitSeconds?: number; limit?: number } = {},
    options: CallOptions = {},
  ): AsyncGenerator<{ notification: SignedNotification; item: T.Notification; cursor: string }, void, undefined> {
    const wait = watch.waitSeconds ?? 20;
    // A held request lasts up to `wait`: each attempt may take that long and more before it counts as hung.
    const poll: CallOptions = { ...options, attemptTimeoutMs: Math.max(options.attemptTimeoutMs ?? 0, (wait + 15) * 1000) };
    const stopped = () => options.signal?.aborted === true;
    let keys: T.HubKeys | undefined;
    const verify = async (item: T.Notification): Promise<SignedNotification> => {
      keys ??= await this.hubKeys(options);
      try {
        return (await verifyNotification(item.signature, keys, this.options.credentials.agencyId, { hubId: this.options.hubId })).notification;
      } catch (error) {
        if (!(error instanceof NotificationSignatureError) || error.reason !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
        keys = await this.hubKeys(options);
        return (await verifyNotification(item.signature, keys, this.options.credentials.agencyId, { hubId: this.options.hubId })).notification;
      }
    };
    try {
      let cursor = watch.after ?? (await this.listNotifications({ limit: 1 }, options)).cursor;
      while (!stopped()) {
        const page = await this.listNotifications({ after: cursor, wait: String(wait), ...(watch.limit && { limit: watch.limit }) }, poll);
        for (const [i, item] of page.items.entries()) {
          const notification = await verify(item);
          yield { notification, item, cursor: i === page.items.length - 1 ? page.cursor : cursor };
        }
        cursor = page.cursor;
      }
    } catch (error) {
      if (stopped()) return;
      throw error;
    }
  }

  recordConsent(consent: T.ConsentInput, options?: CallOptions): Promise<T.ConsentView> {
    return this.call('POST /v1/consents', { body: consent }, options);
  }

  listConsents(caseId: string, options?: CallOptions): Promise<T.CaseConsents> {
    return this.call('GET /v1/consents', { query: { caseId } }, options);
  }

  withdrawConsent(consentId: string, body: T.WithdrawConsentInput = {}, options?: CallOptions): Promise<T.WithdrawConsentResult> {
    return this.call('POST /v1/consents/{consentId}/withdraw', { params: { consentId }, body }, options);
  }

  confirmConsent(consentId: string, body: T.ConfirmConsentInput, options?: CallOptions): Promise<T.ConfirmConsentResult> {
    return this.call('POST /v1/consents/{consentId}/confirm', { params: { consentId }, body }, options);
  }

  openEmergencyAccess(caseId: string, body: T.EmergencyInput, options?: CallOptions): Promise<T.EmergencyGrant> {
    return this.call('POST /v1/cases/{caseId}/emergency', { params: { caseId }, body }, options);
  }

  // The care loop (creates carry one Idempotency-Key per call, the same on each retry)

  recordAgreement(caseId: string, body: T.AgreementInput, options?: CallOptions): Promise<T.AgreementView> {
    return this.call('POST /v1/cases/{caseId}/agreements', { params: { caseId }, body }, options);
  }

  recordAssessment(caseId: string, body: T.AssessmentInput, options?: CallOptions): Promise<T.AssessmentView> {
    return this.call('POST /v1/cases/{caseId}/assessments', { params: { caseId }, body }, options);
  }

  addCareTeamMember(caseId: string, body: T.CareTeamMemberInput, options?: CallOptions): Promise<T.CareTeamMemberView> {
    return this.call('POST /v1/cases/{caseId}/care-team', { params: { caseId }, body }, options);
  }

  createCarePlan(caseId: string, body: T.CarePlanInput, options?: CallOptions): Promise<T.CarePlanView> {
    return this.call('POST /v1/cases/{caseId}/care-plans', { params: { caseId }, body }, options);
  }

  reviseCarePlan(caseId: string, planId: string, body: T.CarePlanVersionInput, options?: CallOptions): Promise<T.CarePlanView> {
    return this.call('POST /v1/cases/{caseId}/care-plans/{planId}/versions', { params: { caseId, planId }, body }, options);
  }

  recordContact(caseId: string, body: T.ContactInput, options?: CallOptions): Promise<T.ContactView> {
    return this.call('POST /v1/cases/{caseId}/contacts', { params: { caseId }, body }, options);
  }

  createReferral(body: T.ReferralInput, options?: CallOptions): Promise<T.ReferralView> {
    return this.call('POST /v1/referrals', { body }, options);
  }

  transitionReferral(referralId: string, body: T.ReferralTransitionInput, options?: CallOptions): Promise<T.ReferralView> {
    return this.call('POST /v1/referrals/{referralId}/transitions', { params: { referralId }, body }, options);
  }

  enrolKeyRecipient(caseId: string, body: T.KeyRecipientInput, options?: CallOptions): Promise<T.KeyRecipientView> {
    return this.call('POST /v1/cases/{caseId}/key-recipient', { params: { caseId }, body }, options);
  }

  careMetrics(query?: ApiRoutes['GET /v1/care-metrics']['query'], options?: CallOptions): Promise<T.CareMetrics> {
    return this.call('GET /v1/care-metrics', query ? { query } : {}, options);
  }

  // Paged listings

  /** Your work items (open by default), page after page. */
  worklist(query: PagedQuery<'GET /v1/worklist'> = {}, options?: CallOptions): AsyncGenerator<T.WorkItem, void, undefined> {
    return this.paginate('GET /v1/worklist', { query }, options);
  }

  /** Your referrals as requester or owner (`as`), newest first. */
  referrals(query: PagedQuery<'GET /v1/referrals'>, options?: CallOptions): AsyncGenerator<ItemOf<'GET /v1/referrals'>, void, undefined> {
    return this.paginate('GET /v1/referrals', { query }, options);
  }

  /** The province ledger (coordinating role), as JSON rows. */
  ledger(query: PagedQuery<'GET /v1/ledger'> = {}, options?: CallOptions): AsyncGenerator<T.LedgerRow, void, undefined> {
    return this.paginate('GET /v1/ledger', { query }, options);
  }

  /** Candidate pairs waiting for review (coordinating role). */
  reviews(query: PagedQuery<'GET /v1/reviews'> = {}, options?: CallOptions): AsyncGenerator<T.ReviewItem, void, undefined> {
    return this.paginate('GET /v1/reviews', { query }, options);
  }

  /** Audit events, newest first (privacy officers). */
  auditEvents(query: PagedQuery<'GET /v1/audit/events'> = {}, options?: CallOptions): AsyncGenerator<ItemOf<'GET /v1/audit/events'>, void, undefined> {
    return this.paginate('GET /v1/audit/events', { query }, options);
  }
}
