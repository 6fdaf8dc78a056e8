/** Reads the console's files from console/ (the stack bundles the same files into its Lambda). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_FILES } from '../lambdas/handlers/console/get-console-file';

export const CONSOLE_DIR = fileURLToPath(new URL('../console', import.meta.url));

export function readConsoleFiles(dir = CONSOLE_DIR): Record<string, string> {
  return Object.fromEntries(Object.keys(CONSOLE_FILES).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
}
