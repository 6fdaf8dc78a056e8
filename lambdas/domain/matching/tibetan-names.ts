/**
 * Tibetan name parts and their transcriptions. A Tibetan name is usually two
 * parts (扎西卓玛 = bkra shis + sgrol ma); each part has several Chinese
 * transcriptions (扎西/扎喜/札西, 次仁/才仁/泽仁, 索朗/索南/四郎) and Latin
 * spellings (Tashi, Tsering, Sonam; or the pinyin of a Chinese form: Zhaxi).
 * One equivalence class per part, named by its usual Chinese form; a name
 * written entirely in known parts gets the canonical parts, so that every
 * transcription of one name compares (and blocks) as one name.
 *
 * Parts that look or sound close but are different names stay in different
 * classes: 卓玛 (sgrol ma) and 卓嘎 (sgrol dkar), 次仁 (tshe ring) and 次珍
 * (tshe sgron), 央金 (dbyangs can) and 央宗 (dbyangs 'dzoms).
 * The forms are the usual Chinese transcriptions and common English spellings;
 * a part not listed falls back to pinyin comparison (compare.ts), so the table
 * only ever adds agreement between forms known to be one part.
 */
import { toPinyin } from './normalise';

/** [canonical Chinese form, other Chinese forms, Latin spellings (lower case, no spaces)]. */
const PARTS: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['扎西', ['扎喜', '札西', '扎希', '扎什', '扎溪'], ['tashi', 'trashi', 'tashii', 'tasi']],
  ['卓玛', ['卓嘛', '卓马', '卓码', '志玛', '追玛', '卓姆'], ['drolma', 'dolma', 'droma', 'drolmo', 'dolmo']],
  ['卓嘎', ['卓噶', '卓尕', '卓卡'], ['drolkar', 'dolkar', 'drolker', 'dolker']],
  ['次仁', ['才仁', '茨仁', '慈仁', '泽仁', '策仁', '次让', '此仁', '册仁'], ['tsering', 'tshering', 'tsiring', 'tserin', 'cering']],
  ['次旦', ['才旦', '次丹', '泽旦', '才丹', '慈旦'], ['tseten', 'tsetan', 'tsedan', 'tsetten']],
  ['次珍', ['次仲', '才珍', '茨珍', '次真', '泽珍'], ['tsedron', 'tsedon', 'tsedroen']],
  ['旦增', ['丹增', '单增', '登增', '旦曾', '丹曾', '坦增'], ['tenzin', 'tendzin', 'tenzing', 'tenjin', 'tanzin']],
  ['多吉', ['多杰', '朵吉', '多基', '多加', '多结', '多几'], ['dorje', 'dorjee', 'dorji', 'dorjie', 'dorge']],
  ['格桑', ['格松', '尕桑', '噶桑', '格让'], ['kelsang', 'kalsang', 'kelzang', 'kalzang', 'kesang']],
  ['尼玛', ['尼马', '尼码', '妮玛', '尼嘛'], ['nyima', 'nima', 'nyma']],
  ['达瓦', ['达娃', '达哇', '大瓦', '达洼'], ['dawa', 'dava', 'dhawa']],
  ['拉姆', ['拉木', '拉母', '啦姆', '拉毛', '拉目'], ['lhamo', 'lhamu', 'lamo', 'lhamoe']],
  ['平措', ['彭措', '平错', '朋措', '彭错'], ['phuntsok', 'phuntsog', 'puntsok', 'phuntsock', 'phuntshog', 'puntsog']],
  ['白玛', ['贝玛', '白马', '伯玛', '白码'], ['pema', 'padma', 'pemma', 'peyma']],
  ['德吉', ['德基', '德几', '德机', '得吉'], ['dekyi', 'dekyid', 'dekey', 'dekye']],
  ['普布', ['普卜', '普珀', '浦布', '普补'], ['phurbu', 'purbu', 'phurpu', 'purpu']],
  ['边巴', ['边坝', '扁巴', '边拔', '便巴'], ['penpa', 'penba', 'pempa']],
  ['索朗', ['索南', '索郎', '锁朗', '四郎', '索囊'], ['sonam', 'sonum', 'sonom', 'soenam']],
  ['央金', ['央吉', '样金', '阳金', '央晋'], ['yangchen', 'yangchan', 'yangjen', 'yangzin']],
  ['央宗', ['扬宗', '阳宗'], ['yangdzom', 'yangzom']],
  ['巴桑', ['巴松', '帕桑', '怕桑'], ['pasang', 'passang', 'pasangs']],
  ['米玛', ['米马', '咪玛', '米码'], ['migmar', 'mingmar', 'migmer']],
  ['顿珠', ['顿久', '敦珠', '顿朱', '东珠', '登珠'], ['dhondup', 'dondrub', 'dondup', 'dhondub', 'dondhup']],
  ['群培', ['群佩', '琼培', '曲培', '群沛'], ['chophel', 'choephel', 'chomphel', 'chopel']],
  ['洛桑', ['罗桑', '洛松', '罗松', '落桑'], ['lobsang', 'losang', 'lopsang', 'lobzang']],
  ['曲珍', ['曲真', '取珍', '曲珎', '曲正'], ['chodron', 'choedron', 'chozin', 'chodon', 'choden']],
  ['益西', ['伊西', '益喜', '意西', '依西'], ['yeshe', 'yeshi', 'yeshey', 'yishi']],
  ['仁增', ['仁曾', '仁真', '日增', '仁珍'], ['rigzin', 'rinzin', 'rigdzin', 'rindzin']],
  ['贡布', ['贡保', '工布', '衮布', '贡波'], ['gonpo', 'gonbo', 'gompo', 'goenpo']],
  ['桑珠', ['桑株', '桑朱', '桑竹'], ['samdrup', 'samdup', 'samdrub', 'samdhup']],
  ['琼达', ['穷达', '琼大', '琼打'], ['chungda', 'chungdak', 'chungta']],
  ['阿旺', ['阿望', '昂旺', '阿汪'], ['ngawang', 'nawang', 'ngawong']],
  ['强巴', ['江巴', '强坝', '降巴'], ['jampa', 'champa', 'jamba', 'jhampa']],
  ['措姆', ['错姆', '措母', '措毛', '错毛'], ['tsomo', 'tshomo', 'tsomu']],
  ['罗布', ['诺布', '洛布', '罗卜'], ['norbu', 'norbhu', 'norpu']],
  ['晋美', ['吉美', '晋麦', '吉麦'], ['jigme', 'jigmey', 'jikmay', 'jigmet']],
  ['嘉措', ['加措', '嘉错', '加错', '甲措'], ['gyatso', 'gyatsho', 'gyamtso', 'gyatsu']],
  ['坚参', ['坚赞', '江村', '坚才', '坚增'], ['gyaltsen', 'gyaltsan', 'gyeltsen', 'gyaltshen']],
  ['欧珠', ['偶珠', '欧朱', '沃珠'], ['ngodup', 'ngodrup', 'ngodrub', 'ngodhup']],
  ['土登', ['图丹', '土丹', '图登'], ['thubten', 'thupten', 'tubten', 'thuptan']],
  ['玉珍', ['玉真', '宇珍', '玉正'], ['yudron', 'yudon', 'yudroen']],
  ['旺姆', ['旺母', '汪姆', '旺毛'], ['wangmo', 'wangmu', 'wongmo']],
  ['旺堆', ['旺对', '汪堆', '旺杜'], ['wangdu', 'wangdue', 'wangdi', 'wangdrak']],
  ['其美', ['奇美', '齐美', '期美'], ['chime', 'chimey', 'chimed', 'chimi']],
  ['仓决', ['仓觉', '苍决', '藏决'], ['tsamchoe', 'tsamchoi', 'samchoe']],
  ['旦巴', ['丹巴', '单巴'], ['tenpa', 'tenba', 'tempa']],
  ['拉巴', ['啦巴', '拉八'], ['lhakpa', 'lhapa', 'lakpa', 'lhagpa']],
];

export interface TibetanParts {
  /** Canonical Chinese form of each part, e.g. ['扎西', '卓玛']. */
  readonly parts: readonly string[];
  /** Toneless pinyin of the canonical parts, one syllable per character. */
  readonly syllables: readonly string[];
}

/** Fuzzy pinyin: zh/z, ch/c, sh/s, -ng/-n as one sound (how a misheard part is still recognised). */
const fuzzy = (syllable: string) => syllable.replace(/^([zcs])h/, '$1').replace(/ng$/, 'n');

let tables: { han: Map<string, string>; sound: Map<string, string | null>; latin: Map<string, string>; maxLatin: number } | undefined;
function partTables() {
  if (tables) return tables;
  const han = new Map<string, string>();
  const sound = new Map<string, string | null>();
  const latin = new Map<string, string>();
  for (const [canonical, others, spellings] of PARTS) {
    for (const form of [canonical, ...others]) {
      han.set(form, canonical);
      // A homophone of a known form (扎希 typed 扎息) is recognised by its sound, unless two classes share it.
      const key = toPinyin(form).map(fuzzy).join('|');
      const seen = sound.get(key);
      sound.set(key, seen === undefined || seen === canonical ? canonical : null);
      // The pinyin of a Chinese form is also a Latin spelling (Zhaxi, Ciren).
      latin.set(toPinyin(form).join(''), canonical);
    }
    for (const s of spellings) latin.set(s, canonical);
  }
  tables = { han, sound, latin, maxLatin: Math.max(...[...latin.keys()].map((k) => k.length)) };
  return tables;
}

function partOfHan(chunk: string): string | undefined {
  const t = partTables();
  const direct = t.han.get(chunk);
  if (direct) return direct;
  return t.sound.get(toPinyin(chunk).map(fuzzy).join('|')) ?? undefined;
}

/** Chinese text (simplified) made only of known two-character parts, up to four parts. */
function hanParts(text: string): string[] | undefined {
  const chars = [...text];
  if (chars.length < 2 || chars.length % 2 !== 0 || chars.length > 8) return undefined;
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += 2) {
    const part = partOfHan(chars[i]! + chars[i + 1]!);
    if (!part) return undefined;
    parts.push(part);
  }
  return parts;
}

/** Latin words (lower case) made only of known spellings; a word may hold two parts written together (tashidolma). */
function latinParts(words: readonly string[]): string[] | undefined {
  const t = partTables();
  const parts: string[] = [];
  for (const word of words) {
    // Fewest parts covering the word (a word is short: the search is tiny).
    const best: (string[] | undefined)[] = [[]];
    for (let end = 1; end <= word.length; end++) {
      for (let start = Math.max(0, end - t.maxLatin); start < end; start++) {
        const prev = best[start];
        const part = prev && t.latin.get(word.slice(start, end));
        if (part && (!best[end] || best[end]!.length > prev.length + 1)) best[end] = [...prev, part];
      }
    }
    const found = best[word.length];
    if (!found || found.length === 0) return undefined;
    parts.push(...found);
  }
  return parts.length > 0 && parts.length <= 4 ? parts : undefined;
}

/**
 * The Tibetan parts of a name, when it is written entirely in known parts:
 * Chinese characters (simplified, no separators) or Latin words.
 * @example tibetanParts('扎喜卓嘛', []) // { parts: ['扎西', '卓玛'], syllables: ['zha', 'xi', 'zhuo', 'ma'] }
 * @example tibetanParts(undefined, ['tashi', 'dolma']) // the same
 */
export function tibetanParts(hanText: string | undefined, latinWords: readonly string[]): TibetanParts | undefined {
  const parts = hanText !== undefined ? hanParts(hanText) : latinParts(latinWords);
  if (!parts) return undefined;
  return { parts, syllables: parts.flatMap((p) => toPinyin(p)) };
}

/**
 * Han text with every two-character chunk that is a known part (in any transcription) written in its
 * canonical form, the others as they are: 才仁欠旦 -> 次仁欠旦. Undefined unless the text is of two to
 * eight characters, an even number.
 */
export function canonicalChunks(text: string): string | undefined {
  const chars = [...text];
  if (chars.length < 2 || chars.length % 2 !== 0 || chars.length > 8) return undefined;
  let out = '';
  for (let i = 0; i < chars.length; i += 2) out += partOfHan(chars[i]! + chars[i + 1]!) ?? chars[i]! + chars[i + 1]!;
  return out;
}
