/**
 * Structured JSON logs (Powertools Logger) with the request id on every line.
 * Log codes, ids and counts only: never a request body, a record field or a
 * token. Set POWERTOOLS_LOG_LEVEL to change the level (SILENT in tests).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'xinqiao-hub' });
