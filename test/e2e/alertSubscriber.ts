/** Test helpers for live alerts: a subscriber over server-sent events, and waiting for what it receives. */

/** A welfareAlerts subscription over SSE (graphql-sse, distinct connections), its events as they arrive. */
export class Subscriber {
  readonly events: { id?: string; event: string; data: { data?: { welfareAlerts?: { alertId: string; kind: string; event: { sourceId: string; kind: string; text: string } | null } } | null; errors?: { extensions?: Record<string, unknown> }[] } | null }[] = [];
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  status = 0;

  constructor(
    private readonly gatewayUrl: string,
    token: string,
    variables: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    this.done = this.run(token, variables, headers);
  }

  private async run(token: string, variables: Record<string, unknown>, headers: Record<string, string>): Promise<void> {
    const response = await fetch(new URL('/graphql/stream', this.gatewayUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: JSON.stringify({ query: 'subscription Alerts($nin: String!, $after: ID) { welfareAlerts(nin: $nin, after: $after) { alertId kind event { sourceId kind text } } }', variables }),
      signal: this.abort.signal,
    }).catch(() => null);
    if (!response) return;
    this.status = response.status;
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = response.body.getReader();
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        buffer += decoder.decode(step.value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(message.split('\n').filter((l) => !l.startsWith(':') && l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
          if (fields.event) this.events.push({ id: fields.id, event: fields.event, data: fields.data ? JSON.parse(fields.data) : null });
        }
      }
    } catch {
      // aborted
    }
  }

  alerts() {
    return this.events.filter((e) => e.event === 'next' && e.data?.data?.welfareAlerts).map((e) => ({ id: e.id, ...e.data!.data!.welfareAlerts! }));
  }

  close(): void {
    this.abort.abort();
  }
}

export async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await new Promise((r) => setTimeout(r, 25))) if (condition()) return;
  throw new Error('condition not met in time');
}

