/** Schemas of an agency's notification feed (long-poll, hub-signed) and of the hub's public keys (JWKS). */
import * as z from 'zod';
import { consentIdParam, says } from './common';

/** The longest long-poll, in seconds: with the read and the signing it stays inside the Lambda's 25 s and API Gateway's 30 s. */
export const MAX_WAIT_SECONDS = 20;

export const notificationsQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The `cursor` of an earlier page: answers with what came after it, oldest first (else the newest page, newest first)' }),
    wait: z
      .string()
      .refine(
        (s) => /^\d{1,2}$/.test(s) && Number(s) <= MAX_WAIT_SECONDS,
        says(`wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`, `wait 须为 0 至 ${MAX_WAIT_SECONDS} 之间的整数秒`),
      )
      .transform(Number)
      .optional()
      .meta({
        description: `With after: when nothing came after the cursor yet, wait up to this many seconds (0 to ${MAX_WAIT_SECONDS}) for it, then answer with an empty page and the same cursor`,
      }),
  })
  .refine((q) => q.wait === undefined || q.after !== undefined, {
    path: ['wait'],
    ...says('wait needs after: read GET /v1/notifications once for a cursor', 'wait 须与 after 同用：请先读取 GET /v1/notifications 获得游标'),
  });

export const notificationView = z.object({
  notificationId: z.string(),
  at: z.iso.datetime(),
  kind: z.string(),
  caseId: z.string(),
  severity: z.string(),
  consentId: consentIdParam.optional().meta({ description: 'For consent_recorded and consent_withdrawn' }),
  subjectId: z.string().optional().meta({ description: 'For care-loop notifications: what it is about (a care plan id), never its content' }),
  riskLevel: z.string().optional().meta({ description: "For risk_level_raised: the child's new risk level" }),
  referralStatus: z.string().optional().meta({ description: "For referral_requested and referral_updated: the referral's status now" }),
  overdue: z
    .object({ kind: z.string(), due: z.string(), daysOverdue: z.number().int(), owner: z.boolean() })
    .optional()
    .meta({ description: 'For overdue: what is late (worklist kind), since when, and whether it is yours (else you coordinate)' }),
  signature: z.string().meta({
    description:
      'The hub\'s signature of this notification for this agency: a compact JWS (ES256, typ "xinqiao-notification+jwt", kid of a key in GET /v1/hub-keys) whose claims are iss (the hub id), aud (this agency id), iat, jti (the notification id) and notification (these fields)',
  }),
});

export const notificationsResponse = z.object({
  items: z.array(notificationView),
  cursor: z.string().meta({ description: 'Where this page ends: pass it as after to get what comes next (unchanged when nothing came)' }),
});

export const hubJwk = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string(),
  y: z.string(),
  kid: z.string().meta({ description: 'RFC 7638 thumbprint of the key' }),
  alg: z.literal('ES256'),
  use: z.literal('sig'),
});

export const hubKeysResponse = z.object({ keys: z.array(hubJwk) }).meta({ id: 'HubKeys' });
