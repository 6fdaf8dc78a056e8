/**
 * The operations part of a province's deployment: who is told when an alarm fires, and how long backups are
 * kept beyond point-in-time recovery's 35 days. It lives in `config/provinces/<code>.ops.json`, beside the
 * province config, because it concerns the deployment only: the Lambdas never see it (the registry compiled
 * into them is the province config), and the province config file is also read by `list-merge --province`.
 * A missing file means the defaults below; a prod stack refuses to synth with no one to tell
 * (lib/hub-app.ts).
 */
import * as z from 'zod';

const emailSubscription = z.strictObject({
  protocol: z.literal('email'),
  endpoint: z.email({ message: 'must be an email address, e.g. xinqiao-ops@example.org' }),
});
const httpsSubscription = z.strictObject({
  protocol: z.literal('https'),
  endpoint: z.url({
    protocol: /^https$/,
    hostname: z.regexes.domain,
    message: 'must be an https:// URL with a host name, e.g. https://alerts.example.org/xinqiao',
  }),
});

export const alarmSubscription = z.discriminatedUnion('protocol', [emailSubscription, httpsSubscription], {
  error: (issue) => (issue.code === 'invalid_union' ? 'protocol must be "email" or "https"' : undefined),
});
export type AlarmSubscription = z.infer<typeof alarmSubscription>;

/** One backup rule: when AWS Backup takes a backup of every table and how long the vault keeps it. */
export const backupRule = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,49}$/, { message: 'letters and digits, starting with a letter, up to 50 characters' }),
    frequency: z.enum(['daily', 'weekly', 'monthly']).meta({ description: 'daily; weekly on Sundays; monthly on the 1st' }),
    hourUtc: z.number().int().min(0).max(23).default(19).meta({ description: 'Start hour, UTC (19:00 UTC is 03:00 China Standard Time)' }),
    retentionDays: z
      .number()
      .int()
      .min(36)
      .max(36_500)
      .meta({ description: 'Days the vault keeps each backup; more than the 35 days point-in-time recovery already covers' }),
  })
  .meta({ description: 'A backup rule of the province backup plan' });
export type BackupRule = z.output<typeof backupRule>;

export const DEFAULT_BACKUP_RULES: readonly BackupRule[] = [
  { name: 'Daily', frequency: 'daily', hourUtc: 19, retentionDays: 90 },
  { name: 'Monthly', frequency: 'monthly', hourUtc: 20, retentionDays: 1095 },
];

export const opsConfig = z
  .strictObject({
    alarms: z
      .strictObject({
        subscriptions: z
          .array(alarmSubscription)
          .default([])
          .meta({ description: 'Who the alarm topic notifies: email addresses (each confirms once) and https endpoints (an on-call tool)' }),
      })
      .prefault({}),
    backups: z
      .strictObject({
        rules: z
          .array(backupRule)
          .min(1)
          .default(() => DEFAULT_BACKUP_RULES.map((r) => ({ ...r })))
          .meta({ description: 'The AWS Backup plan of the tables (default: daily kept 90 days, monthly kept 3 years)' }),
      })
      .prefault({}),
  })
  .superRefine((ops, ctx) => {
    const endpoints = new Set<string>();
    ops.alarms.subscriptions.forEach((s, i) => {
      if (endpoints.has(s.endpoint)) ctx.addIssue({ code: 'custom', path: ['alarms', 'subscriptions', i, 'endpoint'], message: 'duplicate endpoint' });
      endpoints.add(s.endpoint);
    });
    const names = new Set<string>();
    ops.backups.rules.forEach((r, i) => {
      if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['backups', 'rules', i, 'name'], message: 'duplicate rule name' });
      names.add(r.name);
    });
  });
export type OpsConfig = z.output<typeof opsConfig>;
