#!/usr/bin/env node
/**
 * Architecture lint: the rules that keep the layout honest, checked on every
 * `npm run lint` (and so on every `npm test`):
 * - domain code (lambdas/domain) never imports the AWS SDK;
 * - Lambda code never uses console.* (use the structured logger, no personal data);
 * - CDK code (lib/, bin/) never reads process.env (stacks take typed config);
 * - schemas/ imports nothing from lambdas/ or lib/ (it is the source of types);
 * - lambdas/data never imports lambdas/domain; the audit domain and handlers never import lambdas/data;
 * - no source file is over 400 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const rules = [
  { dir: 'lambdas/domain', pattern: /from '@aws-sdk\//, message: 'domain code must not import the AWS SDK' },
  { dir: 'lambdas', pattern: /\bconsole\.(log|info|warn|error|debug)\(/, message: 'use the structured logger, not console' },
  { dir: 'lib', pattern: /process\.env/, message: 'CDK code takes typed config, never process.env' },
  { dir: 'bin', pattern: /process\.env/, message: 'CDK code takes typed config, never process.env' },
  { dir: 'schemas', pattern: /from '\.\.\/(lambdas|lib)\//, message: 'schemas must not depend on lambdas or lib' },
  { dir: 'lambdas/data', pattern: /from '\.\.\/domain\//, message: 'data implements the domain ports and never imports the domain' },
  {
    dir: 'lambdas/domain/audit',
    pattern: /from '\.\.\/\.\.\/data\//,
    message: 'the audit domain reaches its stores through its ports (ports.ts), never lambdas/data',
  },
  { dir: 'lambdas/handlers/audit', pattern: /from '\.\.\/\.\.\/data\//, message: 'audit handlers call domain use cases only, never lambdas/data' },
];
const MAX_LINES = 400;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

const problems = [];
for (const rule of rules) {
  for (const file of files(join(root, rule.dir))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (rule.pattern.test(line)) problems.push(`${relative(root, file)}:${i + 1}: ${rule.message}`);
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
