/** Any path that no route matches, after the signature was verified: NOT_FOUND, audited like every request. */
import { NotFoundError } from '../../shared/errors';
import type { RouteHandler } from '../../http/context';

export const unmatchedRoute: RouteHandler = async () => {
  throw new NotFoundError('No such route');
};
