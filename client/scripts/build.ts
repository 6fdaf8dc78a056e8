/**
 * `npm run build` (in client/): the package into client/dist, JavaScript and declarations, by tsc.
 * The sources are copied to client/build-src with routes.ts replaced by its written-out form
 * (flatten-types.ts), so what tsc compiles, and checks against the rest of the client, is what is shipped:
 * no import of zod or of the project's schemas survives into dist.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flattenedRouteTypes } from './flatten-types';

const client = fileURLToPath(new URL('..', import.meta.url));
const staging = join(client, 'build-src');
const dist = join(client, 'dist');

rmSync(staging, { recursive: true, force: true });
rmSync(dist, { recursive: true, force: true });
try {
  cpSync(join(client, 'src'), staging, { recursive: true });
  writeFileSync(join(staging, 'routes.ts'), flattenedRouteTypes());
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(client, 'tsconfig.build.json')], { stdio: 'inherit' });
} finally {
  rmSync(staging, { recursive: true, force: true });
}

// What is shipped must stand alone: nothing may point outside dist or at a package the client does not depend on.
const allowed = new Set(['jose', ...Object.keys(JSON.parse(readFileSync(join(client, 'package.json'), 'utf8')).dependencies ?? {})]);
const strays: string[] = [];
for (const file of readdirSync(dist, { recursive: true }) as string[]) {
  if (!/\.(js|d\.ts)$/.test(file)) continue;
  const code = readFileSync(join(dist, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''); // not the examples in doc comments
  for (const [, spec] of code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
    const ok = spec!.startsWith('./') || spec!.startsWith('node:') || allowed.has(spec!.split('/')[0]!);
    if (!ok || spec!.startsWith('../')) strays.push(`${file}: ${spec}`);
  }
}
if (strays.length > 0) throw new Error(`dist imports what the package does not ship:\n${strays.join('\n')}`);
console.log(`built ${dist}`);
