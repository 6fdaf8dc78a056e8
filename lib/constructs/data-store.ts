/**
 * The stateful half of a province stack: KMS keys and DynamoDB tables, with
 * secure defaults (customer-managed keys, rotation, point-in-time recovery,
 * deletion protection, retained on stack deletion). Tables come from the
 * shared definitions in lambdas/data/tables.ts.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLES, type TableId } from '../../lambdas/data/tables';

export interface DataStoreProps {
  readonly provinceCode: string;
}

export class DataStore extends Construct {
  /** Encrypts the tables at rest (DynamoDB server-side encryption). */
  readonly storageKey: kms.Key;
  /** Wraps the per-field data keys of the envelope encryption. */
  readonly fieldKey: kms.Key;
  /** HMAC key from which blind-index keys are derived; never encrypts. */
  readonly indexKey: kms.Key;
  /** Asymmetric key that signs the audit digests (tamper evidence). */
  readonly auditSigningKey: kms.Key;
  /** Asymmetric key that signs the notifications handed to agencies (its public half is the hub's JWKS). */
  readonly notificationSigningKey: kms.Key;
  readonly tables: Readonly<Record<TableId, dynamodb.Table>>;

  constructor(scope: Construct, id: string, props: DataStoreProps) {
    super(scope, id);
    const keyDefaults = { removalPolicy: RemovalPolicy.RETAIN, pendingWindow: Duration.days(30) };
    this.storageKey = new kms.Key(this, 'StorageKey', {
      ...keyDefaults,
      enableKeyRotation: true,
      description: `Xinqiao ${props.provinceCode}: DynamoDB table encryption`,
    });
    this.fieldKey = new kms.Key(this, 'FieldKey', {
      ...keyDefaults,
      enableKeyRotation: true,
      description: `Xinqiao ${props.provinceCode}: field-level envelope encryption of child records`,
    });
    this.indexKey = new kms.Key(this, 'IndexKey', {
      ...keyDefaults,
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      description: `Xinqiao ${props.provinceCode}: blind-index HMAC root (separate from encryption keys)`,
    });

    this.auditSigningKey = new kms.Key(this, 'AuditSigningKey', {
      ...keyDefaults,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      description: `Xinqiao ${props.provinceCode}: signs audit digests`,
    });
    this.notificationSigningKey = new kms.Key(this, 'NotificationSigningKey', {
      ...keyDefaults,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      description: `Xinqiao ${props.provinceCode}: signs notifications to agencies`,
    });

    const tables = {} as Record<TableId, dynamodb.Table>;
    for (const def of Object.values(TABLES)) {
      const table = new dynamodb.Table(this, `${def.id[0]!.toUpperCase()}${def.id.slice(1)}Table`, {
        partitionKey: { name: def.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(def.sortKey && { sortKey: { name: def.sortKey, type: dynamodb.AttributeType.STRING } }),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: this.storageKey,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        ...(def.ttlAttribute && { timeToLiveAttribute: def.ttlAttribute }),
      });
      for (const index of def.indexes) {
        const type = index.keyType === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING;
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type },
          ...(index.sortKey && { sortKey: { name: index.sortKey, type } }),
          ...(index.include === 'all'
            ? { projectionType: dynamodb.ProjectionType.ALL }
            : index.include?.length
              ? { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...index.include] }
              : { projectionType: dynamodb.ProjectionType.KEYS_ONLY }),
        });
      }
      tables[def.id] = table;
    }
    this.tables = tables;
  }
}
