/** GET /v1/hub-keys: the hub's public signing keys for notifications, as a JWKS (RFC 7517). */
import type { HubJwk, HubJwsSigner } from '../../crypto/hub-jws';

/**
 * The current key first, then keys being retired (still published so that notifications signed with them just
 * before a rotation verify, docs/protocol.md "Key rotation").
 */
export async function hubKeys(published: readonly HubJwsSigner[]): Promise<{ keys: HubJwk[] }> {
  const keys = await Promise.all(published.map((s) => s.jwk()));
  return { keys: keys.filter((k, i) => keys.findIndex((o) => o.kid === k.kid) === i) };
}
