// Calls to eventwire's REST API (same origin, so the page needs nothing from outside this machine).

export const PAGE_MAX = 1000; // the API's largest `limit`

/** An error the API answered with (its one-line {"error": ...} message). */
export class ApiError extends Error {}

/** GET ``path`` with ``params`` as JSON; an API error becomes an ApiError carrying the API's message. */
export async function getJSON(path, params = new URLSearchParams(), signal = undefined) {
  const query = params.toString();
  const response = await fetch(query ? `${path}?${query}` : path, { signal });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(body && body.error ? body.error : `${path}: HTTP ${response.status}`);
  }
  return body;
}

/** One page of /api/events: {items, next_cursor}. */
export function eventsPage(params, limit, cursor, signal) {
  const p = new URLSearchParams(params);
  p.set("limit", String(limit));
  if (cursor) p.set("cursor", cursor);
  return getJSON("/api/events", p, signal);
}

/** Matching events, following next_cursor up to ``cap``: {items, capped} (capped: more were left). */
export async function eventsUpTo(params, cap, signal) {
  const items = [];
  let cursor = null;
  do {
    const page = await eventsPage(params, Math.min(PAGE_MAX, cap - items.length), cursor, signal);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < cap);
  return { items, capped: Boolean(cursor) };
}

/** /api/aggregates of the matching events by ``by`` and ``group``. */
export function aggregates(params, by, group, signal) {
  const p = new URLSearchParams(params);
  p.set("by", by);
  p.set("group", group);
  return getJSON("/api/aggregates", p, signal);
}

/** How many events match: every event counts once by event type, dated or not. */
export function total(agg) {
  return agg.buckets.reduce((n, b) => n + b.count, 0) + agg.undated;
}
