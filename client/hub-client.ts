/** The project's path to the client package's HTTP client (tests, scripts and the CLI import it from here). */
export * from './src/index.js';
