/**
 * A deterministic zip (fflate: small, maintained, no native code; the only zip writer in the hub). Every entry has
 * the same fixed modification time, the entries keep the order given and the compression level is fixed, so the
 * same files give the same bytes on any machine. fflate writes the DOS time from local-time getters, so the fixed
 * time is built from local-time parts: it reads back the same whatever the machine's time zone.
 */
import { zipSync } from 'fflate';

export function deterministicZip(files: readonly (readonly [name: string, bytes: Uint8Array])[]): Uint8Array {
  // Built at each call from local-time parts, so the DOS time fields are 1980-01-01 00:00 in whatever zone is in force.
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 6 }]> = {};
  for (const [name, bytes] of files) {
    if (Object.hasOwn(entries, name)) throw new Error(`duplicate zip entry ${name}`);
    entries[name] = [bytes, { mtime, level: 6 }];
  }
  return zipSync(entries);
}
