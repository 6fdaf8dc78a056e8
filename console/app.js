// Xinqiao privacy officers' console: signs every request (protocol v1, docs/protocol.md) in the
// browser with WebCrypto. The private key is read from a file and kept in memory only.
const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const json64 = (value) => b64url(enc.encode(JSON.stringify(value)));
const config = await (await fetch('config.json')).json();
// Served by the API itself, the console calls it on the same origin; deployed as a static site, config.json names the API.
const apiBase = config.apiBaseUrl ?? '';
$('hub').textContent = `${config.hubId}`;
let identity = null;

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
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = { authorization: await authorization(method, pathWithQuery, text) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${apiBase}${pathWithQuery}`, { method, headers, ...(body !== undefined && { body: text }) });
  const type = res.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error(payload?.error ? `${payload.error.code}: ${payload.error.message_zh} ${payload.error.message}` : `HTTP ${res.status}`);
  return payload;
}

function rows(tbody, items, cells) {
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

const report = (element, error) => {
  element.className = 'bad';
  element.textContent = String(error.message ?? error);
};

$('load-key').addEventListener('click', async () => {
  try {
    const file = $('key-file').files[0];
    if (!file) throw new Error('请选择私钥文件 Choose a key file');
    const jwk = JSON.parse(await file.text());
    const id = $('officer-id').value.trim() || jwk.kid.replace(/-(\d{4}-\d{2}-\d{2}|k\d+)$/, '');
    identity = { id, ...(await importKey(jwk)) };
    $('who').className = 'ok';
    $('who').textContent = `已载入 Loaded: ${id} (${identity.kid})`;
    for (const b of document.querySelectorAll('button[disabled]')) b.disabled = false;
  } catch (error) {
    report($('who'), error);
  }
});

$('verify').addEventListener('click', async () => {
  const out = $('verify-result');
  try {
    const r = await call('GET', '/v1/audit/verify');
    out.className = r.ok ? 'ok' : 'bad';
    out.textContent = r.ok
      ? `完整 Intact: ${r.events} events, ${r.chains} chains, ${r.digests} signed digests`
      : `已被篡改 Tampered: ${r.first.kind} — ${r.first.detail} ${r.first.eventId ?? ''}`;
  } catch (error) {
    report(out, error);
  }
});

$('seal').addEventListener('click', async () => {
  try {
    const d = await call('POST', '/v1/audit/digests', {});
    $('verify-result').className = 'ok';
    $('verify-result').textContent = `已签名 Sealed digest ${d.digestId} at ${d.at}`;
  } catch (error) {
    report($('verify-result'), error);
  }
});

$('search').addEventListener('click', async () => {
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
  try {
    const r = await call('GET', `/v1/audit/events${q.size ? `?${q}` : ''}`);
    rows($('events').tBodies[0], r.items, (e) => [e.time, e.agencyId, e.sub, e.route, e.outcome, e.errorCode, e.purpose]);
  } catch (error) {
    report($('verify-result'), error);
  }
});

$('report').addEventListener('click', async () => {
  try {
    const r = await call('GET', `/v1/audit/cases/${encodeURIComponent($('case-id').value.trim())}/access-report`);
    rows($('access').tBodies[0], r.entries, (e) => [e.time, e.agencyId, e.sub, e.purpose, e.legalBasis, e.consentIds, e.categories]);
  } catch (error) {
    report($('verify-result'), error);
  }
});

$('report-csv').addEventListener('click', async () => {
  try {
    const caseId = $('case-id').value.trim();
    const csv = await call('GET', `/v1/audit/cases/${encodeURIComponent(caseId)}/access-report?format=csv`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `access-report-${caseId}.csv`;
    link.click();
  } catch (error) {
    report($('verify-result'), error);
  }
});

async function refreshAlerts() {
  const r = await call('GET', '/v1/audit/notifications');
  $('alerts').replaceChildren(
    ...r.items.map((n) => {
      const li = document.createElement('li');
      li.className = n.severity === 'high' ? 'high' : '';
      li.textContent =
        n.kind === 'alert'
          ? `${n.at} 告警 alert: ${n.alert.kind} ${n.alert.agencyId}${n.alert.sub ? ` / ${n.alert.sub}` : ''} (${n.alert.count} > ${n.alert.threshold})`
          : `${n.at} 紧急访问 emergency access: ${n.byAgency} → ${n.caseId}`;
      return li;
    }),
  );
}

$('run-alerts').addEventListener('click', async () => {
  try {
    await call('POST', '/v1/audit/alerts/run', {});
    await refreshAlerts();
  } catch (error) {
    report($('verify-result'), error);
  }
});
$('refresh-alerts').addEventListener('click', () => refreshAlerts().catch((e) => report($('verify-result'), e)));
