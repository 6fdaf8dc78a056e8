/**
 * Sealing and verifying the audit trail: at a fixed interval a signed digest
 * records every chain head and the previous digest; verification walks every
 * chain against its events, heads and digests and names the first problem.
 */
import type { DigestSigner } from '../../crypto/digest-signer';
import type { AuditTable } from '../../data/audit-table';
import { randomId } from '../../shared/ids';
import type { NotificationsTable } from '../../data/notifications-table';
import { PRIVACY_OFFICERS } from '../../../schemas/entities/notifications';
import { evaluateAlerts, windowStart, type Alert, type AlertThresholds } from './alerts';
import { CHAIN_COUNT, digestHashOf, GENESIS, verifyTrail, type VerifyResult } from './chain';
import type { ChainedEvent, ChainHead, Digest } from '../../../schemas/entities/audit';

export interface SealDeps {
  readonly audit: Pick<AuditTable, 'head' | 'digests' | 'putDigest' | 'scan'>;
  readonly signer: DigestSigner;
  readonly now?: () => Date;
}

export async function sealDigest(deps: SealDeps): Promise<Digest> {
  const heads: Record<string, ChainHead> = {};
  for (let chain = 0; chain < CHAIN_COUNT; chain++) heads[chain] = await deps.audit.head(chain);
  const previous = (await deps.audit.digests()).at(-1);
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const body = { at, heads, prevDigestHash: previous?.digestHash ?? GENESIS };
  const digestHash = digestHashOf(body);
  const digest: Digest = { digestId: randomId('dig'), ...body, digestHash, signature: await deps.signer.sign(digestHash), keyId: deps.signer.keyId };
  await deps.audit.putDigest(digest);
  return digest;
}

export async function verifyAudit(deps: SealDeps): Promise<VerifyResult> {
  const events: ChainedEvent[] = [];
  for await (const page of deps.audit.scan()) events.push(...page);
  const heads = new Map<number, ChainHead>();
  for (let chain = 0; chain < CHAIN_COUNT; chain++) heads.set(chain, await deps.audit.head(chain));
  const digests = await deps.audit.digests();
  const valid = new Set<string>();
  for (const d of digests) if (await deps.signer.verify(d.digestHash, d.signature)) valid.add(d.digestId);
  return verifyTrail(events, heads, digests, (d) => valid.has(d.digestId));
}

export interface AlertDeps {
  readonly audit: Pick<AuditTable, 'since'>;
  readonly notifications: Pick<NotificationsTable, 'notifyOnce'>;
  readonly thresholds: AlertThresholds;
  readonly now?: () => Date;
}

/**
 * Evaluates the last `windowMinutes` (a sliding window) and notifies officers
 * once per alert and window bucket, however often the job runs.
 */
export async function runAlerts(deps: AlertDeps): Promise<Alert[]> {
  const now = (deps.now ?? (() => new Date()))();
  const window = windowStart(now, deps.thresholds.windowMinutes);
  const from = new Date(now.getTime() - deps.thresholds.windowMinutes * 60_000).toISOString();
  const days = [...new Set([from.slice(0, 10), now.toISOString().slice(0, 10)])];
  const events = (await Promise.all(days.map((d) => deps.audit.since(d, from)))).flat();
  const alerts = evaluateAlerts(events, deps.thresholds, window);
  for (const a of alerts) {
    await deps.notifications.notifyOnce(`${a.kind}|${a.agencyId}|${a.sub ?? ''}|${a.window}`, {
      recipient: PRIVACY_OFFICERS,
      at: now.toISOString(),
      kind: 'alert',
      caseId: '-',
      severity: 'high',
      alert: { kind: a.kind, agencyId: a.agencyId, ...(a.sub && { sub: a.sub }), count: a.count, threshold: a.threshold, window: a.window },
    });
  }
  return alerts;
}
