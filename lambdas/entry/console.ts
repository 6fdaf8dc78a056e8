/** Lambda entry for route group `console`: the files are bundled at synth time. */
import { createConsoleGroup } from '../groups/console';
import { runtimeFromEnvironment } from './environment';

declare const __XQ_CONSOLE__: string;

export const handler = createConsoleGroup(runtimeFromEnvironment(), JSON.parse(__XQ_CONSOLE__) as Record<string, string>);
