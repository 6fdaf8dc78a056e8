#!/usr/bin/env node
/**
 * Architecture lint: the rules that keep the layout honest, checked on every
 * `npm run lint` (and so on every `npm test`). Formatting and code style are
 * Biome's (biome.json); this checks what Biome cannot see, the layering:
 *
 *   route (lambdas/routes.ts) -> handler (lambdas/handlers) -> domain use case (lambdas/domain)
 *     -> port (interfaces declared in the domain) -> table (lambdas/data, implementing the port)
 *
 * - domain code never imports the AWS SDK, nor lambdas/data (it depends on its own ports);
 * - data code never imports lambdas/domain (entities come from schemas/entities);
 * - handlers never import lambdas/data (they call domain use cases with ports wired in lambdas/groups);
 * - schemas/ imports nothing from lambdas/ or lib/ (it is the source of types);
 * - Lambda code never uses console.* (use the structured logger, no personal data);
 * - CDK code (lib/, bin/) never reads process.env (stacks take typed config);
 * - no source file is over 400 lines.
 *
 * Usage: node scripts/lint.mjs [root]   (root defaults to the repository)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));

/** Line rules: a pattern that must not appear in files under a folder. */
const LINE_RULES = [
  { dir: 'lambdas/domain', pattern: /from '@aws-sdk\//, message: 'domain code must not import the AWS SDK' },
  { dir: 'lambdas', pattern: /\bconsole\.(log|info|warn|error|debug)\(/, message: 'use the structured logger, not console' },
  { dir: 'lib', pattern: /process\.env/, message: 'CDK code takes typed config, never process.env' },
  { dir: 'bin', pattern: /process\.env/, message: 'CDK code takes typed config, never process.env' },
];

/** Import rules: files under `from` must not import modules under any of `to` (relative imports, resolved). */
const IMPORT_RULES = [
  { from: 'lambdas/data', to: ['lambdas/domain'], message: 'data must not import the domain (implement its ports; entities are in schemas/entities)' },
  { from: 'lambdas/handlers', to: ['lambdas/data'], message: 'handlers must not import data (call a domain use case; ports are wired in lambdas/groups)' },
  { from: 'lambdas/domain', to: ['lambdas/data'], message: 'the domain must not import data (declare a port in the domain)' },
  { from: 'schemas', to: ['lambdas', 'lib'], message: 'schemas must not depend on lambdas or lib' },
];
const MAX_LINES = 400;

/** Build output and dependencies are not source (client/dist is written by the client package's build). */
const NOT_SOURCE = new Set(['node_modules', 'dist', 'build-src', 'cdk.out']);

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (NOT_SOURCE.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']+)'/g;
const inside = (path, dir) => {
  const r = relative(join(root, dir), path);
  return r === '' || (!r.startsWith('..') && !r.startsWith('/'));
};

const problems = [];
for (const rule of LINE_RULES) {
  for (const file of files(join(root, rule.dir))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (rule.pattern.test(line)) problems.push(`${relative(root, file)}:${i + 1}: ${rule.message}`);
      });
  }
}
for (const rule of IMPORT_RULES) {
  for (const file of files(join(root, rule.from))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const match of line.matchAll(IMPORT)) {
          const target = resolve(dirname(file), match[1]);
          if (rule.to.some((dir) => inside(target, dir))) problems.push(`${relative(root, file)}:${i + 1}: ${rule.message}`);
        }
      });
  }
}
for (const dir of ['lambdas', 'lib', 'bin', 'schemas', 'client', 'local', 'scripts']) {
  for (const file of files(join(root, dir))) {
    const lines = readFileSync(file, 'utf8').split('\n').length;
    if (lines > MAX_LINES) problems.push(`${relative(root, file)}: ${lines} lines (max ${MAX_LINES}); split it`);
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('lint: ok');
