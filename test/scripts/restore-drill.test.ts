/**
 * The restore drill of docs/runbook.md on DynamoDB Local: a hub with children, care, consents and a sealed audit
 * trail is exported; the export is restored into fresh tables; a fresh hub on them verifies the whole audit trail
 * (every chain, head and signed digest), serves the same records and gives the same case archive, byte for byte.
 * A restore refuses a changed export and tables that are not empty, before writing anything.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HubClient } from '../../client/hub-client';
import { localTableNames } from '../../lambdas/data/tables';
import { type RunningHub, startHubServer } from '../../local/hub';
import { exportTables, RestoreRefusedError, restoreTables } from '../../scripts/ops/table-backup';
import { agreementBody, keyed, makeCareCase } from '../support/care';
import { startTestHub, type TestHub } from '../support/hub';

let t: TestHub;
let restored: RunningHub | undefined;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(async () => {
  await restored?.close();
  await t.hub.close();
});

const clientOf = (hub: RunningHub, id: string) =>
  new HubClient({ baseUrl: hub.baseUrl, hubId: t.province.config.hubId, credentials: t.province.agencies[id]!.credentials, sub: id, retry: { attempts: 1 } });

describe('the restore drill', () => {
  it('restores every table into a fresh hub whose audit trail verifies and whose data reads the same', async () => {
    const { caseId } = await makeCareCase(t, ['xz-education', 'xz-health']);
    const edu = t.client('xz-education');
    expect((await edu.post(`/v1/cases/${caseId}/agreements`, agreementBody(), keyed(randomUUID()))).status).toBe(201);
    const rec = await edu.post<any>('/v1/records', {
      externalId: `DRILL-${randomUUID()}`,
      name: '格桑曲珍',
      sex: 'F',
      birthDate: '2014-03-09',
      householdRegion: '540102',
      categories: ['orphan'],
    });
    expect(rec.status).toBe(201);
    const officer = t.client('officer-zhang', 'officer-zhang');
    expect((await officer.post('/v1/audit/digests', {})).status).toBe(201);
    const archiveA = await edu.get<Uint8Array>(`/v1/cases/${caseId}/archive?format=zip`, { purpose: 'assessment' });
    expect(archiveA.status).toBe(200);

    const dir = mkdtempSync(join(tmpdir(), 'xq-drill-'));
    const manifest = await exportTables(t.hub.dynamo, t.hub.tables, '540000', dir);
    expect(manifest.tables.records!.items).toBeGreaterThan(0);
    expect(manifest.tables.audit!.items).toBeGreaterThan(0);
    // The export holds ciphertext only: no name, no guardian in any file.
    for (const entry of Object.values(manifest.tables)) expect(readFileSync(join(dir, entry.file), 'utf8')).not.toMatch(/格桑曲珍|卓嘎/);

    const prefix = `r${randomUUID().slice(0, 8)}`;
    const names = localTableNames('540000', prefix);
    const written = await restoreTables(t.hub.dynamo, names, dir);
    for (const [id, entry] of Object.entries(manifest.tables)) expect(written[id], id).toBe(entry.items);

    restored = await startHubServer({
      state: t.province.state,
      dynamoEndpoint: inject('dynamoEndpoint'),
      port: 0,
      tablePrefix: prefix,
      keyring: t.hub.keyring,
    });
    const verify = await clientOf(restored, 'officer-zhang').get<any>('/v1/audit/verify?mode=full');
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, problems: [] });
    expect(verify.body.events).toBeGreaterThanOrEqual(manifest.tables.audit!.items - 100);
    expect(verify.body.digests).toBeGreaterThan(0);

    const again = await clientOf(restored, 'xz-education').get<any>(`/v1/records/${rec.body.recordId}`);
    expect(again.status).toBe(200);
    expect(again.body.record ?? again.body).toMatchObject({ name: '格桑曲珍' });
    const archiveB = await clientOf(restored, 'xz-education').get<Uint8Array>(`/v1/cases/${caseId}/archive?format=zip`, { purpose: 'assessment' });
    expect(archiveB.headers.get('x-content-sha256')).toBe(createHash('sha256').update(archiveA.body).digest('hex'));
  });

  it('refuses tables that are not empty and an export that was changed, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-drill-'));
    await exportTables(t.hub.dynamo, t.hub.tables, '540000', dir);
    await expect(restoreTables(t.hub.dynamo, t.hub.tables, dir)).rejects.toThrow(RestoreRefusedError);

    const prefix = `x${randomUUID().slice(0, 8)}`;
    const file = join(dir, 'records.jsonl');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"S":"rec_/, '"S":"rex_'));
    await expect(restoreTables(t.hub.dynamo, localTableNames('540000', prefix), dir)).rejects.toThrow(/does not match its SHA-256/);
    await expect(t.hub.dynamo.send(new ScanCommand({ TableName: localTableNames('540000', prefix).records, Limit: 1 }))).rejects.toThrow();
  });
});
