// Xinqiao privacy officers' console: signs every request (protocol v1, docs/protocol.md) in the
// browser with WebCrypto. The private key is read from a file and kept in memory only.
// Times are shown in Beijing time; errors are shown beside the form that caused them, in Chinese and English.
const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const json64 = (value) => b64url(enc.encode(JSON.stringify(value)));

// ---- Errors: beside the form that caused them, never an alert() or a blank page.

/** An answer of the hub that is not 2xx, with its standard error body when it has one. */
class HubCallError extends Error {
  constructor(status, error) {
    super(error ? `${error.code}: ${error.message}` : `HTTP ${status}`);
    this.status = status;
    this.error = error;
  }
}

/** Lines describing an error, Chinese first then English. */
function explain(error) {
  if (error instanceof HubCallError && error.error) {
    const e = error.error;
    const lines = [`${e.code}：${e.message_zh ?? ''} ${e.message ?? ''}`.trim()];
    for (const d of e.details ?? []) lines.push(`${d.path}：${d.message_zh ?? ''} ${d.message ?? ''}`.trim());
    return lines;
  }
  if (error instanceof HubCallError) return [`中心返回 HTTP ${error.status} The hub answered HTTP ${error.status}`];
  if (error instanceof TypeError && /fetch/i.test(error.message)) return ['无法连接中心 Could not reach the hub'];
  return [String(error?.message ?? error)];
}

function showError(element, error) {
  element.className = 'status error';
  element.replaceChildren(
    ...explain(error).map((line) => {
      const div = document.createElement('div');
      div.textContent = line;
      return div;
    }),
  );
}

function showOk(element, text) {
  element.className = 'status ok';
  element.textContent = text;
}

const clearStatus = (element) => {
  element.className = 'status';
  element.textContent = '';
};

/** Whatever escapes a handler still shows on the page, never a blank one. */
const pageError = (error) => {
  const banner = $('page-error');
  banner.hidden = false;
  showError(banner, error);
  banner.className = 'error banner';
};
window.addEventListener('error', (e) => pageError(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => pageError(e.reason));

const PAGER = ['prev-page', 'next-page'];

/**
 * Runs a button's action; its errors go to the status element beside that button's form, and
 * `reset` clears what the form showed before, so a refused request is never read as answered.
 */
function on(buttonId, status, action, reset) {
  $(buttonId).addEventListener('click', async () => {
    const button = $(buttonId);
    const section = button.closest('section');
    clearStatus(status);
    button.disabled = true;
    section.setAttribute('aria-busy', 'true');
    try {
      await action();
    } catch (error) {
      reset?.();
      showError(status, error);
    } finally {
      section.removeAttribute('aria-busy');
      if (PAGER.includes(buttonId)) syncPager();
      else button.disabled = identity === null && buttonId !== 'load-key';
    }
  });
}

// ---- Beijing time.

const TZ = 'Asia/Shanghai';
const DAY_MS = 86_400_000;
const beijingFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const partsOf = (ms) => Object.fromEntries(beijingFormat.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
/** `2026-12-03 17:05:09` in Beijing time. */
const beijingClock = (ms) => {
  const p = partsOf(ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
};
/** `2026-12-03 17:05:09 北京时间`, from an ISO time as the hub writes it. */
const beijing = (iso) => {
  const ms = Date.parse(iso ?? '');
  return Number.isFinite(ms) ? `${beijingClock(ms)} 北京时间` : (iso ?? '');
};
/** The Beijing calendar day (YYYY-MM-DD) of an instant. */
const beijingDay = (ms) => beijingClock(ms).slice(0, 10);
/** The UTC instant a Beijing day starts, as the API takes it. */
const dayStart = (day) => new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString();
const dayAfter = (day) => new Date(Date.parse(`${day}T00:00:00+08:00`) + DAY_MS).toISOString();
const daysBack = (n) => beijingDay(Date.now() - n * DAY_MS);
/** The Beijing days from `from` to `to`, both included. */
function daysBetween(from, to) {
  const days = [];
  for (let t = Date.parse(`${from}T12:00:00+08:00`); t <= Date.parse(`${to}T12:00:00+08:00`); t += DAY_MS) days.push(beijingDay(t));
  return days;
}

// ---- Names officers read: agencies, outcomes, legal bases.

const AGENCY_TYPES = [
  ['civil-affairs', '民政', 'Civil affairs'],
  ['education', '教育', 'Education'],
  ['health', '卫健', 'Health'],
  ['youth-league', '共青团', 'Youth League'],
  ['womens-federation', '妇联', "Women's Federation"],
];
/** An agency system's id ends with its type (`xz-civil-affairs`); a privacy officer signs as themselves. */
function agencyName(id) {
  if (!id) return undefined;
  if (identity && id === identity.id) return '隐私官 Privacy officer';
  const type = AGENCY_TYPES.find(([code]) => id === code || id.endsWith(`-${code}`));
  return type ? `${type[1]} ${type[2]}` : undefined;
}
/** `民政 Civil affairs (xz-civil-affairs)`, or the id alone when it names no agency type. */
const agencyLabel = (id) => {
  const name = agencyName(id);
  return name ? `${name} (${id})` : (id ?? '—');
};
const OUTCOMES = { allow: '允许 allow', deny: '拒绝 deny', error: '错误 error' };
const BASES = { own_record: '本机构记录 own record', consent: '同意 consent', emergency: '紧急访问 emergency' };
const basisLabel = (b) => BASES[b] ?? b;

// ---- Signing and calling the hub.

let identity = null;
let config = { hubId: '' };
try {
  const res = await fetch('config.json');
  if (!res.ok) throw new HubCallError(res.status);
  config = await res.json();
  $('hub').textContent = `${config.hubId}`;
} catch (error) {
  pageError(error);
}
// Served by the API itself, the console calls it on the same origin; deployed as a static site, config.json names the API.
const apiBase = config.apiBaseUrl ?? '';

async function importKey(jwk) {
  const { kid, alg, key_ops: _ops, ext: _ext, ...material } = jwk;
  const params = alg === 'EdDSA' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
  return { kid, alg, key: await crypto.subtle.importKey('jwk', material, params, false, ['sign']) };
}

async function authorization(method, pathWithQuery, body) {
  const iat = Math.floor(Date.now() / 1000);
  const header = { alg: identity.alg, kid: identity.kid, typ: 'xinqiao-req+jwt' };
  const claims = {
    iss: identity.id,
    aud: config.hubId,
    iat,
    exp: iat + 60,
    jti: crypto.randomUUID(),
    htm: method,
    htu: pathWithQuery,
    bsh: b64url(await crypto.subtle.digest('SHA-256', enc.encode(body))),
    sub: identity.id,
  };
  const input = `${json64(header)}.${json64(claims)}`;
  const algorithm = identity.alg === 'EdDSA' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  const signature = await crypto.subtle.sign(algorithm, identity.key, enc.encode(input));
  return `Bearer ${input}.${b64url(signature)}`;
}

async function call(method, pathWithQuery, body) {
  if (!identity) throw new Error('请先载入私钥 Load your key first');
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = { authorization: await authorization(method, pathWithQuery, text) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${apiBase}${pathWithQuery}`, { method, headers, ...(body !== undefined && { body: text }) });
  const type = res.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new HubCallError(res.status, payload?.error);
  return payload;
}

/** Every page of a search, up to `max` events; `capped` says whether more were left unread. */
async function allEvents(params, max) {
  const items = [];
  let cursor;
  do {
    const q = new URLSearchParams(params);
    q.set('limit', String(Math.min(1000, max - items.length)));
    if (cursor) q.set('cursor', cursor);
    const page = await call('GET', `/v1/audit/events?${q}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return { items, capped: cursor !== undefined };
}

function rows(tbody, items, cells, empty) {
  if (items.length === 0) {
    const td = document.createElement('td');
    td.colSpan = tbody.parentElement.tHead.rows[0].cells.length;
    td.className = 'empty';
    td.textContent = empty;
    tbody.replaceChildren(document.createElement('tr'));
    tbody.rows[0].append(td);
    return;
  }
  tbody.replaceChildren(
    ...items.map((item) => {
      const tr = document.createElement('tr');
      for (const value of cells(item)) {
        const td = document.createElement('td');
        td.textContent = Array.isArray(value) ? value.join(', ') : (value ?? '');
        tr.append(td);
      }
      return tr;
    }),
  );
}

// ---- Identity.

on('load-key', $('who'), async () => {
  const file = $('key-file').files[0];
  if (!file) throw new Error('请选择私钥文件 Choose a key file');
  let jwk;
  try {
    jwk = JSON.parse(await file.text());
  } catch {
    throw new Error('私钥文件不是 JSON（JWK） The key file is not JSON (a JWK)');
  }
  if (typeof jwk?.kid !== 'string') throw new Error('私钥文件缺少 kid The key file has no kid');
  const id = $('officer-id').value.trim() || jwk.kid.replace(/-(\d{4}-\d{2}-\d{2}|k\d+)$/, '');
  try {
    identity = { id, ...(await importKey(jwk)) };
  } catch {
    throw new Error('无法导入该私钥（需 Ed25519 或 P-256 私钥） The key cannot be imported (an Ed25519 or P-256 private key is needed)');
  }
  showOk($('who'), `已载入 Loaded: ${id} (${identity.kid})`);
  for (const b of document.querySelectorAll('button[disabled]')) if (!PAGER.includes(b.id)) b.disabled = false;
});

// ---- Verification.

on('verify', $('verify-result'), async () => {
  const r = await call('GET', '/v1/audit/verify');
  if (r.ok) showOk($('verify-result'), `完整 Intact: ${r.events} events, ${r.chains} chains, ${r.digests} signed digests`);
  else showError($('verify-result'), `已被篡改 Tampered: ${r.first.kind} — ${r.first.detail} ${r.first.eventId ?? ''}`);
});

on('seal', $('verify-result'), async () => {
  const d = await call('POST', '/v1/audit/digests', {});
  showOk($('verify-result'), `已签名 Sealed digest ${d.digestId} at ${beijing(d.at)}`);
});

// ---- Events: newest first, a page at a time through the API's cursor.

/** Health checks and the console's own files: many, and rarely what an officer looks for. */
const SYSTEM_ROUTES = new Set(['GET /v1/health', 'GET /console', 'GET /console/{file}']);
const isSystem = (e) => SYSTEM_ROUTES.has(e.route);
/** The search being paged: its query, the cursor of each page seen so far, the page shown. */
const paging = { query: '', cursors: [undefined], page: 0, items: [] };

function renderEvents() {
  const show = $('f-show-system').checked;
  const visible = show ? paging.items : paging.items.filter((e) => !isSystem(e));
  const hidden = paging.items.length - visible.length;
  rows(
    $('events').tBodies[0],
    visible,
    (e) => [beijing(e.time), agencyLabel(e.agencyId), e.sub, e.route, OUTCOMES[e.outcome] ?? e.outcome, e.errorCode, e.purpose],
    '无匹配事件 No matching events',
  );
  $('hidden-note').textContent =
    hidden > 0 ? `本页已隐藏 ${hidden} 条健康检查与控制台文件事件 ${hidden} health and console-file events hidden on this page` : '';
  $('page-label').textContent = `第 ${paging.page + 1} 页 Page ${paging.page + 1}`;
  syncPager();
}

/** Previous while there is a page before this one; next while the API gave a cursor after it. */
function syncPager() {
  $('prev-page').disabled = paging.page === 0;
  $('next-page').disabled = paging.cursors[paging.page + 1] === undefined;
}

async function showPage(page) {
  const q = new URLSearchParams(paging.query);
  const cursor = paging.cursors[page];
  if (cursor) q.set('cursor', cursor);
  const r = await call('GET', `/v1/audit/events?${q}`);
  paging.page = page;
  paging.items = r.items;
  paging.cursors[page + 1] = r.nextCursor;
  paging.cursors.length = page + 2;
  renderEvents();
}

function eventQuery() {
  const q = new URLSearchParams();
  for (const [param, id] of [
    ['caseId', 'f-case'],
    ['agencyId', 'f-agency'],
    ['sub', 'f-sub'],
    ['route', 'f-route'],
    ['outcome', 'f-outcome'],
  ]) {
    const v = $(id).value.trim();
    if (v) q.set(param, v);
  }
  // The form's days are Beijing days, the "to" day included: the API's range is [from, to).
  if ($('f-from').value) q.set('from', dayStart($('f-from').value));
  if ($('f-to').value) q.set('to', dayAfter($('f-to').value));
  q.set('limit', $('f-limit').value);
  return q.toString();
}

function clearEvents() {
  paging.items = [];
  paging.cursors = [undefined];
  paging.page = 0;
  $('events').tBodies[0].replaceChildren();
  $('page-label').textContent = '';
  $('hidden-note').textContent = '';
  syncPager();
}

on(
  'search',
  $('events-error'),
  async () => {
    paging.query = eventQuery();
    paging.cursors = [undefined];
    paging.page = 0;
    await showPage(0);
  },
  clearEvents,
);
on('next-page', $('events-error'), () => showPage(paging.page + 1));
on('prev-page', $('events-error'), () => showPage(paging.page - 1));
$('f-show-system').addEventListener('change', renderEvents);

// ---- Charts (uPlot, served from the hub's own origin).

const COLOURS = ['#24415f', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d'];
const FONT = '12px "Noto Sans CJK SC", "PingFang SC", system-ui, sans-serif';
const charts = {};
const MAX_CHART_EVENTS = 20_000;
const MAX_CHART_DAYS = 366;
const EMERGENCY_ROUTE = 'POST /v1/cases/{caseId}/emergency';

/** The width of the chart's section, less its padding (an empty chart's own box has no width yet). */
function chartWidth(element) {
  const section = element.closest('section');
  const style = getComputedStyle(section);
  return Math.max(480, Math.floor(section.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight)));
}

function place(name, options, data) {
  charts[name]?.destroy();
  const element = $(`chart-${name}`);
  element.replaceChildren();
  element.className = 'chart';
  // Without uPlot (a static site deployed without it) the tables still work; the chart says why it is missing.
  if (typeof globalThis.uPlot !== 'function') {
    element.className = 'chart error';
    element.textContent = '图表组件未能载入 The chart library (uPlot.iife.min.js) did not load';
    return;
  }
  charts[name] = new globalThis.uPlot({ width: chartWidth(element), height: 260, ...options }, data, element);
}

const countAxis = { label: '次数 count', font: FONT, labelFont: FONT, size: 50, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? v : '')) };
/** An axis and scale for days, by index (so each Beijing day is one step whatever the time zone). */
function dayAxes(days) {
  return {
    scales: { x: { time: false, range: () => [-0.5, days.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] } },
    axes: [
      {
        font: FONT,
        labelFont: FONT,
        label: '日期（北京时间） Day (Beijing)',
        splits: () => days.map((_, i) => i).filter((i) => i % Math.ceil(days.length / 14) === 0),
        values: (_u, splits) => splits.map((i) => (days[i] ? days[i].slice(5) : '')),
      },
      countAxis,
    ],
  };
}

/** One series per agency of a per-day count. */
function perAgencyChart(name, title, days, agencies, counts) {
  place(
    name,
    {
      title,
      ...dayAxes(days),
      series: [
        { label: '日期 Day', value: (_u, i) => days[i] ?? '—' },
        ...agencies.map((a, i) => ({
          label: agencyLabel(a),
          stroke: COLOURS[i % COLOURS.length],
          width: 2,
          points: { show: true, size: 7, fill: COLOURS[i % COLOURS.length] },
        })),
      ],
    },
    [days.map((_, i) => i), ...agencies.map((a) => days.map((d) => counts.get(a)?.get(d) ?? 0))],
  );
}

function countByAgencyDay(events, keep) {
  const counts = new Map();
  for (const e of events) {
    if (!e.agencyId || !keep(e)) continue;
    const day = beijingDay(Date.parse(e.time));
    const perDay = counts.get(e.agencyId) ?? new Map();
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    counts.set(e.agencyId, perDay);
  }
  return counts;
}

on(
  'draw',
  $('charts-error'),
  async () => {
    const from = $('c-from').value || daysBack(13);
    const to = $('c-to').value || daysBack(0);
    const range = { from: dayStart(from), to: dayAfter(to) };
    if (range.from >= range.to) throw new Error('起始日期晚于截止日期 The from day is after the to day');
    if (Date.parse(range.to) - Date.parse(range.from) > MAX_CHART_DAYS * DAY_MS)
      throw new Error(`请选择不超过 ${MAX_CHART_DAYS} 天的日期范围 Choose a range of at most ${MAX_CHART_DAYS} days`);
    // Per-agency counts come from the events of the range, read a page at a time; emergencies are searched for by action.
    const all = await allEvents(range, MAX_CHART_EVENTS);
    const emergencies = await allEvents({ ...range, route: EMERGENCY_ROUTE, outcome: 'allow' }, MAX_CHART_EVENTS);
    const days = daysBetween(from, to);
    // Agency systems' requests: the officers' own queries (the audit routes) are not an agency's traffic.
    const byAgency = (e) => !isSystem(e) && !e.route.includes(' /v1/audit/');
    const requests = countByAgencyDay(all.items, byAgency);
    const denials = countByAgencyDay(all.items, (e) => byAgency(e) && e.outcome === 'deny');
    const agencies = [...requests.keys()].sort();
    perAgencyChart('requests', '每日请求（按机构） Requests per agency per day', days, agencies, requests);
    perAgencyChart('denials', '每日拒绝（按机构） Denials per agency per day', days, agencies, denials);
    const perDay = new Map();
    for (const e of emergencies.items) {
      const day = beijingDay(Date.parse(e.time));
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    place(
      'emergency',
      {
        title: '紧急访问（按日） Emergency accesses per day',
        ...dayAxes(days),
        series: [
          { label: '日期 Day', value: (_u, i) => days[i] ?? '—' },
          {
            label: '紧急访问 Emergency accesses',
            stroke: '#b91c1c',
            fill: 'rgba(185, 28, 28, 0.35)',
            width: 1,
            paths: globalThis.uPlot?.paths.bars({ size: [0.6, 40] }),
            points: { show: false },
          },
        ],
      },
      [days.map((_, i) => i), days.map((d) => perDay.get(d) ?? null)], // no bar on a day without one
    );
    const capped = all.capped ? `；只读取了最新的 ${MAX_CHART_EVENTS} 条，请缩小日期范围 only the newest ${MAX_CHART_EVENTS} were read: narrow the range` : '';
    $('charts-note').textContent =
      `已读取 ${all.items.length} 条事件、${emergencies.items.length} 次紧急访问 Read ${all.items.length} events and ${emergencies.items.length} emergency accesses (${from} – ${to})${capped}`;
  },
  clearCharts,
);

function clearCharts() {
  for (const name of ['requests', 'denials', 'emergency']) {
    charts[name]?.destroy();
    delete charts[name];
    $(`chart-${name}`).replaceChildren();
  }
  $('charts-note').textContent = '';
}

// ---- A case's access timeline.

/** The basis an entry is drawn under: emergency outranks consent, consent outranks own record. */
const KINDS = ['own_record', 'consent', 'emergency', 'other'];
const KIND_COLOURS = { own_record: '#15803d', consent: '#24415f', emergency: '#b91c1c', other: '#a16207' };
const kindOf = (entry) => ['emergency', 'consent', 'own_record'].find((k) => entry.legalBasis.includes(k)) ?? 'other';

function timelineChart(entries) {
  const lanes = [...new Set(entries.map((e) => e.agencyId))];
  // Strictly increasing x (uPlot's aligned data): entries in the same second are drawn a millisecond apart.
  const xs = [];
  for (const e of entries) {
    const x = Date.parse(e.time) / 1000;
    xs.push(xs.length > 0 && x <= xs.at(-1) ? xs.at(-1) + 0.001 : x);
  }
  const span = xs.length > 0 ? xs.at(-1) - xs[0] : 0;
  const tick = (s) => {
    const clock = beijingClock(s * 1000);
    return span < 86_400 ? clock.slice(11) : clock.slice(5, 16);
  };
  const describe = (i) => {
    const e = entries[i];
    return e ? `${e.sub ?? '—'} · ${e.legalBasis.map(basisLabel).join(', ')} · ${e.categories.join(', ')}` : '—';
  };
  place(
    'case',
    {
      title: '访问时间线（每个点为一次读取） Access timeline (each point is one read)',
      height: Math.max(200, 90 + lanes.length * 48),
      scales: {
        x: { time: false, range: (_u, min, max) => [min - Math.max(30, (max - min) * 0.05), max + Math.max(30, (max - min) * 0.05)] },
        y: { range: () => [-0.5, lanes.length - 0.5] },
      },
      axes: [
        { font: FONT, labelFont: FONT, label: '时间（北京时间） Time (Beijing)', space: 110, values: (_u, splits) => splits.map(tick) },
        {
          font: FONT,
          size: 230,
          splits: () => lanes.map((_, i) => i),
          values: (_u, splits) => splits.map((i) => (Number.isInteger(i) && lanes[i] ? agencyLabel(lanes[i]) : '')),
        },
      ],
      series: [
        { label: '时间 Time', value: (_u, x) => (x == null ? '—' : beijing(new Date(x * 1000).toISOString())) },
        ...KINDS.map((k) => ({
          label: k === 'other' ? '其他 other' : basisLabel(k),
          stroke: KIND_COLOURS[k],
          paths: () => null,
          points: { show: true, size: 12, width: 2, fill: KIND_COLOURS[k] },
          value: (_u, v, _s, i) => (v == null ? '—' : describe(i)),
        })),
      ],
    },
    [xs, ...KINDS.map((k) => entries.map((e) => (kindOf(e) === k ? lanes.indexOf(e.agencyId) : null)))],
  );
}

on(
  'report',
  $('case-error'),
  async () => {
    const caseId = $('case-id').value.trim();
    if (!caseId) throw new Error('请输入个案编号 Enter a case id');
    const r = await call('GET', `/v1/audit/cases/${encodeURIComponent(caseId)}/access-report`);
    rows(
      $('access').tBodies[0],
      r.entries,
      (e) => [beijing(e.time), agencyLabel(e.agencyId), e.sub, e.purpose, e.legalBasis.map(basisLabel), e.consentIds, e.categories, e.route],
      '该个案没有访问记录 No access to this case',
    );
    timelineChart(r.entries);
  },
  clearCase,
);

function clearCase() {
  charts.case?.destroy();
  delete charts.case;
  $('chart-case').replaceChildren();
  $('access').tBodies[0].replaceChildren();
}

on('report-csv', $('case-error'), async () => {
  const caseId = $('case-id').value.trim();
  if (!caseId) throw new Error('请输入个案编号 Enter a case id');
  const csv = await call('GET', `/v1/audit/cases/${encodeURIComponent(caseId)}/access-report?format=csv`);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  link.download = `access-report-${caseId}.csv`;
  link.click();
});

// ---- Alerts and notifications.

async function refreshAlerts() {
  const r = await call('GET', '/v1/audit/notifications');
  if (r.items.length === 0) {
    const li = document.createElement('li');
    li.textContent = '暂无通知 No notifications';
    $('alerts').replaceChildren(li);
    return;
  }
  $('alerts').replaceChildren(
    ...r.items.map((n) => {
      const li = document.createElement('li');
      li.className = n.severity === 'high' ? 'high' : '';
      li.textContent =
        n.kind === 'alert'
          ? `${beijing(n.at)} 告警 alert: ${n.alert.kind} ${agencyLabel(n.alert.agencyId)}${n.alert.sub ? ` / ${n.alert.sub}` : ''} (${n.alert.count} > ${n.alert.threshold})`
          : `${beijing(n.at)} 紧急访问 emergency access: ${agencyLabel(n.byAgency)} → ${n.caseId}`;
      return li;
    }),
  );
}

on('run-alerts', $('alerts-error'), async () => {
  await call('POST', '/v1/audit/alerts/run', {});
  await refreshAlerts();
});
on('refresh-alerts', $('alerts-error'), refreshAlerts);

// Defaults: the charts look at the last two weeks.
$('c-from').value = daysBack(13);
$('c-to').value = daysBack(0);
