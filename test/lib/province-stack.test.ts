/** CDK assertions on security properties of a province stack (not snapshots). */
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadProvinceConfigs, ProvinceConfigError } from '../../lib/config/load-provinces';
import { resolveStage } from '../../lib/config/stages';
import { addProvinceStacks } from '../../lib/hub-app';
import { ROUTE_GROUP_OF, ROUTE_GROUPS } from '../../lambdas/routes';
import { TABLES } from '../../lambdas/data/tables';
import { MERGE_STAGES } from '../../lambdas/merge-stages';

const CONFIG_DIR = join(import.meta.dirname, '../../config/provinces');

let template: Template;
let app: App;
beforeAll(() => {
  app = new App({ outdir: mkdtempSync(join(tmpdir(), 'xq-cdk-')) });
  const [stack] = addProvinceStacks(app, loadProvinceConfigs(CONFIG_DIR, ['540000']), resolveStage('prod'));
  template = Template.fromStack(stack!);
}, 120_000);

type Resource = { Type: string; Properties: Record<string, any> };
const resources = (type: string) => Object.entries(template.findResources(type)) as [string, Resource][];

describe('province stack', () => {
  it('synthesises with cdk-nag AwsSolutions and no unacknowledged finding', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('rotates every symmetric key and keeps a separate HMAC key for blind indexes', () => {
    const keys = resources('AWS::KMS::Key');
    const symmetric = keys.filter(([, k]) => !k.Properties.KeySpec || k.Properties.KeySpec === 'SYMMETRIC_DEFAULT');
    expect(symmetric).toHaveLength(2);
    for (const [, key] of symmetric) expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(keys.filter(([, k]) => k.Properties.KeySpec === 'HMAC_256' && k.Properties.KeyUsage === 'GENERATE_VERIFY_MAC')).toHaveLength(1);
  });

  it('encrypts every table with the customer-managed key, with PITR and deletion protection, retained', () => {
    const tables = resources('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(Object.keys(TABLES).length);
    for (const [id, table] of tables) {
      expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() });
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(template.toJSON().Resources[id].DeletionPolicy).toBe('Retain');
    }
  });

  it('expires by TTL exactly the tables the shared definitions say (lists, notifications, nonces, audit)', () => {
    const ttl = resources('AWS::DynamoDB::Table')
      .map(([, t]) => t.Properties.TimeToLiveSpecification?.AttributeName)
      .filter(Boolean);
    expect(ttl).toEqual(Object.values(TABLES).flatMap((d) => (d.ttlAttribute ? [d.ttlAttribute] : [])));
    expect(ttl).toHaveLength(4);
  });

  it('runs every function on Node.js 22 or newer with its own role and log retention', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions).toHaveLength(ROUTE_GROUPS.length + 4 + MERGE_STAGES.length); // one per route group, the list worker, the audit sealer, the care job, the webhook job and the merge stages
    const roles = new Set(functions.map(([, f]) => JSON.stringify(f.Properties.Role)));
    expect(roles.size).toBe(functions.length);
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
    for (const [, lg] of resources('AWS::Logs::LogGroup')) expect(lg.Properties.RetentionInDays).toBeGreaterThan(0);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });

  it('throttles the API and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    const routeKeys = resources('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey)
      .sort();
    expect(routeKeys).toEqual([...Object.keys(ROUTE_GROUP_OF), '$default'].sort());
  });

  it('feeds the list worker from an encrypted, TLS-only queue with a dead-letter queue and partial batch failures', () => {
    const queues = resources('AWS::SQS::Queue');
    expect(queues).toHaveLength(2);
    for (const [, q] of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queues.some(([, q]) => q.Properties.RedrivePolicy?.maxReceiveCount === 5)).toBe(true);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] });
    template.resourceCountIs('AWS::SQS::QueuePolicy', 2);
  });

  it('seals signed audit digests, evaluates alerts and finds overdue care work on schedules, and alarms on their metrics', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    const rules = resources('AWS::Events::Rule')
      .map(([, r]) => r.Properties.ScheduleExpression)
      .sort();
    expect(rules).toEqual(['rate(1 hour)', 'rate(1 minute)', 'rate(15 minutes)', 'rate(5 minutes)']);
    const webhookRule = resources('AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression === 'rate(1 minute)')![1];
    expect(JSON.stringify(webhookRule.Properties.Targets)).toMatch(/notificationwebhooksFunction/);
    const overdueRule = resources('AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression === 'rate(1 hour)')![1];
    expect(JSON.stringify(overdueRule.Properties.Targets)).toMatch(/carejobsFunction/);
    expect(JSON.parse(overdueRule.Properties.Targets[0].Input)).toEqual({ task: 'overdue' });
    // The audit and care alarms; the operational ones (errors, throttles, 5xx, DLQ, jobs, backups) are in ops-stack.test.ts.
    const alarms = resources('AWS::CloudWatch::Alarm')
      .filter(([, a]) => a.Properties.Namespace === 'Xinqiao')
      .map(([, a]) => a.Properties.MetricName)
      .sort();
    expect(alarms).toEqual(['Denied', 'EmergencyAccess', 'FailedSignatures', 'MergeFollowUpsFailed', 'OverdueItems']);
    // A merge's follow-up the care job's sweep failed to run two hourly runs in a row.
    const followUps = resources('AWS::CloudWatch::Alarm').find(([, a]) => a.Properties.MetricName === 'MergeFollowUpsFailed')![1].Properties;
    expect(followUps).toMatchObject({ Statistic: 'Maximum', Period: 3600, Threshold: 1, EvaluationPeriods: 2, TreatMissingData: 'notBreaching' });
    expect(followUps.AlarmDescription).toMatch(/Runbook: docs\/runbook\.md#merge-follow-ups$/);
    // Every hub function (the merge stage Lambdas write no audit events: they serve no request).
    for (const [, fn] of resources('AWS::Lambda::Function').filter(([, f]) => !f.Properties.Environment.Variables.XQ_MERGE_BUCKET))
      expect(Number(fn.Properties.Environment.Variables.XQ_AUDIT_RETENTION_DAYS)).toBeGreaterThanOrEqual(1095);
  });

  it("shows the care loop at a glance on a dashboard: the care job's metrics and OverdueItems by kind, for this province", () => {
    // The care loop's dashboard; the ops dashboard is in ops-stack.test.ts.
    const dashboards = resources('AWS::CloudWatch::Dashboard').filter(([, d]) => d.Properties.DashboardName.endsWith('-care-loop'));
    expect(dashboards).toHaveLength(1);
    const [, dashboard] = dashboards[0]!;
    expect(dashboard.Properties.DashboardName).toBe('xinqiao-540000-prod-care-loop');
    // The body is a Fn::Join around region tokens: join it with a stand-in region and read the widgets.
    const parts: unknown[] = dashboard.Properties.DashboardBody['Fn::Join'][1];
    const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'cn-northwest-1')).join(''));
    const metrics: unknown[][] = body.widgets.flatMap((w: any) => w.properties.metrics ?? []);
    const dimensionsOf = (name: string) =>
      metrics
        .filter((m) => m[0] === 'Xinqiao' && m[1] === name)
        .map((m) =>
          Object.fromEntries(Array.from({ length: (m.filter((x) => typeof x === 'string').length - 2) / 2 }, (_, i) => [m[2 + 2 * i], m[3 + 2 * i]])),
        );
    for (const name of [
      'KeyRecipientsActive',
      'Referrals',
      'ReferralFirstContactMedianDays',
      'DischargedWithCarerShare',
      'DischargedWithCarerInTime',
      'DischargedWithCarerLate',
      'DischargedCarerPending',
      'OverdueItems',
    ]) {
      expect(dimensionsOf(name).length, name).toBeGreaterThan(0);
      for (const dims of dimensionsOf(name)) expect(dims.Province, name).toBe('540000');
    }
    expect(dimensionsOf('KeyRecipientsActive').map((d) => d.RiskLevel)).toEqual([undefined, 'low', 'medium', 'high', 'crisis', 'unassessed']);
    expect(dimensionsOf('Referrals').map((d) => d.Status)).toEqual(expect.arrayContaining(['requested', 'in-progress', 'completed', 'rejected', 'cancelled']));
    expect(dimensionsOf('OverdueItems').map((d) => d.Kind)).toEqual(
      expect.arrayContaining([undefined, 'follow_up_contact_due', 'assign_paired_carer', 'referral_start_due', 'high_risk_without_carer']),
    );
    expect(dimensionsOf('OverdueItems').map((d) => d.Kind)).not.toContain('key_recipient_proposal');
  });

  describe('least privilege', () => {
    const statementsOf = (roleFragment: string) =>
      resources('AWS::IAM::Policy')
        .filter(([id]) => id.includes(roleFragment))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Condition?: unknown }[]);
    const actions = (s: { Action: string | string[] }) => [s.Action].flat();

    it('lets no role scan, batch-writes only list rows, never updates or deletes audit or nonces, and the audit table only receives PutItem or Query on its indexes', () => {
      // Every Lambda role; the AWS Backup role takes table backups and reads no item (ops-stack.test.ts checks it).
      const lambdaPolicies = resources('AWS::IAM::Policy').filter(([id]) => !id.startsWith('BackupsRole'));
      const backupActions = resources('AWS::IAM::Policy')
        .filter(([id]) => id.startsWith('BackupsRole'))
        .flatMap(([, p]) => (p.Properties.PolicyDocument.Statement as any[]).flatMap(actions));
      expect(backupActions.filter((a) => /^dynamodb:(Get|Put|Update|Delete|BatchGet|BatchWrite)Item$|^dynamodb:(Query|Scan)$/.test(a))).toEqual([]);
      const all = lambdaPolicies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as any[]);
      const every = all.flatMap(actions);
      for (const forbidden of ['dynamodb:*', 'kms:*', 'sqs:*']) expect(every).not.toContain(forbidden);
      const scans = resources('AWS::IAM::Policy').filter(([, p]) =>
        (p.Properties.PolicyDocument.Statement as any[]).some((st) => actions(st).includes('dynamodb:Scan')),
      );
      expect(scans.map(([id]) => id)).toEqual([]);
      for (const s of all.filter((st) => actions(st).includes('dynamodb:BatchWriteItem'))) expect(JSON.stringify(s.Resource)).toMatch(/ListsTable/);
      for (const s of all.filter((st) => actions(st).some((a: string) => a === 'dynamodb:UpdateItem' || a === 'dynamodb:DeleteItem'))) {
        expect(JSON.stringify(s.Resource)).toMatch(/RecordsTable|CasesTable|CareTable|ListsTable|NotificationsTable/);
        expect(JSON.stringify(s.Resource)).not.toMatch(/AuditTable|NoncesTable/);
      }
      const auditId = resources('AWS::DynamoDB::Table').find(([id]) => id.includes('Audit'))![0];
      for (const s of all.filter((st) => JSON.stringify(st.Resource).includes(auditId))) {
        for (const a of actions(s)) expect(['dynamodb:PutItem', 'dynamodb:Query']).toContain(a);
      }
      // Officers query the audit table through its named indexes (search by case, agency, staff, day; verification by chain).
      const officerAudit = statementsOf('auditRole').find((st) => actions(st).includes('dynamodb:Query') && JSON.stringify(st.Resource).includes(auditId))!;
      for (const index of ['byCase', 'byAgency', 'byStaff', 'byDay', 'byChain']) expect(JSON.stringify(officerAudit.Resource)).toContain(`/index/${index}`);
    });

    const careWritesOf = (roleFragment: string) => {
      const careId = resources('AWS::DynamoDB::Table').find(([id]) => id.includes('Care'))![0];
      const care = statementsOf(roleFragment).filter((st) => JSON.stringify(st.Resource).includes(careId));
      const unconditioned = care.filter((st) => st.Condition === undefined).flatMap(actions);
      const writes = care.filter((st) => actions(st).some((a) => /^dynamodb:(Put|Update|Delete)Item$/.test(a)));
      // The base table only: no index is written directly.
      for (const w of writes) expect(JSON.stringify(w.Resource)).not.toContain('/index/');
      return { unconditioned, writes };
    };
    const leadingKeys = (...keys: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } });

    it('lets the cases function write only worklist items and pending merge follow-ups of the care table, never other care items', () => {
      const { unconditioned, writes } = careWritesOf('casesRole');
      expect(unconditioned.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
      expect(writes).toEqual([
        expect.objectContaining({ Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Condition: leadingKeys('WORK#*') }),
        // Written in the merge's transaction, deleted when what follows the merge has run; never updated.
        expect.objectContaining({ Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], Condition: leadingKeys('AFTERMERGE#*') }),
      ]);
    });

    it('lets the care job move worklist items and delete pending merge follow-ups, never write one or another care item', () => {
      const { unconditioned, writes } = careWritesOf('carejobsRole');
      expect(unconditioned.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
      expect(writes).toEqual([
        expect.objectContaining({ Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Condition: leadingKeys('WORK#*') }),
        expect.objectContaining({ Action: 'dynamodb:DeleteItem', Condition: leadingKeys('AFTERMERGE#*') }),
      ]);
      // It finds the pending ones with a Query of the byAgency index (no role may Scan).
      const reads = statementsOf('carejobsRole').find(
        (st) => st.Condition === undefined && actions(st).includes('dynamodb:Query') && JSON.stringify(st.Resource).includes('Care'),
      )!;
      expect(JSON.stringify(reads.Resource)).toContain('/index/byAgency');
    });

    it('gives the health function its own logs and audit appends (event and chain head), nothing else', () => {
      const statements = statementsOf('healthRole');
      expect(statements.flatMap(actions).sort()).toEqual(
        [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:PutItem',
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:Encrypt',
          'kms:GenerateDataKey',
          'kms:GetPublicKey',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ].sort(),
      );
      // It publishes the notification key's public half (GET /v1/hub-keys) and cannot sign with it.
      const publish = statements.find((s) => actions(s).includes('kms:GetPublicKey'))!;
      expect(JSON.stringify(publish.Resource)).toContain('NotificationSigningKey');
      const resources = JSON.stringify(statements.filter((s) => actions(s).some((a: string) => a.startsWith('dynamodb:'))).map((s) => s.Resource));
      expect(resources).toContain('AuditTable');
      expect(resources).toContain('SealsTable');
      expect(resources).not.toMatch(/Nonces|Records|Cases/);
    });

    it('signs notifications with their own P-256 key, from the consent function (GET /v1/notifications) and the webhook job only', () => {
      const signing = resources('AWS::KMS::Key').filter(([, k]) => k.Properties.KeySpec === 'ECC_NIST_P256' && k.Properties.KeyUsage === 'SIGN_VERIFY');
      expect(signing.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['DataAuditSigningKey', 'DataNotificationSigningKey']);
      const all = resources('AWS::IAM::Policy').flatMap(([id, p]) =>
        (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).map((st) => ({ id, st })),
      );
      const signers = all.filter(({ st }) => actions(st).includes('kms:Sign') && JSON.stringify(st.Resource).includes('NotificationSigningKey'));
      expect(signers.map(({ id }) => id.replace(/Function.*$|Role.*$/, '')).sort()).toEqual([
        expect.stringMatching(/consent$/),
        expect.stringMatching(/notificationwebhooks$/),
      ]);
      for (const { st } of signers) expect(actions(st).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
      // The webhook job touches the notifications table only (and appends nothing but its audit needs).
      const webhookTables = statementsOf('notificationwebhooksRole').filter((st) => actions(st).some((a: string) => a.startsWith('dynamodb:')));
      expect(webhookTables.length).toBeGreaterThan(0);
      expect(JSON.stringify(webhookTables.map((st) => st.Resource))).not.toMatch(/RecordsTable|CasesTable|CareTable|ListsTable/);
      const consentFn = resources('AWS::Lambda::Function').find(([id]) => id.includes('consent'))![1];
      expect(JSON.stringify(consentFn.Properties.Environment.Variables.XQ_NOTIFICATION_SIGNING_KEY_ARN)).toContain('NotificationSigningKey');
    });

    it('keeps the meta function away from records and keys', () => {
      const json = JSON.stringify(statementsOf('metaRole'));
      expect(json).not.toContain('Records');
      expect(json).not.toContain('FieldKey');
      expect(json).not.toContain('kms:GenerateMac');
    });

    it('restricts field-key use to this province encryption context', () => {
      const field = statementsOf('recordsRole').find((s) => actions(s).includes('kms:GenerateDataKey') && JSON.stringify(s.Resource).includes('FieldKey'));
      expect(field?.Condition).toMatchObject({ StringEquals: { 'kms:EncryptionContext:province': '540000' } });
    });
  });
});

describe('configuration', () => {
  it('fails on an unknown stage with a clear message', () => {
    expect(() => resolveStage('staging')).toThrow('Unknown stage "staging": use one of dev, prod');
  });

  it('fails on a bad province config, naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-config-'));
    const good = JSON.parse(readFileSync(join(CONFIG_DIR, '540000.json'), 'utf8'));
    good.agencies[1].keys[0].publicJwk.x = 'not-a-key';
    good.api.rateLimitPerSecond = -1;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '540000.json'), JSON.stringify(good));
    expect(() => loadProvinceConfigs(dir)).toThrow(ProvinceConfigError);
    expect(() => loadProvinceConfigs(dir)).toThrow(/540000\.json[\s\S]*api\.rateLimitPerSecond[\s\S]*agencies\.1\.keys\.0\.publicJwk\.x/);
  });

  it('fails on duplicate kids and a mismatched hub id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-config-'));
    const cfg = JSON.parse(readFileSync(join(CONFIG_DIR, '540000.json'), 'utf8'));
    cfg.agencies[1].keys.push(cfg.agencies[0].keys[0]);
    cfg.hubId = 'xinqiao-310000';
    writeFileSync(join(dir, '540000.json'), JSON.stringify(cfg));
    expect(() => loadProvinceConfigs(dir)).toThrow(/hubId: must be xinqiao-540000[\s\S]*kid: duplicate kid/);
  });

  it('loads both sample provinces', () => {
    expect(loadProvinceConfigs(CONFIG_DIR).map((c) => c.provinceCode)).toEqual(['310000', '540000']);
  });
});

describe('officers console as a static site (optional)', () => {
  // In the China regions the console is served from the API's origin instead (ops-stack.test.ts, "China regions").
  it('is off by default, and when on outside the China regions: private bucket behind CloudFront with OAC, CN only, strict CSP, CORS for that origin only, cdk-nag clean', () => {
    const [config] = loadProvinceConfigs(CONFIG_DIR, ['540000']);
    expect(config!.console.staticSite).toBe(false);
    expect(Object.keys(template.findResources('AWS::CloudFront::Distribution'))).toHaveLength(0);

    const siteApp = new App({ outdir: mkdtempSync(join(tmpdir(), 'xq-site-')) });
    const [stack] = addProvinceStacks(siteApp, [{ ...config!, deployment: { region: 'ap-east-1' }, console: { staticSite: true } }], resolveStage('dev'));
    expect(() => siteApp.synth()).not.toThrow();
    const site = Template.fromStack(stack!);
    site.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Restrictions: { GeoRestriction: { Locations: ['CN'], RestrictionType: 'whitelist' } },
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    site.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const csp = JSON.stringify(Object.values(site.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0]);
    expect(csp).toContain("default-src 'none'; script-src 'self'");
    expect(csp).toContain('execute-api');
    site.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    site.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowHeaders: ['authorization', 'content-type'], AllowMethods: ['GET', 'POST'] }),
    });
    // The site gets console/, its config and the chart library's two files (served from the site's own origin).
    const [deployment] = Object.values(site.findResources('Custom::CDKBucketDeployment'));
    expect(deployment!.Properties.SourceObjectKeys).toHaveLength(4);
    const staged = readdirSync(siteApp.outdir).filter((f) => f.startsWith('asset.'));
    const stagedFiles = staged.flatMap((dir) => (statSync(join(siteApp.outdir, dir)).isDirectory() ? readdirSync(join(siteApp.outdir, dir)) : []));
    expect(stagedFiles).toEqual(expect.arrayContaining(['uPlot.iife.min.js', 'uPlot.min.css', 'index.html']));
    const distributionId = Object.keys(site.findResources('AWS::CloudFront::Distribution'))[0]!;
    expect(site.toJSON().Outputs.ConsoleUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] });
  }, 120_000);
});
