/** The project's path to the client package's request signer (tests and scripts import it from here). */
export * from './src/sign-request.js';
