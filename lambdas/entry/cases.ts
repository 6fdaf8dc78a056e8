/** Lambda entry for route group `cases`. */
import { createCasesGroup } from '../groups/cases';
import { runtimeFromEnvironment } from './environment';

export const handler = createCasesGroup(runtimeFromEnvironment());
