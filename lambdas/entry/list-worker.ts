/** Lambda entry for the list worker (SQS event source). */
import { createListWorker } from '../groups/list-worker';
import { runtimeFromEnvironment } from './environment';

export const handler = createListWorker(runtimeFromEnvironment());
