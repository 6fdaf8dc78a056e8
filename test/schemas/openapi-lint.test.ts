/**
 * Lints the published OpenAPI document with Redocly CLI (pinned in package.json), with the rules in
 * redocly.yaml: zero errors and zero warnings. A second case shows the linter really runs: the
 * self-referencing Error schema the document once had is refused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../schemas/openapi';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'xq-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LintReport {
  totals: { errors: number; warnings: number };
  version: string;
  problems: { ruleId: string; message: string }[];
}

interface LintRun {
  exitCode: number;
  stderr: string;
  report?: LintReport;
}

async function redoclyLint(document: unknown): Promise<LintRun> {
  const file = join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document, null, 1));
  const cli = join(root, 'node_modules/@redocly/cli/bin/cli.js');
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  // Redocly exits non-zero when it finds errors; its JSON report (if any) is on stdout either way.
  const { exitCode, stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [cli, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format=json'],
    { env, cwd: root },
  ).then(
    (out) => ({ exitCode: 0, ...out }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ exitCode: error.code ?? 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  );
  const json = stdout.indexOf('{');
  return { exitCode, stderr, ...(json >= 0 && { report: JSON.parse(stdout.slice(json)) as LintReport }) };
}

describe('OpenAPI description under Redocly lint', () => {
  it('has no errors and no warnings with the pinned Redocly CLI', async () => {
    const run = await redoclyLint(buildOpenApi({ hubId: 'xinqiao-540000', version: '1.0.0' }));
    const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies['@redocly/cli'];
    expect(run.report?.version).toBe(pinned);
    expect(run.report?.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(run.report?.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(run.exitCode).toBe(0);
  });

  it('refuses a document whose Error schema points at itself (what the document once had)', async () => {
    const doc = buildOpenApi({ hubId: 'xinqiao-540000', version: '1.0.0' }) as { components: { schemas: Record<string, unknown> } };
    doc.components.schemas.Error = { $ref: '#/components/schemas/Error' };
    const run = await redoclyLint(doc);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('Self-referencing circular pointer');
  });

  it('reports a public route left without `security: []` under the document-wide signature requirement', async () => {
    const doc = buildOpenApi({ hubId: 'xinqiao-540000', version: '1.0.0' }) as {
      security?: unknown;
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    delete doc.security;
    delete doc.paths['/v1/health']!.get!.security;
    const run = await redoclyLint(doc);
    expect(run.report?.problems.map((p) => p.ruleId)).toContain('security-defined');
    expect(run.exitCode).not.toBe(0);
  });
});
