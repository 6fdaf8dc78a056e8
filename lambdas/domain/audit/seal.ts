/**
 * The audit jobs: at a fixed interval a signed digest records every chain head
 * and the previous digest; the alerts job looks at the last window of events.
 */
import type { Digest } from '../../../schemas/entities/audit';
import { PRIVACY_OFFICERS } from '../../../schemas/entities/notifications';
import type { DigestSigner } from '../../crypto/digest-signer';
import { digestHashOf, GENESIS } from '../../crypto/hash-chain';
import { randomId } from '../../shared/ids';
import { type Alert, type AlertThresholds, evaluateAlerts, windowStart } from './alerts';
import type { OfficerInbox, RecentEvents, SealStore } from './ports';

export interface SealDeps {
  readonly seals: Pick<SealStore, 'heads' | 'latestDigest' | 'putDigest'>;
  readonly signer: DigestSigner;
  readonly now?: () => Date;
}

export async function sealDigest(deps: SealDeps): Promise<Digest> {
  const heads = Object.fromEntries([...(await deps.seals.heads())].sort(([a], [b]) => a - b).map(([c, h]) => [String(c), h]));
  const previous = await deps.seals.latestDigest();
  const at = (deps.now ?? (() => new Date()))().toISOString();
  const body = { at, heads, prevDigestHash: previous?.digestHash ?? GENESIS };
  const digestHash = digestHashOf(body);
  const digest: Digest = { digestId: randomId('dig'), ...body, digestHash, signature: await deps.signer.sign(digestHash), keyId: deps.signer.keyId };
  await deps.seals.putDigest(digest);
  return digest;
}

export interface AlertDeps {
  readonly events: RecentEvents;
  readonly notifications: Pick<OfficerInbox, 'notifyOnce'>;
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
  const events = (await Promise.all(days.map((d) => deps.events.since(d, from)))).flat();
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
