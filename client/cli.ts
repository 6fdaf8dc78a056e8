/**
 * `npm run hub -- <get|post> <path> --as <agencyId> [--file body.json] [--sub staff] [--purpose p]`
 * Sends one signed request to the local hub (.hub-local/hub.json) with the
 * agency's private key from .hub-local/agencies/, and prints the answer.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { HubClient } from './hub-client';
import type { AgencyCredentials } from './sign-request';
import { loadAgencyJwk } from '../local/demo-province';

const USAGE = 'usage: npm run hub -- <get|post> <path> --as <agencyId> [--file body.json] [--sub staffId] [--purpose purpose]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      as: { type: 'string' },
      file: { type: 'string' },
      sub: { type: 'string' },
      purpose: { type: 'string' },
      dir: { type: 'string', default: process.env.HUB_LOCAL_DIR ?? '.hub-local' },
    },
  });
  const [method, path] = positionals;
  if (!method || !path || !values.as || !['get', 'post'].includes(method.toLowerCase())) {
    console.error(USAGE);
    process.exit(2);
  }
  const dir = resolve(values.dir!);
  const hub = JSON.parse(readFileSync(join(dir, 'hub.json'), 'utf8')) as { hubId: string; baseUrl: string };
  const credentials: AgencyCredentials = { agencyId: values.as, privateJwk: loadAgencyJwk(dir, values.as) };
  const client = new HubClient({ baseUrl: hub.baseUrl, hubId: hub.hubId, credentials });
  const call = { ...(values.sub && { sub: values.sub }), ...(values.purpose && { purpose: values.purpose }) };
  const res =
    method.toLowerCase() === 'get'
      ? await client.get(path, call)
      : await client.request('POST', path, values.file ? readFileSync(values.file, 'utf8') : '{}', call);
  console.log(`HTTP ${res.status}`);
  console.log(JSON.stringify(res.body, null, 2));
  process.exit(res.status < 400 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
