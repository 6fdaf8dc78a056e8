/** Route group `records`: publish and read child records. */
import { getRecordHandler } from '../handlers/records/get-record';
import { publishRecordHandler } from '../handlers/records/publish-record';
import type { HubRuntime } from '../runtime';
import { createSignedGroup, type GroupHandler, type SignedGroupOptions } from './signed-group';

export function createRecordsGroup(runtime: HubRuntime, options?: SignedGroupOptions): GroupHandler {
  return createSignedGroup(
    runtime,
    {
      'POST /v1/records': publishRecordHandler(runtime.records),
      'GET /v1/records/{recordId}': getRecordHandler(runtime.records),
    },
    options,
  );
}
