/**
 * `npm run build:han-tables`: derives compact character tables from pinyin-pro
 * (toneless pinyin of each CJK character) and OpenCC (traditional to
 * simplified, character level) and writes lambdas/domain/matching/han-tables.json.
 * The Lambdas ship these ~80 KB instead of the libraries' ~650 KB of phrase
 * dictionaries: names are matched character by character, and both sides of a
 * comparison use the same table, so consistency is what matters.
 */
import { writeFileSync } from 'node:fs';
import * as OpenCC from 'opencc-js/t2cn';
import { pinyin } from 'pinyin-pro';

const toSimplified: (text: string) => string = (OpenCC as unknown as { Converter: (o: object) => (t: string) => string }).Converter({ from: 't', to: 'cn' });

const bySyllable = new Map<string, string[]>();
let traditional = '';
let simplified = '';
for (let code = 0x3400; code <= 0x9fff; code++) {
  if (code > 0x4dbf && code < 0x4e00) continue;
  const char = String.fromCodePoint(code);
  const simple = toSimplified(char);
  if (simple !== char && [...simple].length === 1) {
    traditional += char;
    simplified += simple;
  }
  const reading = (pinyin(char, { toneType: 'none', type: 'array', v: true }) as string[])[0]?.toLowerCase();
  if (reading && reading !== char && /^[a-z]+$/.test(reading)) (bySyllable.get(reading) ?? bySyllable.set(reading, []).get(reading)!).push(char);
}
const tables = {
  source: 'pinyin-pro 3.29.4 (toneless, most common reading per character); opencc-js 1.4.2 t2cn (character level)',
  pinyin: Object.fromEntries([...bySyllable.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([s, chars]) => [s, chars.join('')])),
  traditional,
  simplified,
};
writeFileSync(new URL('../lambdas/domain/matching/han-tables.json', import.meta.url), `${JSON.stringify(tables)}\n`);
console.log(
  `${[...bySyllable.values()].reduce((n, c) => n + c.length, 0)} characters in ${bySyllable.size} syllables; ${traditional.length} traditional forms`,
);
