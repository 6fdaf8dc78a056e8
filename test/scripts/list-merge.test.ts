/** The offline list merge and the generator, as a province would run them: real processes, real files. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const run = (script: string, args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let lists: string;
beforeAll(() => {
  lists = mkdtempSync(join(tmpdir(), 'xq-lists-'));
  run('scripts/gen-lists.ts', ['--out', lists, '--per-agency', '400', '--seed', '11']);
}, 60_000);

const AGENCIES = ['civil_affairs', 'education', 'health', 'womens_federation', 'youth_league'];

describe('gen:lists', () => {
  it('writes five agencies’ lists, each in its own style, and the ground truth', () => {
    const civil = readFileSync(join(lists, 'civil_affairs.csv'), 'utf8');
    const education = readFileSync(join(lists, 'education.csv'), 'utf8');
    expect(civil.startsWith('\uFEFF原系统编号,姓名,')).toBe(true);
    expect(education.startsWith('externalId,name,')).toBe(true);
    const truth = readFileSync(join(lists, 'truth.csv'), 'utf8').trim().split('\n');
    expect(truth[0]).toBe('agency,externalId,childId');
    expect(truth).toHaveLength(5 * 400 + 1);
  });

  it('is deterministic for a seed', () => {
    const again = mkdtempSync(join(tmpdir(), 'xq-lists-'));
    run('scripts/gen-lists.ts', ['--out', again, '--per-agency', '400', '--seed', '11']);
    expect(readFileSync(join(again, 'youth_league.csv'), 'utf8')).toBe(readFileSync(join(lists, 'youth_league.csv'), 'utf8'));
  });
});

describe('list-merge', () => {
  it('writes one line per kept row, review pairs with explanations, refused rows and a summary a person reads', () => {
    // A nameless row appended to one list: it must be refused with its reason, not stop the merge;
    // a row with spellings the hub does not know is kept and its values reported.
    const civil = join(lists, 'civil_affairs.csv');
    writeFileSync(civil, `${readFileSync(civil, 'utf8')}MZ-BAD,,男,2012-01-01,,540102,,,,,,,,\nMZ-ODD,次仁多吉,boy?,2012-01-01,,540102,,,,,,,LIF-X,\n`);
    const out = mkdtempSync(join(tmpdir(), 'xq-merge-'));
    const stdout = run('scripts/list-merge.ts', [...AGENCIES.flatMap((a) => ['--in', `${a}=${join(lists, `${a}.csv`)}`]), '--out', out]);

    const cases = readFileSync(join(out, 'cases.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(cases).toHaveLength(5 * 400 + 1);
    expect(cases.find((c) => c.externalId === 'MZ-ODD').notUnderstood).toEqual([
      { field: 'sex', value: 'boy?' },
      { field: 'categories', value: 'LIF-X' },
    ]);
    for (const c of cases) {
      expect(Object.keys(c).filter((k) => k !== 'flags' && k !== 'notUnderstood')).toEqual(['agency', 'externalId', 'caseId', 'decision', 'score']);
      expect(['auto', 'review', 'new']).toContain(c.decision);
    }
    expect(cases.filter((c) => c.decision === 'auto').length).toBeGreaterThan(500);

    const reviews = readFileSync(join(out, 'reviews.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    for (const r of reviews) {
      expect(r.explanation.fields).toHaveLength(8);
      expect(Object.keys(r.compare.a)).toEqual(['name', 'pinyin', 'sex', 'birthDate', 'idNumber', 'regions', 'guardianName', 'guardianPhone', 'school']);
    }

    const bad = readFileSync(join(out, 'bad-rows.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(bad).toEqual([
      { agency: 'civil_affairs', row: 401, externalId: 'MZ-BAD', reason: 'NO_NAME', reasons: ['name: no name: a row must at least name the child (姓名)'] },
    ]);
    expect(stdout).toContain('refused row civil_affairs#401 (MZ-BAD)');
    // What reading each list found: Chinese first, then English.
    expect(stdout.indexOf('名单读取情况')).toBeLessThan(stdout.indexOf('How the lists were read'));
    expect(stdout).toMatch(/读入 402 行，保留 401 行（其中 \d+ 行有未能识别的取值，相应字段留空），拒收 1 行。/);
    expect(stdout).toMatch(/Values not understood · categories: \d+ rows, e\.g\. .*"LIF-X" ×1/);
    expect(stdout).toContain('Values not understood · sex: 1 rows, e.g. "boy?" ×1 (rows 402)');
    expect(stdout).toContain('Refused · no name: not enough to identify a child: 1 rows (rows 401)');

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ records: 2001, badRows: 1, model: { version: expect.stringMatching(/^fs-v1-/) } });
    expect(summary.rowsWithValuesNotUnderstood).toBeGreaterThan(0);
  }, 120_000);

  it('explains how to call it', () => {
    expect(() => run('scripts/list-merge.ts', [])).toThrow(/usage: npm run list-merge/);
  });
});
