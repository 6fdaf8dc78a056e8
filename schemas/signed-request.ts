/**
 * Signed request protocol v1: the JWS header and claims an agency system sends
 * in `Authorization: Bearer <compact JWS>`. docs/protocol.md is the prose version.
 */
import * as z from 'zod';

export const REQUEST_TOKEN_TYPE = 'xinqiao-req+jwt';
export const ALLOWED_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export const MAX_TOKEN_LIFETIME_SECONDS = 300;
export const CLOCK_SKEW_SECONDS = 60;

export const requestTokenHeader = z.object({
  alg: z.string(),
  kid: z.string().min(1).max(128),
  typ: z.string().optional(),
});

const httpMethod = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

export const PURPOSES = ['assessment', 'care_plan', 'referral', 'follow_up', 'case_coordination'] as const;

export const requestTokenClaims = z.object({
  iss: z.string().min(1).max(128),
  aud: z.string().min(1).max(128),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().nonnegative(),
  jti: z.string().min(1).max(128),
  htm: httpMethod,
  htu: z.string().min(1).max(2048).startsWith('/'),
  bsh: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'must be base64url SHA-256 (43 characters)' }),
  sub: z.string().min(1).max(128).optional(),
  purpose: z.enum(PURPOSES).optional(),
});
export type RequestTokenClaims = z.infer<typeof requestTokenClaims>;
