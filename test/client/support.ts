/** A stand-in hub on 127.0.0.1 for the client's unit tests: answers from a script, or hangs, and records what it was sent. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair } from 'jose';
import type { AgencyCredentials } from '../../client/sign-request';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Answer {
  status: number;
  /** The hub's error body with this code. */
  code?: string;
  retryAfter?: string;
  /** A JSON body (default `{ ok: true }`, or the error body with `code`). */
  body?: unknown;
  /** Never answer (the client's timeouts end it). */
  hang?: true;
}

export interface StandIn {
  baseUrl: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** `script` gives the answer to the n-th request (from 0); an array is played in order, its last answer repeated. */
export async function standInHub(script: Answer[] | ((seen: Seen, n: number) => Answer)): Promise<StandIn> {
  const seen: Seen[] = [];
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    seen.push(request);
    const n = seen.length - 1;
    const answer = typeof script === 'function' ? script(request, n) : script[Math.min(n, script.length - 1)]!;
    if (answer.hang) return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.retryAfter && { 'retry-after': answer.retryAfter }) });
    const payload =
      answer.body ??
      (answer.code ? { error: { code: answer.code, message: `${answer.code} (en)`, message_zh: `${answer.code}（中文）`, requestId: 'req-1' } } : { ok: true });
    res.end(JSON.stringify(payload));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function credentials(): Promise<AgencyCredentials> {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
  return { agencyId: 'xz-education', privateJwk: { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'EdDSA' } as AgencyCredentials['privateJwk'] };
}

export const jti = (authorization: string | undefined) => decodeJwt((authorization ?? '').replace(/^Bearer /, '')).jti;
export const claims = (authorization: string | undefined) => decodeJwt((authorization ?? '').replace(/^Bearer /, ''));

/** A retry policy that records the waits it is asked for instead of waiting (the tests assert the waits, never the clock). */
export function recordedWaits() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** Every item of an async iterator (Array.fromAsync is Node 22). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
