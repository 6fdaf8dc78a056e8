/** The offline list merge and the generator, as a province would run them: real processes, real files. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIELDS } from '../../lambdas/domain/matching/compare';

const ROOT = join(import.meta.dirname, '../..');
const run = (script: string, args: string[]) =>
  execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const fails = (script: string, args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

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
    expect(reviews.length).toBeGreaterThan(0);
    for (const r of reviews) {
      // Why: the reason in words (zh-CN, then English), every field's agreement level and weight adding up to the score.
      expect(r.why.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(r.why.en).toMatch(/^[ -~’]+$/);
      expect(r.explanation.fields.map((f: { field: string }) => f.field)).toEqual(FIELDS.map((f) => f.field));
      r.explanation.fields.forEach((f: { level: string; weight: number }, i: number) => {
        expect(FIELDS[i]!.levels as readonly string[]).toContain(f.level);
        expect(typeof f.weight).toBe('number');
      });
      expect(r.explanation.fields.reduce((s: number, f: { weight: number }) => s + f.weight, 0)).toBeCloseTo(r.score, 0);
      // Enough to decide without opening either record: both sides' matching fields, the ID number and phone masked.
      for (const side of [r.compare.a, r.compare.b]) {
        expect(Object.keys(side)).toEqual(['name', 'pinyin', 'sex', 'birthDate', 'idNumber', 'regions', 'guardianName', 'guardianPhone', 'school']);
        if (side.idNumber) expect(side.idNumber).toMatch(/^[0-9X]{6}\*{8}[0-9X]{4}( \(check digit wrong\))?$/);
        if (side.guardianPhone) expect(side.guardianPhone).toMatch(/^\d{3}\*+\d{4}$/);
      }
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

  it('explains how to call it: --help, and a usage error with the help', () => {
    expect(run('scripts/list-merge.ts', ['--help'])).toMatch(/Usage: list-merge \[options\][\s\S]*--in <agency=file>[\s\S]*--province <file>/);
    const usage = fails('scripts/list-merge.ts', ['--out', '/tmp/x']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("required option '--in <agency=file>' not specified");
    expect(usage.stderr).toContain('Usage: list-merge');
  });

  it('refuses an unknown agency, suggesting the one meant and naming those known, in Chinese and English', () => {
    const out = mkdtempSync(join(tmpdir(), 'xq-merged-'));
    const typo = fails('scripts/list-merge.ts', ['--in', `educatoin=${join(lists, 'education.csv')}`, '--out', out]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('未知机构 educatoin（是否指 education？）；可用：civil_affairs、education、health、youth_league、womens_federation');
    expect(typo.stderr).toContain(
      'unknown agency educatoin (did you mean education?); known: civil_affairs, education, health, youth_league, womens_federation',
    );
    expect(fails('scripts/list-merge.ts', ['--in', 'education', '--out', out]).stderr).toContain('bad --in "education": use <agency>=<file>');
    // With a province config, its agency systems are names too.
    const ok = run('scripts/list-merge.ts', [
      '--in',
      `xz-education=${join(lists, 'education.csv')}`,
      '--province',
      join(ROOT, 'config/provinces/540000.json'),
      '--out',
      out,
    ]);
    expect(ok).toContain('xz-education');
    for (const stream of [typo.stderr, typo.stdout]) expect(stream).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('reports every unreadable list by file and line before merging anything, without a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xq-badlists-'));
    const out = join(dir, 'out');
    writeFileSync(join(dir, 'quote.csv'), '原系统编号,姓名,性别\nA1,张三,男\nA2,"李四,女\n');
    writeFileSync(join(dir, 'ragged.csv'), '原系统编号,姓名,性别\nB1,王五,男\nB2,赵六\nB3,钱七,女,多余\nB4,孙八,男\n');
    writeFileSync(join(dir, 'gbk.csv'), Buffer.concat([Buffer.from('原系统编号,姓名\nC1,'), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from('\n')]));
    writeFileSync(join(dir, 'noname.csv'), 'id,性别\n1,男\n');
    const r = fails('scripts/list-merge.ts', [
      ...['education=quote.csv', 'health=ragged.csv', 'civil_affairs=gbk.csv', 'youth_league=noname.csv', 'womens_federation=missing.csv'].flatMap((s) => [
        '--in',
        s.replace('=', `=${dir}/`),
      ]),
      '--out',
      out,
    ]);
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines).toContain(`  education=${dir}/quote.csv 第 3 行：从此行开始的带引号单元格没有结束引号`);
    expect(lines).toContain(`  health=${dir}/ragged.csv line 3: 2 cells where the header has 3`);
    expect(lines).toContain(`  health=${dir}/ragged.csv line 4: 4 cells where the header has 3`);
    expect(lines).toContain(`  health=${dir}/ragged.csv 第 4 行：本行 4 个单元格，表头为 3 列`);
    expect(lines).toContain(`  civil_affairs=${dir}/gbk.csv line 2: not valid UTF-8 (save the list as UTF-8; GBK/GB18030 is not accepted)`);
    expect(lines).toContain(`  youth_league=${dir}/noname.csv line 1: The list needs externalId (原系统编号) and name (姓名) columns`);
    expect(lines).toContain(`  womens_federation=${dir}/missing.csv：文件不存在`);
    expect(r.stderr).toContain('The lists cannot be read, nothing was merged (6 problem(s))');
    expect(r.stderr).not.toMatch(/\n\s+at |ENOENT/);
    expect(existsSync(out)).toBe(false);
  });
  it('gives the same cases, reviews and summary on worker threads (--workers 2) as in one process', () => {
    const inputs = AGENCIES.flatMap((a) => ['--in', `${a}=${join(lists, `${a}.csv`)}`]);
    const one = mkdtempSync(join(tmpdir(), 'xq-merge-1-'));
    const two = mkdtempSync(join(tmpdir(), 'xq-merge-2-'));
    run('scripts/list-merge.ts', [...inputs, '--out', one]);
    run('scripts/list-merge.ts', [...inputs, '--out', two, '--workers', '2']);
    for (const file of ['cases.jsonl', 'reviews.jsonl', 'bad-rows.jsonl'])
      expect(readFileSync(join(two, file), 'utf8'), file).toBe(readFileSync(join(one, file), 'utf8'));
    // The summary's figures alike, all but how long each phase took.
    const summary = (dir: string) => {
      const { seconds, ...rest } = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      expect(Object.keys(seconds)).toEqual(['parse', 'merge']);
      return rest;
    };
    expect(summary(two)).toEqual(summary(one));
  }, 120_000);

  it('refuses a --workers that is not a whole number from 1 to 64, in Chinese and English', () => {
    const r = fails('scripts/list-merge.ts', ['--in', `education=${join(lists, 'education.csv')}`, '--out', tmpdir(), '--workers', 'two']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--workers 须为 1 至 64 的整数：two');
    expect(r.stderr).toContain('--workers must be a whole number from 1 to 64: two');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
