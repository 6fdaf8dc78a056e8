/** The architecture lint on small trees it must pass or refuse: the layering rules hold by construction, not by review. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LINT = join(import.meta.dirname, '../../scripts/lint.mjs');

function lint(tree: Record<string, string>): { ok: boolean; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'xq-lint-'));
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const out = spawnSync(process.execPath, [LINT, root], { encoding: 'utf8' });
  return { ok: out.status === 0, output: out.stdout + out.stderr };
}

describe('architecture lint', () => {
  it('passes a tree that follows route -> handler -> domain -> port <- data', () => {
    const result = lint({
      'schemas/entities/thing.ts': 'export interface Thing { id: string }\n',
      'lambdas/domain/things/ports.ts':
        "import type { Thing } from '../../../schemas/entities/thing';\nexport interface ThingStore { get(id: string): Promise<Thing> }\n",
      'lambdas/domain/things/read-thing.ts': "import type { ThingStore } from './ports';\nexport const readThing = (s: ThingStore, id: string) => s.get(id);\n",
      'lambdas/data/things-table.ts':
        "import type { Thing } from '../../schemas/entities/thing';\nexport class ThingsTable { async get(id: string): Promise<Thing> { return { id }; } }\n",
      'lambdas/handlers/things/get-thing.ts': "import { readThing } from '../../domain/things/read-thing';\nexport { readThing };\n",
      'lambdas/groups/things.ts':
        "import { ThingsTable } from '../data/things-table';\nimport { readThing } from '../domain/things/read-thing';\nexport const run = () => readThing(new ThingsTable(), 'x');\n",
    });
    expect(result).toEqual({ ok: true, output: 'lint: ok\n' });
  });

  it.each([
    ['data imports the domain', 'lambdas/data/things-table.ts', "import { rule } from '../domain/things/rule';\n", 'data must not import the domain'],
    [
      'a handler imports a table',
      'lambdas/handlers/things/get-thing.ts',
      "import type { ThingsTable } from '../../data/things-table';\n",
      'handlers must not import data',
    ],
    [
      'a handler imports a table in a multi-line import',
      'lambdas/handlers/things/get-thing.ts',
      "import {\n  a,\n  b,\n} from '../../data/things-table';\n",
      'handlers must not import data',
    ],
    [
      'the domain imports a table',
      'lambdas/domain/things/read-thing.ts',
      "import type { ThingsTable } from '../../data/things-table';\n",
      'the domain must not import data',
    ],
    [
      'the domain imports the AWS SDK',
      'lambdas/domain/things/read-thing.ts',
      "import { GetItemCommand } from '@aws-sdk/client-dynamodb';\n",
      'domain code must not import the AWS SDK',
    ],
    ['schemas import lambdas', 'schemas/thing.ts', "import { x } from '../lambdas/shared/x';\n", 'schemas must not depend on lambdas or lib'],
    ['a Lambda logs with console', 'lambdas/shared/x.ts', "console.log('hello');\n", 'use the structured logger'],
    ['CDK reads the environment', 'lib/stack.ts', 'export const region = process.env.REGION;\n', 'never process.env'],
    ['a file is too long', 'lambdas/shared/long.ts', 'export const x = 1;\n'.repeat(401), 'lines (max 400)'],
  ])('refuses a tree where %s', (_name, path, text, message) => {
    const result = lint({ [path]: text });
    expect(result.ok).toBe(false);
    expect(result.output).toContain(path);
    expect(result.output).toContain(message);
  });
});
