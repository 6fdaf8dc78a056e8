/**
 * The monthly cost model of one province stack (docs/cost.md): a workload per province size, the unit prices of
 * each AWS service the stack uses, and the itemised bill. `npm run cost` prints the tables docs/cost.md carries;
 * test/scripts/cost-model.test.ts checks the document still says what the model computes.
 *
 * Prices are public list prices in USD for a commercial region (us-east-1 / ap-southeast-1 level, 2025-2026); the
 * China regions (cn-north-1, cn-northwest-1) are priced in CNY by their operators and differ by service: put their
 * price sheet into PRICES to recompute. Nothing here reads the network.
 */

/** What a province does in a month. */
export interface Workload {
  readonly label: string;
  readonly children: number;
  /** Agency records per child (a child is on 2-3 agencies' lists). */
  readonly recordsPerChild: number;
  /** Share of records republished (list re-uploads, updates) per month. */
  readonly republishShare: number;
  /** Agency systems calling the hub (county-level systems of five agencies). */
  readonly systems: number;
  /** Each system polls its worklist and notifications this often (minutes). */
  readonly pollMinutes: number;
  /** Signed reads and writes a month besides polling and publishing (case views, care loop, officers). */
  readonly otherRequests: number;
  /** Retained data, GB (records, care, audit trail after a few years). */
  readonly storageGb: number;
  /** Backup copies kept (daily for 35 days and monthly for a year: AWS Backup copies are full for DynamoDB). */
  readonly backupCopies: number;
}

export const WORKLOADS: readonly Workload[] = [
  {
    label: 'province of 25,000 children (Tibet: 23,585)',
    children: 25_000,
    recordsPerChild: 2.5,
    republishShare: 1,
    systems: 80,
    pollMinutes: 5,
    otherRequests: 120_000,
    storageGb: 6,
    backupCopies: 12,
  },
  {
    label: 'province of 1,000,000 children',
    children: 1_000_000,
    recordsPerChild: 2.5,
    republishShare: 1,
    systems: 1_500,
    pollMinutes: 5,
    otherRequests: 4_800_000,
    storageGb: 240,
    backupCopies: 12,
  },
];

/** Unit prices, USD. */
export const PRICES = {
  lambdaGbSecond: 0.0000133334, // arm64
  lambdaRequest: 0.2 / 1e6,
  httpApiRequest: 1.0 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6, // on-demand
  dynamoReadUnit: 0.125 / 1e6,
  dynamoStorageGb: 0.25,
  dynamoPitrGb: 0.2,
  backupGb: 0.1, // AWS Backup warm storage, DynamoDB
  kmsKeyMonth: 1.0,
  kmsRequest: 0.03 / 1e4, // symmetric and HMAC
  kmsSignRequest: 0.15 / 1e4, // asymmetric (ECC) signing of audit digests
  logsIngestGb: 0.5,
  logsStoreGb: 0.03,
  customMetric: 0.3,
  alarm: 0.1,
  dashboard: 3.0,
  sqsRequest: 0.4 / 1e6,
  snsNotification: 0, // e-mail and HTTPS: first thousands free; negligible
} as const;

/** How the stack turns a request into resource use (measured shapes, rounded up; see docs/cost.md). */
const SHAPE = {
  lambdaGbSecondsPerRequest: 0.5 * 0.15, // 512 MB for 150 ms
  lambdaGbSecondsPerPublish: 0.5 * 0.06,
  writeUnitsPerRequest: 8, // nonce claim + audit intent, event and chain head, with their index copies
  readUnitsPerRequest: 10,
  // A publish that changes a record, in transactions (2 units per KB written): the record (lookup, head, version:
  // ~14), the claims on its ~16 blocking keys (32), the commit (head ~6, member, ledger row, event, 3 counters,
  // the 16 keys' releases with their filings: ~50), index copies (~4). Derived from the code: DynamoDB Local's
  // ConsumedCapacity does not count transactional writes twice, so it cannot measure this.
  writeUnitsPerPublish: 100,
  macsPerPublish: 8, // blind indexes (KMS GenerateMac; data keys are cached)
  logKbPerRequest: 1.5,
  kmsKeys: 6, // storage, field, index, audit signing, province (S3, logs, backups), spare for rotation overlap
  customMetrics: 40,
  alarms: 16,
  scheduledInvocations: 8_640 + 8_640 + 720, // sealer every 5 min, alerts every 5 min, care job hourly
  scheduledGbSeconds: 0.5 * 1,
  sealsPerMonth: 8_640,
} as const;

export interface Line {
  readonly item: string;
  readonly basis: string;
  readonly usd: number;
}

export function bill(w: Workload, p = PRICES): Line[] {
  const publishes = w.children * w.recordsPerChild * w.republishShare;
  const polls = w.systems * ((30 * 24 * 60) / w.pollMinutes) * 2; // worklist and notifications
  const requests = polls + w.otherRequests;
  const gbs = requests * SHAPE.lambdaGbSecondsPerRequest + publishes * SHAPE.lambdaGbSecondsPerPublish + SHAPE.scheduledInvocations * SHAPE.scheduledGbSeconds;
  const writes = requests * SHAPE.writeUnitsPerRequest + publishes * SHAPE.writeUnitsPerPublish;
  const reads = requests * SHAPE.readUnitsPerRequest + publishes * SHAPE.readUnitsPerRequest;
  const logsGb = ((requests + publishes) * SHAPE.logKbPerRequest) / 1e6;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  return [
    { item: 'API Gateway (HTTP API)', basis: `${fmt(requests)} requests`, usd: requests * p.httpApiRequest },
    {
      item: 'Lambda (arm64, 512 MB)',
      basis: `${fmt(gbs)} GB-s, ${fmt(requests + publishes + SHAPE.scheduledInvocations)} invocations`,
      usd: gbs * p.lambdaGbSecond + (requests + publishes + SHAPE.scheduledInvocations) * p.lambdaRequest,
    },
    { item: 'DynamoDB writes (on-demand)', basis: `${fmt(writes)} write units`, usd: writes * p.dynamoWriteUnit },
    { item: 'DynamoDB reads (on-demand)', basis: `${fmt(reads)} read units`, usd: reads * p.dynamoReadUnit },
    { item: 'DynamoDB storage + point-in-time recovery', basis: `${w.storageGb} GB`, usd: w.storageGb * (p.dynamoStorageGb + p.dynamoPitrGb) },
    { item: 'AWS Backup (beyond PITR)', basis: `${w.backupCopies} copies x ${w.storageGb} GB`, usd: w.backupCopies * w.storageGb * p.backupGb },
    { item: 'KMS keys', basis: `${SHAPE.kmsKeys} customer managed keys`, usd: SHAPE.kmsKeys * p.kmsKeyMonth },
    {
      item: 'KMS requests',
      basis: `${fmt(publishes * SHAPE.macsPerPublish)} MACs, ${fmt(SHAPE.sealsPerMonth)} digest signatures`,
      usd: publishes * SHAPE.macsPerPublish * p.kmsRequest + SHAPE.sealsPerMonth * p.kmsSignRequest,
    },
    { item: 'CloudWatch Logs', basis: `${logsGb.toFixed(1)} GB ingested, 1 year kept`, usd: logsGb * p.logsIngestGb + logsGb * 12 * p.logsStoreGb },
    {
      item: 'CloudWatch metrics, alarms, dashboard',
      basis: `${SHAPE.customMetrics} metrics, ${SHAPE.alarms} alarms, 1 dashboard`,
      usd: SHAPE.customMetrics * p.customMetric + SHAPE.alarms * p.alarm + p.dashboard,
    },
    { item: 'SQS (list rows)', basis: `${fmt(publishes * 3)} requests`, usd: publishes * 3 * p.sqsRequest },
  ];
}

export function costTables(): string {
  const out: string[] = [];
  for (const w of WORKLOADS) {
    const lines = bill(w);
    const total = lines.reduce((s, l) => s + l.usd, 0);
    out.push(`### ${w.label}`, '', '| item | basis (a month) | USD |', '| --- | --- | ---: |');
    for (const l of lines) out.push(`| ${l.item} | ${l.basis} | ${l.usd.toFixed(2)} |`);
    out.push(`| **total** | | **${total.toFixed(2)}** |`, `| per child and year | | ${((total * 12) / w.children).toFixed(4)} |`, '');
  }
  return out.join('\n');
}

if (process.argv[1]?.endsWith('cost-model.ts')) process.stdout.write(`${costTables()}\n`);
