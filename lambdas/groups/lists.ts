/** Route group `lists`: batch list upload and its report. Bodies up to 5 MB, CSV or JSONL. */
import { LIST_MEDIA_TYPES, MAX_LIST_BYTES } from '../../schemas/lists';
import { getListJobHandler } from '../handlers/lists/get-list-job';
import { submitListHandler } from '../handlers/lists/submit-list';
import type { HubRuntime } from '../runtime';
import { createSignedGroup, type GroupHandler, type SignedGroupOptions } from './signed-group';

export function createListsGroup(runtime: HubRuntime, options: SignedGroupOptions = {}): GroupHandler {
  return createSignedGroup(
    runtime,
    { 'POST /v1/lists': submitListHandler(runtime.lists), 'GET /v1/lists/{jobId}': getListJobHandler(runtime.lists) },
    { ...options, maxBodyBytes: MAX_LIST_BYTES, rawTypes: Object.keys(LIST_MEDIA_TYPES) },
  );
}
