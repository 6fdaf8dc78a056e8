/**
 * `npm run gen:lists -- [--out DIR] [--per-agency N] [--seed S] [--profile tibet|shanghai]`
 * Writes five agencies' CSV lists with realistic noise and the ground truth.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateLists, POPULATION_PROFILES, type PopulationProfile } from './synthetic/generate';
import { writeLists } from './synthetic/write-csv';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '.cache/lists' },
    'per-agency': { type: 'string', default: '20000' },
    seed: { type: 'string', default: '20231026' },
    profile: { type: 'string', default: 'tibet' },
  },
});
const profile = values.profile as PopulationProfile;
if (!POPULATION_PROFILES.includes(profile)) {
  console.error(`--profile must be one of ${POPULATION_PROFILES.join(', ')}`);
  process.exit(2);
}
const perAgency = Number(values['per-agency']);
if (!Number.isInteger(perAgency) || perAgency < 1) {
  console.error('--per-agency must be a positive integer');
  process.exit(2);
}
const started = Date.now();
const { children, lists } = generateLists({ perAgency, seed: Number(values.seed), profile });
const files = writeLists(resolve(values.out!), lists);
console.log(`${children.length} children (${profile}), ${lists.length} lists of ${perAgency} rows in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
for (const f of files) console.log(`  ${f}`);
console.log(`  ${resolve(values.out!, 'truth.csv')} (ground truth: agency, externalId, childId)`);
