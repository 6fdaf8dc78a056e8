/**
 * The privacy officers' routes: verify the trail, seal a digest now, search
 * events, a case's access report (JSON or CSV), and officers' notifications.
 * Officers' own queries are audited like every request.
 */
import { accessReportQuery, auditEventsQuery, caseIdPath, verifyQuery } from '../../../schemas/audit';
import { runAlerts, sealDigest } from '../../domain/audit/seal';
import { verifyAudit } from '../../domain/audit/verify';
import { accessReport, checkRange, officerNotifications, searchEvents, type OfficerDeps } from '../../domain/audit/officer-queries';
import { officerOf, type RouteHandler } from '../../http/context';
import { csv, json } from '../../http/responses';
import { csvDocument } from '../../shared/csv';
import { parseQuery, parseWith } from '../../http/validate';

export function verifyHandler(deps: OfficerDeps): RouteHandler {
  return async (event, context) => {
    officerOf(context);
    const { mode } = parseQuery(verifyQuery, event.queryStringParameters);
    return json(200, await verifyAudit({ events: deps.events, seals: deps.seals, signer: deps.signer }, { mode }), context.hub.requestId);
  };
}

export function sealHandler(deps: OfficerDeps): RouteHandler {
  return async (_event, context) => {
    officerOf(context);
    return json(201, await sealDigest({ seals: deps.seals, signer: deps.signer }), context.hub.requestId);
  };
}

export function eventsHandler(deps: OfficerDeps): RouteHandler {
  return async (event, context) => {
    officerOf(context);
    checkRange({ from: event.queryStringParameters?.from, to: event.queryStringParameters?.to });
    const { limit, format, cursor, ...filter } = parseQuery(auditEventsQuery, event.queryStringParameters);
    const page = await searchEvents(deps, filter, limit, cursor);
    const events = page.items;
    if (format === 'csv') {
      const header = [
        'time(时间)',
        'agencyId(机构)',
        'sub(经办人)',
        'route(操作)',
        'outcome(结果)',
        'status',
        'errorCode',
        'purpose(目的)',
        'recordIds',
        'requestId',
        'eventId',
      ];
      return csv(
        csvDocument(
          header,
          events.map((e) => [e.time, e.agencyId, e.sub, e.route, e.outcome, e.status, e.errorCode, e.purpose, e.recordIds, e.requestId, e.eventId]),
        ),
        context.hub.requestId,
        'audit-events.csv',
      );
    }
    return json(200, { items: events, ...(page.nextCursor && { nextCursor: page.nextCursor }) }, context.hub.requestId);
  };
}

export function accessReportHandler(deps: OfficerDeps): RouteHandler {
  return async (event, context) => {
    officerOf(context);
    const { caseId } = parseWith(caseIdPath, event.pathParameters ?? {});
    const { format } = parseQuery(accessReportQuery, event.queryStringParameters);
    const { entries } = await accessReport(deps, caseId);
    if (format === 'csv') {
      const header = [
        'time(时间)',
        'agencyId(机构)',
        'sub(经办人)',
        'purpose(目的)',
        'legalBasis(法律依据)',
        'consentIds(同意编号)',
        'categories(信息类别)',
        'route(操作)',
        'eventId',
      ];
      return csv(
        csvDocument(
          header,
          entries.map((e) => [e.time, e.agencyId, e.sub, e.purpose, e.legalBasis, e.consentIds, e.categories, e.route, e.eventId]),
        ),
        context.hub.requestId,
        `access-report-${caseId}.csv`,
      );
    }
    return json(200, { caseId, entries }, context.hub.requestId);
  };
}

export function officerNotificationsHandler(deps: OfficerDeps): RouteHandler {
  return async (_event, context) => {
    officerOf(context);
    return json(200, { items: await officerNotifications(deps, 200) }, context.hub.requestId);
  };
}

export function runAlertsHandler(deps: OfficerDeps): RouteHandler {
  return async (_event, context) => {
    officerOf(context);
    return json(
      200,
      { alerts: await runAlerts({ events: deps.events, notifications: deps.notifications, thresholds: deps.thresholds }) },
      context.hub.requestId,
    );
  };
}
