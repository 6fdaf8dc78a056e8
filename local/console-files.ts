/**
 * Reads the console's files: its own from console/, and uPlot's script and
 * stylesheet from the installed package (the charts; the version package.json
 * pins), so the page loads nothing from another origin. The stack bundles the
 * same files into its Lambda.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_FILES } from '../lambdas/handlers/console/get-console-file';

export const CONSOLE_DIR = fileURLToPath(new URL('../console', import.meta.url));

/** Console files that come from a dependency, by the path the package publishes them under. */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  'uPlot.iife.min.js': 'dist/uPlot.iife.min.js',
  'uPlot.min.css': 'dist/uPlot.min.css',
};

const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));

export function readConsoleFiles(dir = CONSOLE_DIR): Record<string, string> {
  return Object.fromEntries(
    Object.keys(CONSOLE_FILES).map((name) => {
      const vendored = Object.hasOwn(VENDOR_FILES, name) ? VENDOR_FILES[name] : undefined;
      return [name, readFileSync(vendored ? join(UPLOT_DIR, vendored) : join(dir, name), 'utf8')];
    }),
  );
}
