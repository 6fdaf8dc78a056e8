/**
 * Verifies the signed request (protocol v1) and rejects replays: the `jti` is
 * claimed with a conditional write that expires after the token does.
 */
import type middy from '@middy/core';
import { CLOCK_SKEW_SECONDS } from '../../schemas/signed-request';
import type { AgencyRegistry } from '../auth/registry';
import { verifyRequest } from '../auth/verify-request';
import { AuthReplayError } from '../shared/errors';
import { logger } from '../shared/logger';
import { type HttpEvent, type HttpResult, type HubContext, pathWithQuery } from '../http/context';

export interface NonceStore {
  /** False when the (agency, jti) pair was already claimed. */
  claim(agencyId: string, jti: string, expiresAt: number): Promise<boolean>;
}

export interface SignedRequestOptions {
  registry: AgencyRegistry;
  nonces: NonceStore;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

export function signedRequest(options: SignedRequestOptions): middy.MiddlewareObj<HttpEvent, HttpResult, Error, HubContext> {
  const now = options.now ?? Date.now;
  return {
    before: async (request) => {
      const { event, context } = request;
      const caller = await verifyRequest(
        event.headers?.authorization,
        { method: event.requestContext.http.method, pathWithQuery: pathWithQuery(event), body: context.hub.body },
        options.registry,
        Math.floor(now() / 1000),
        context.hub.auth,
      );
      if (!(await options.nonces.claim(caller.agencyId, caller.jti, caller.exp + CLOCK_SKEW_SECONDS))) {
        throw new AuthReplayError();
      }
      context.hub.caller = caller;
      logger.appendKeys({ agencyId: caller.agencyId, kid: caller.kid });
    },
  };
}
