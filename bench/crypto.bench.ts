/**
 * `npm run bench`: the walking skeleton's cost figures, measured in one run.
 * 1. Field encryption/decryption per record vs raw node:crypto AES-256-GCM on the
 *    same fields (target: at most 3x) and vs the AWS Encryption SDK (raw AES keyring).
 * 2. KMS calls per 1,000 publishes on a warm path (target: at most 1): the real
 *    publish path (blind indexes, field cipher, caching keyring, KmsKeyring) on
 *    DynamoDB Local; only KMS's network answers are stubbed, and every call counted.
 * 3. Each Lambda's bundle as the stack builds it (AWS SDK bundled): size (at most 1 MB) and module
 *    init time in a fresh Node process next to an empty handler's (target: at most 150 ms), and the
 *    records bundle with the SDK loaded from node_modules instead, for the ratio.
 * 4. DynamoDB calls (and sequential rounds) per publish on DynamoDB Local: 40 children x 5 agencies
 *    (one opens the case, four join it), then each record published again unchanged; against the
 *    figure before linking was reworked (issue 8: 32; 35.4 calls in 14.2 rounds in this scenario at 86d1dbc;
 *    unchanged republish: 3.0 calls then and now).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { mockClient } from 'aws-sdk-client-mock';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { childRecordV1, type ChildRecordV1 } from '../schemas/child-record';
import { BlindIndexer } from '../lambdas/crypto/blind-index';
import { CachingKeyring } from '../lambdas/crypto/caching-keyring';
import { FieldCipher } from '../lambdas/crypto/field-cipher';
import type { SealedFields } from '../schemas/entities/sealed';
import { KmsKeyring } from '../lambdas/crypto/kms-keyring';
import { generateLocalKeyMaterial, LocalKeyring } from '../lambdas/crypto/local-keyring';
import { CasesTable } from '../lambdas/data/cases-table';
import { LinkingTable } from '../lambdas/data/linking-table';
import { RecordsTable } from '../lambdas/data/records-table';
import { DEFAULT_MODEL } from '../lambdas/domain/matching/default-model';
import { localTableNames, TABLES, type TableId, tableEnvVar } from '../lambdas/data/tables';
import { publishRecord } from '../lambdas/domain/records/records-service';
import { BUNDLE_ALIASES, BUNDLE_BANNER, BUNDLING_TARGET } from '../lib/constructs/hub-api';
import { localDynamoClient, startDynamoDbLocal } from '../local/dynamodb-local';
import { freePort } from '../local/free-port';
import { readConsoleFiles } from '../local/console-files';
import { ensureTables } from '../local/tables';
import { sampleRecord, idNumberFor } from '../test/support/records';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const RECORDS = 2000;
const ROUNDS = 5;

function records(): ChildRecordV1[] {
  return Array.from({ length: RECORDS }, (_, i) =>
    childRecordV1.parse(
      sampleRecord({
        externalId: `EDU-${i}`,
        name: `测试儿童${i}`,
        // Distinct children: different birth dates, ID numbers and guardians' phones.
        birthDate: `20${10 + (i % 8)}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`,
        idNumber: idNumberFor('540102', `20${10 + (i % 8)}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`, i % 1000),
        guardian: { name: `监护人${i}`, phone: `139${String(i).padStart(8, '0')}`, relation: 'mother' },
        address: `拉萨市城关区北京中路${i}号`,
      }),
    ),
  );
}

/** Median seconds of `fn` over ROUNDS rounds. */
async function median(fn: () => Promise<void> | void): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const us = (seconds: number) => `${((seconds / RECORDS) * 1e6).toFixed(1)} µs/record`;

async function cryptoCost(): Promise<void> {
  const data = records();
  const context = { province: '540000', agency: 'xz-education', table: 'records' };
  const binding = (i: number) => ({ table: 'records', recordId: `rec_${i}`, schemaVersion: 1 });

  // Raw floor: AES-256-GCM per field with node:crypto, same key, same serialised values.
  const key = randomBytes(32);
  const rawSealed: Buffer[][] = [];
  const rawEncrypt = await median(() => {
    rawSealed.length = 0;
    for (const record of data) {
      const out: Buffer[] = [];
      for (const value of Object.values(record)) {
        if (value === undefined) continue;
        const iv = randomBytes(12);
        const c = createCipheriv('aes-256-gcm', key, iv);
        out.push(Buffer.concat([iv, c.update(JSON.stringify(value), 'utf8'), c.final(), c.getAuthTag()]));
      }
      rawSealed.push(out);
    }
  });
  const rawDecrypt = await median(() => {
    for (const fields of rawSealed) {
      for (const buf of fields) {
        const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
        d.setAuthTag(buf.subarray(buf.length - 16));
        JSON.parse(Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]).toString('utf8'));
      }
    }
  });

  // The hub's field cipher, warm cache (as in a warm Lambda).
  const cipher = new FieldCipher(new CachingKeyring(new LocalKeyring(generateLocalKeyMaterial())));
  await cipher.open(context, binding(0), await cipher.seal(context, binding(0), data[0]!));
  const sealed: SealedFields[] = [];
  const hubEncrypt = await median(async () => {
    sealed.length = 0;
    for (let i = 0; i < data.length; i++) sealed.push(await cipher.seal(context, binding(i), data[i]!));
  });
  const hubDecrypt = await median(async () => {
    for (let i = 0; i < sealed.length; i++) await cipher.open(context, binding(i), sealed[i]!);
  });

  // AWS Encryption SDK with a raw AES keyring: one message per record, same context.
  const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const keyring = new RawAesKeyringNode({
    keyNamespace: 'xinqiao-bench',
    keyName: 'field',
    unencryptedMasterKey: new Uint8Array(randomBytes(32)),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
  const esdkSample = data.slice(0, 400);
  const esdkSealed: Buffer[] = [];
  const esdkEncrypt =
    ((await median(async () => {
      esdkSealed.length = 0;
      for (const record of esdkSample) esdkSealed.push((await esdk.encrypt(keyring, JSON.stringify(record), { encryptionContext: context })).result);
    })) *
      RECORDS) /
    esdkSample.length;
  const esdkDecrypt =
    ((await median(async () => {
      for (const message of esdkSealed) await esdk.decrypt(keyring, message);
    })) *
      RECORDS) /
    esdkSample.length;

  console.log(`\n1. Field encryption, ${RECORDS} records x ${Object.keys(data[0]!).length} fields, median of ${ROUNDS} rounds`);
  console.log(`   raw node:crypto AES-256-GCM  encrypt ${us(rawEncrypt)}   decrypt ${us(rawDecrypt)}`);
  console.log(`   hub FieldCipher (warm)       encrypt ${us(hubEncrypt)}   decrypt ${us(hubDecrypt)}`);
  console.log(`   AWS Encryption SDK (raw AES) encrypt ${us(esdkEncrypt)}   decrypt ${us(esdkDecrypt)}   (per record, ${esdkSample.length} measured)`);
  console.log(
    `   ratio hub/raw: encrypt ${(hubEncrypt / rawEncrypt).toFixed(2)}x, decrypt ${(hubDecrypt / rawDecrypt).toFixed(2)}x (target <= 3x)` +
      `; hub/ESDK: encrypt ${(hubEncrypt / esdkEncrypt).toFixed(2)}x, decrypt ${(hubDecrypt / esdkDecrypt).toFixed(2)}x`,
  );
}

async function kmsCallsPerThousand(): Promise<void> {
  const kms = mockClient(KMSClient);
  kms.on(GenerateDataKeyCommand).callsFake(() => ({ Plaintext: new Uint8Array(randomBytes(32)), CiphertextBlob: new Uint8Array(randomBytes(64)) }));
  kms.on(GenerateMacCommand).callsFake(() => ({ Mac: new Uint8Array(randomBytes(32)) }));
  kms.on(DecryptCommand).rejects(new Error('not expected on the publish path'));
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  try {
    const client = localDynamoClient(dynamo.endpoint);
    const tables = localTableNames('540000', 'bench');
    await ensureTables(client, tables);
    const keyring = new CachingKeyring(new KmsKeyring({ client: new KMSClient({ region: 'cn-northwest-1' }), fieldKeyId: 'field', indexKeyId: 'index' }));
    const deps = {
      province: '540000',
      records: new RecordsTable(client, tables.records),
      cases: new CasesTable(client, tables.cases),
      linking: new LinkingTable(client, tables.records, tables.cases, tables.notifications),
      cipher: new FieldCipher(keyring),
      index: new BlindIndexer(keyring, '540000'),
      model: DEFAULT_MODEL,
    };
    const publisher = { agencyId: 'xz-education', agencyType: 'education' as const };
    const data = records().slice(0, 1001);
    await publishRecord(deps, publisher, data[0]!); // cold start: derives index keys, first data key
    const cold = kms.calls().length;
    const start = process.hrtime.bigint();
    for (const record of data.slice(1)) await publishRecord(deps, publisher, record);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const warm = kms.calls().length - cold;
    console.log(
      `\n2. KMS calls: ${cold} on the cold first publish, ${warm} per 1,000 warm publishes (target <= 1); 1,000 publishes to DynamoDB Local in ${seconds.toFixed(1)} s`,
    );
    client.destroy();
  } finally {
    kms.restore();
    await dynamo.stop();
  }
}

/** Every Lambda the stack deploys (lambdas/entry/, less the shared bootstrap). */
const LAMBDAS = readdirSync('lambdas/entry')
  .filter((f) => f.endsWith('.ts') && !f.endsWith('environment.ts')) // environment.ts, merge-environment.ts: wiring, not Lambdas
  .map((f) => f.slice(0, -3))
  .sort();

/** The environment the stack gives a function: enough for module init, which makes no AWS call. */
const INIT_ENV = {
  ...Object.fromEntries((Object.keys(TABLES) as TableId[]).map((id) => [tableEnvVar(id), `xq-540000-${id}`])),
  XQ_AUDIT_RETENTION_DAYS: '3650',
  XQ_METRICS: 'emf',
  AWS_REGION: 'cn-north-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  XQ_MERGE_BUCKET: 'xq-540000-merge',
  // This machine runs Node 20, where the SDK warns once at a client's construction that it will soon need Node 22;
  // the functions run on nodejs22.x, where it does not: the warning is not part of their init.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Bundles one Lambda as the stack does (AWS SDK bundled unless `sdkFromNodeModules`); returns the file. */
async function bundle(name: string, outDir: string, sdkFromNodeModules = false): Promise<string> {
  const outfile = join(outDir, `${name}${sdkFromNodeModules ? '.runtime-sdk' : ''}.mjs`);
  await build({
    entryPoints: [`lambdas/entry/${name}.ts`],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: BUNDLING_TARGET,
    mainFields: ['module', 'main'],
    banner: { js: BUNDLE_BANNER },
    external: sdkFromNodeModules ? ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'] : [],
    alias: sdkFromNodeModules ? {} : { ...BUNDLE_ALIASES },
    define: {
      __XQ_REGISTRY__: JSON.stringify(JSON.stringify({ provinceCode: '540000', hubId: 'xinqiao-540000', agencies: [] })),
      ...(name === 'console' && { __XQ_CONSOLE__: JSON.stringify(JSON.stringify(readConsoleFiles())) }),
      // The merge-normalise stage gets the province's list spellings the same way (null: the defaults).
      ...(name === 'merge-normalise' && { __XQ_LIST_SYNONYMS__: JSON.stringify(JSON.stringify(null)) }),
    },
    logLevel: 'silent',
  });
  return outfile;
}

/**
 * Module init of a fresh Node process, as a Lambda's init phase imports the handler: wall time and
 * the CPU time the import used (user + system). On a quiet machine the two agree; on a shared one the
 * CPU time still says what the import costs, while the wall time also counts the wait for a core.
 */
function initOnce(file: string): { wall: number; cpu: number } {
  const probe = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); const w = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall: w, cpu: (u.user + u.system) / 1000 }));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { env: { ...process.env, ...INIT_ENV }, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`init of ${file} failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as { wall: number; cpu: number };
}

interface InitTime {
  /** Median wall time, ms. */
  readonly wall: number;
  /** Median CPU time, ms: the figure held against the target. */
  readonly cpu: number;
}

/** Init times of several files, `runs` rounds with every file once per round (so a busy moment falls on all of them alike). */
function initTimes(files: readonly string[], runs = INIT_RUNS): InitTime[] {
  const times = files.map(() => [] as { wall: number; cpu: number }[]);
  for (let r = 0; r < runs; r++) {
    for (const [i, f] of files.entries()) times[i]!.push(initOnce(f));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return times.map((t) => ({ wall: median(t.map((x) => x.wall)), cpu: median(t.map((x) => x.cpu)) }));
}

const INIT_RUNS = 7;
const INIT_TARGET_MS = 150;
const SIZE_LIMIT = 1024 * 1024;

async function bundlesAndInit(): Promise<void> {
  console.log('\n3. Lambda bundles as the stack builds them (esbuild, ESM, minified, AWS SDK bundled and pinned) and their module init');
  console.log(
    `   (a fresh Node ${process.version} process importing the handler module; medians of ${INIT_RUNS} rounds over all bundles; target: at most ${INIT_TARGET_MS} ms of CPU; size at most 1 MB)`,
  );
  // Inside the project, so a bundle that leaves the SDK out finds it in node_modules, as the runtime's copy would be found.
  const outDir = join('.bench-out', 'init');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const empty = join(outDir, 'empty.mjs');
  writeFileSync(empty, 'export const handler = async () => ({ statusCode: 200 });\n');
  const files = [empty];
  for (const name of LAMBDAS) files.push(await bundle(name, outDir));
  // The choice this replaces: the records bundle with the SDK loaded from node_modules, as from the runtime's copy.
  files.push(await bundle('records', outDir, true));
  const times = initTimes(files);
  const emptyMs = times[0]!;
  const row = (label: string, file: string, t: InitTime, note: string) =>
    console.log(
      `   ${label.padEnd(14)} ${(statSync(file).size / 1024).toFixed(1).padStart(6)} KB  init ${t.cpu.toFixed(1).padStart(6)} ms CPU (${t.wall.toFixed(1).padStart(6)} ms wall)  ${note}`,
    );
  row('empty handler', empty, emptyMs, '(baseline)');
  let worst = 0;
  LAMBDAS.forEach((name, i) => {
    const t = times[i + 1]!;
    worst = Math.max(worst, t.cpu);
    const size = statSync(files[i + 1]!).size;
    row(
      name,
      files[i + 1]!,
      t,
      `${(t.cpu / emptyMs.cpu).toFixed(0)}x empty; ${t.cpu <= INIT_TARGET_MS ? 'ok' : 'OVER'} <= ${INIT_TARGET_MS} ms, size ${size <= SIZE_LIMIT ? 'ok' : 'OVER'}`,
    );
  });
  const records = times[1 + LAMBDAS.indexOf('records')]!;
  const runtimeSdk = times.at(-1)!;
  row(
    'records, SDK from node_modules',
    files.at(-1)!,
    runtimeSdk,
    `(as the runtime's copy loads; bundled/this: ${(records.cpu / runtimeSdk.cpu).toFixed(2)}x)`,
  );
  console.log(`   slowest init: ${worst.toFixed(1)} ms CPU (${worst <= INIT_TARGET_MS ? 'within' : 'OVER'} the ${INIT_TARGET_MS} ms target)`);
}

/** Calls and sequential rounds per first publish before linking was reworked, this scenario, measured at commit 86d1dbc (issue 8: 32 calls, about 12 rounds). */
const CALLS_BEFORE = 35.4;
const ROUNDS_BEFORE = 14.2;

async function dynamoCallsPerPublish(): Promise<void> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  try {
    const client = localDynamoClient(dynamo.endpoint);
    const tables = localTableNames('540000', 'calls');
    await ensureTables(client, tables);
    let calls = 0;
    let rounds = 0;
    let inFlight = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        calls++;
        if (inFlight++ === 0) rounds++; // a call that starts while none is in flight starts a sequential round
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const keyring = new CachingKeyring(new LocalKeyring(generateLocalKeyMaterial()));
    const deps = {
      province: '540000',
      records: new RecordsTable(client, tables.records),
      cases: new CasesTable(client, tables.cases),
      linking: new LinkingTable(client, tables.records, tables.cases, tables.notifications),
      cipher: new FieldCipher(keyring),
      index: new BlindIndexer(keyring, '540000'),
      model: DEFAULT_MODEL,
    };
    const agencies = [
      ['xz-civil-affairs', 'civil_affairs'],
      ['xz-education', 'education'],
      ['xz-health', 'health'],
      ['xz-youth-league', 'youth_league'],
      ['xz-womens-federation', 'womens_federation'],
    ] as const;
    const sends = Array.from({ length: 40 }, (_, c) => {
      const birthDate = `201${c % 8}-0${1 + (c % 9)}-${String(1 + (c % 28)).padStart(2, '0')}`;
      return agencies.map(([agencyId, agencyType]) => ({
        publisher: { agencyId, agencyType },
        record: childRecordV1.parse(
          sampleRecord({
            externalId: `${agencyType}-${c}`,
            name: `测试儿童${c}`,
            birthDate,
            idNumber: idNumberFor('540102', birthDate, c),
            guardian: { name: `监护人${c}`, phone: `139${String(c).padStart(8, '0')}`, relation: 'mother' },
          }),
        ),
      }));
    }).flat();
    const links = new Map<string, number>();
    for (const s of sends) {
      const out = await publishRecord(deps, s.publisher, s.record);
      links.set(out.link, (links.get(out.link) ?? 0) + 1);
    }
    const first = { calls: calls / sends.length, rounds: rounds / sends.length };
    calls = rounds = 0;
    for (const s of sends) await publishRecord(deps, s.publisher, s.record);
    const again = { calls: calls / sends.length, rounds: rounds / sends.length };
    console.log(`\n4. DynamoDB calls per publish (DynamoDB Local; ${sends.length} publishes: ${[...links].map(([k, v]) => `${v} ${k}`).join(', ')})`);
    console.log(
      `   first publish: ${first.calls.toFixed(1)} calls in ${first.rounds.toFixed(1)} sequential rounds; before: ${CALLS_BEFORE} calls in ${ROUNDS_BEFORE} rounds (issue 8: 32 in about 12); ratio ${(first.calls / CALLS_BEFORE).toFixed(2)}x calls, ${(first.rounds / ROUNDS_BEFORE).toFixed(2)}x rounds`,
    );
    console.log(`   unchanged republish (checks and repairs): ${again.calls.toFixed(1)} calls in ${again.rounds.toFixed(1)} rounds`);
    client.destroy();
  } finally {
    await dynamo.stop();
  }
}

// `npm run bench -- --only 3` runs one section.
const { only } = parseArgs({ options: { only: { type: 'string' } } }).values;
const sections = [cryptoCost, kmsCallsPerThousand, bundlesAndInit, dynamoCallsPerPublish];
for (const [i, section] of sections.entries()) if (only === undefined || Number(only) === i + 1) await section();
