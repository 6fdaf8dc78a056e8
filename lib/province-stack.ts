/** One province, one stack: its data never leaves this stack's tables and keys. */
import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TABLES, type TableId } from '../lambdas/data/tables';
import type { ProvinceConfig } from '../schemas/province-config';
import { type OpsConfig, opsConfig } from './config/ops-config';
import type { StageSettings } from './config/stages';
import { CareDashboard } from './constructs/care-dashboard';
import { DataStore } from './constructs/data-store';
import { HubApi } from './constructs/hub-api';
import { MergeStateMachine } from './constructs/merge-state-machine';
import { OfficerConsoleSite } from './constructs/officer-console-site';
import { OpsMonitoring } from './constructs/ops-monitoring';
import { TableBackups } from './constructs/table-backups';
import { acknowledgeProvinceStackFindings } from './nag/acknowledgements';

export interface ProvinceStackProps extends StackProps {
  /** The province config; `ops` (alarm subscriptions, backup plan) defaults as in lib/config/ops-config.ts. */
  readonly config: ProvinceConfig & { readonly ops?: OpsConfig };
  readonly stage: StageSettings;
}

export class ProvinceStack extends Stack {
  readonly data: DataStore;
  readonly hub: HubApi;
  readonly backups: TableBackups;
  readonly ops: OpsMonitoring;
  readonly merge: MergeStateMachine;
  readonly consoleSite?: OfficerConsoleSite;

  constructor(scope: Construct, id: string, props: ProvinceStackProps) {
    super(scope, id, props);
    const { config, stage } = props;
    const ops = config.ops ?? opsConfig.parse({});
    Tags.of(this).add('xinqiao:province', config.provinceCode);
    Tags.of(this).add('xinqiao:stage', stage.name);
    this.data = new DataStore(this, 'Data', { provinceCode: config.provinceCode });
    this.hub = new HubApi(this, 'Hub', { config, stage, data: this.data });
    new CareDashboard(this, 'CareDashboard', { config, stage });
    if (config.console.staticSite) {
      const site = new OfficerConsoleSite(this, 'OfficerConsole', { hubId: config.hubId, apiUrl: this.hub.api.apiEndpoint });
      if (site.distribution) this.hub.allowConsoleOrigin(`https://${site.distribution.distributionDomainName}`);
      this.consoleSite = site;
    }
    this.backups = new TableBackups(this, 'Backups', {
      provinceCode: config.provinceCode,
      stage,
      rules: ops.backups.rules,
      tables: Object.values(this.data.tables),
      key: this.data.storageKey,
    });
    this.merge = new MergeStateMachine(this, 'ListMerge', {
      provinceCode: config.provinceCode,
      stage,
      key: this.data.storageKey,
      logRetentionDays: config.logRetentionDays,
      ...(config.listSynonyms && { listSynonyms: config.listSynonyms }),
    });
    // Last: the alarms cover every function and dead-letter queue built above.
    this.ops = new OpsMonitoring(this, 'Ops', {
      provinceCode: config.provinceCode,
      stage,
      ops,
      key: this.data.storageKey,
      api: this.hub.api,
      auditJobs: this.hub.functions['audit-sealer'],
      auditDigestMinutes: config.auditDigestMinutes,
      alertsWindowMinutes: config.alerts.windowMinutes,
      backupVaultName: this.backups.vault.backupVaultName,
    });
    this.#outputs();
    acknowledgeProvinceStackFindings(this);
  }

  /** What ops need after a deploy (docs/runbook.md, "Deploy a new province"): `cdk deploy --outputs-file`. */
  #outputs(): void {
    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('ApiUrl', this.hub.api.apiEndpoint, 'The hub API: agencies call it, officers use /console');
    if (this.consoleSite) output('ConsoleUrl', this.consoleSite.url, `The officers console (${this.consoleSite.hosting})`);
    output('StorageKeyArn', this.data.storageKey.keyArn, 'KMS key: tables, backups, the ops topic and the merge bucket');
    output('FieldKeyArn', this.data.fieldKey.keyArn, 'KMS key: field-level envelope encryption');
    output('AuditSigningKeyArn', this.data.auditSigningKey.keyArn, 'KMS key: signs audit digests (npm run audit:verify checks them)');
    for (const id of Object.keys(TABLES) as TableId[]) {
      output(`${id[0]!.toUpperCase()}${id.slice(1)}TableName`, this.data.tables[id].tableName, `DynamoDB table ${id}`);
    }
    output('AlarmTopicArn', this.ops.topic.topicArn, 'SNS topic every alarm notifies');
    output('BackupVaultName', this.backups.vault.backupVaultName, 'AWS Backup vault of the tables');
    output(
      'MergeBucketName',
      this.merge.bucket.bucketName,
      'Merge runs: upload lists to merge/<runId>/input/<agency>/, cases come out under merge/<runId>/out/',
    );
    output('MergeStateMachineArn', this.merge.stateMachine.stateMachineArn, 'Starts a list merge run: {"runId": "...", "partitions": N} (docs/scale.md)');
    output('OpsDashboard', this.ops.dashboard.dashboardName, 'CloudWatch dashboard of the alarms and their metrics');
  }
}
