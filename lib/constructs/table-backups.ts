/**
 * Backups beyond point-in-time recovery's 35 days: an AWS Backup plan of every table of the province, with the
 * rules of `<code>.ops.json` (default: daily kept 90 days, monthly kept 3 years, the audit trail's minimum
 * retention), into a vault encrypted with the province's storage key whose access policy denies deleting a
 * recovery point or shortening its lifecycle to everyone (AWS Backup's own lifecycle still expires them).
 * The vault and its recovery points are retained if the stack is deleted.
 *
 * AWS Backup runs the jobs with a role of this stack granting only what backing up these tables needs
 * (DynamoDB backup calls on these tables, the storage key for encryption, this vault), rather than the
 * managed AWSBackupServiceRolePolicyForBackup that reaches every table, volume and database of the account.
 * Restores are started by an operator with their own role (docs/runbook.md, "Restore").
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { BackupRule } from '../config/ops-config';
import type { StageSettings } from '../config/stages';

export interface TableBackupsProps {
  readonly provinceCode: string;
  readonly stage: StageSettings;
  readonly rules: readonly BackupRule[];
  readonly tables: readonly dynamodb.Table[];
  /** The province's symmetric key (the tables' encryption key); encrypts the vault. */
  readonly key: kms.Key;
}

/** The cron schedule of a rule, in UTC: daily; weekly on Sundays; monthly on the 1st. */
export function scheduleOf(rule: BackupRule): events.Schedule {
  const hour = String(rule.hourUtc);
  if (rule.frequency === 'daily') return events.Schedule.cron({ minute: '0', hour });
  if (rule.frequency === 'weekly') return events.Schedule.cron({ minute: '0', hour, weekDay: 'SUN' });
  return events.Schedule.cron({ minute: '0', hour, day: '1' });
}

export class TableBackups extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TableBackupsProps) {
    super(scope, id);
    const name = `xinqiao-${props.provinceCode}-${props.stage.name}`;
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: name,
      encryptionKey: props.key,
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', { backupPlanName: name, backupVault: this.vault });
    for (const rule of props.rules) {
      this.plan.addRule(
        new backup.BackupPlanRule({
          ruleName: rule.name,
          scheduleExpression: scheduleOf(rule),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          deleteAfter: Duration.days(rule.retentionDays),
          recoveryPointTags: { 'xinqiao:province': props.provinceCode, 'xinqiao:rule': rule.name },
        }),
      );
    }

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `Xinqiao ${props.provinceCode}: AWS Backup jobs of this province's tables, nothing else`,
    });
    const tableArns = props.tables.map((t) => t.tableArn);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'BackUpTheseTables',
        actions: ['dynamodb:DescribeTable', 'dynamodb:CreateBackup', 'dynamodb:StartAwsBackupJob', 'dynamodb:ListTagsOfResource'],
        resources: tableArns,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ManageTheirBackups',
        actions: ['dynamodb:DescribeBackup', 'dynamodb:DeleteBackup'],
        resources: tableArns.map((arn) => `${arn}/backup/*`),
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StorageKeyForTablesAndVault',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        resources: [props.key.keyArn],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'StorageKeyGrantsForAwsServicesOnly',
        actions: ['kms:CreateGrant'],
        resources: [props.key.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'IntoThisVault',
        actions: ['backup:DescribeBackupVault', 'backup:CopyIntoBackupVault'],
        resources: [this.vault.backupVaultArn],
      }),
    );
    this.plan.addSelection('Tables', {
      backupSelectionName: `${name}-tables`,
      resources: props.tables.map((t) => backup.BackupResource.fromDynamoDbTable(t)),
      role: this.role,
      disableDefaultBackupPolicy: true,
    });
    // A backup's ARN is the table's ARN, /backup/, and an id DynamoDB makes up when the backup is taken.
    const stack = Stack.of(this);
    const reason =
      "Backups get ids when they are taken: AWS Backup may describe and expire (delete, at the end of the rule's retention) only the backups of this province's own tables, each table by its ARN.";
    for (const table of props.tables) {
      const logicalId = stack.getLogicalId(table.node.defaultChild as dynamodb.CfnTable);
      Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/backup/*]`, reason });
    }
  }
}
