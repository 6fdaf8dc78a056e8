/**
 * Posts webhook deliveries with fetch: 5 s to answer, redirects not followed (a receiver that moved changes its
 * URL in the province config; following them would let a URL point the hub anywhere), the answer's body ignored.
 */
export const WEBHOOK_TIMEOUT_MS = 5_000;

export class FetchWebhookTransport {
  constructor(private readonly timeoutMs = WEBHOOK_TIMEOUT_MS) {}

  async post(url: string, body: string, headers: Readonly<Record<string, string>>): Promise<number> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'user-agent': 'xinqiao-hub', ...headers },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.body?.cancel();
      return res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400) ? 0 : res.status;
    } catch {
      return 0;
    }
  }
}
