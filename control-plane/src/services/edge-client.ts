// The control plane's client of the edge: signed calls with MVX_SYNC_SECRET (API.md "Signed
// requests"). For now one call, the allocation push of docs/sync-protocol.md.

import { SIGNATURE_HEADER, signPayload } from "@mvx/core";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export type PushResult = { ok: true; status: number } | { ok: false; error: string };

export interface EdgeClient {
  /** PUT {EDGE_URL}/internal/experiments/:id/allocation with the raw JSON payload, signed. */
  pushAllocation(experimentId: string, body: string): Promise<PushResult>;
}

export interface EdgeClientOptions {
  edgeUrl: string;
  syncSecret: string;
  fetch?: FetchLike;
  /** Milliseconds since the epoch. */
  clock?: () => number;
  timeoutMs?: number;
}

export function createEdgeClient(opts: EdgeClientOptions): EdgeClient {
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => fetch(input, init));
  const clock = opts.clock ?? Date.now;
  const base = opts.edgeUrl.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    async pushAllocation(experimentId, body) {
      const url = `${base}/internal/experiments/${encodeURIComponent(experimentId)}/allocation`;
      try {
        const signature = await signPayload(opts.syncSecret, body, Math.floor(clock() / 1000));
        const res = await doFetch(url, {
          method: "PUT",
          headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (res.status >= 200 && res.status < 300) {
          await res.body?.cancel().catch(() => undefined);
          return { ok: true, status: res.status };
        }
        const text = await res.text().catch(() => "");
        return { ok: false, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 300)}` : ""}` };
      } catch (e) {
        const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : "";
        return { ok: false, error: `${e instanceof Error ? e.message : String(e)}${cause}` };
      }
    },
  };
}
