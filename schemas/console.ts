/**
 * The privacy officers' console files and their media types: the console
 * route serves exactly these, and the OpenAPI description declares them.
 */
export const CONSOLE_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
  // uPlot (the charts), served from the hub's own origin as the package publishes it (local/console-files.ts).
  'uPlot.iife.min.js': 'text/javascript; charset=utf-8',
  'uPlot.min.css': 'text/css; charset=utf-8',
};

/** The console's runtime settings (`{ hubId }`), generated per hub rather than read from console/. */
export const CONSOLE_CONFIG_FILE = { name: 'config.json', type: 'application/json; charset=utf-8' } as const;
