import { join, resolve } from 'node:path';
import { runMergeParallel } from '../scripts/offline/parallel-merge';
import { PROFILES } from '../scripts/synthetic/generate';

const dir = resolve(process.argv[2]!);
const w = Number(process.argv[3] ?? 1);
const inputs = PROFILES.map((p) => ({ agency: p.type, path: join(dir, `${p.type}.csv`) }));
const t = performance.now();
let phase = 'start';
let peak = 0;
let peakPhase = '';
const timer = setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss > peak) {
    peak = m.rss;
    peakPhase = `${phase} @${((performance.now() - t) / 1000).toFixed(1)} heap ${(m.heapUsed / 1e9).toFixed(2)} ab ${(m.arrayBuffers / 1e9).toFixed(2)}`;
  }
}, 250);
const r = await runMergeParallel(inputs, {
  workers: w,
  partitions: w,
  onProgress: (p: unknown) => {
    const before = process.memoryUsage().heapUsed;
    (globalThis as { gc?: () => void }).gc?.();
    console.log('main heap before/after gc', (before / 1e9).toFixed(2), (process.memoryUsage().heapUsed / 1e9).toFixed(2));
    const m = process.memoryUsage();
    console.log(((performance.now() - t) / 1000).toFixed(1), JSON.stringify(p), 'rss', (m.rss / 1e9).toFixed(2), 'peak so far', (peak / 1e9).toFixed(2), peakPhase);
    phase = `after ${p}`;
  },
} as never);
clearInterval(timer);
console.log('done', ((performance.now() - t) / 1000).toFixed(1), 's', r.result.reviews.length, 'reviews', (process.resourceUsage().maxRSS / 1024 / 1024).toFixed(2), 'GB maxRSS; sampled peak', (peak / 1e9).toFixed(2), peakPhase);
