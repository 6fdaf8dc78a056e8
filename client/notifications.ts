/** The project's path to the receiver-side notification check (tests import it from here). */
export * from './src/notifications.js';
