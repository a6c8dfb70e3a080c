// The page's state lives in its URL: the API's event filters plus the timeline's bucket size, so a view can be
// shared, reloaded and walked back with the browser's back button.

// The /api/events filters the page sets (same names, so the query string passes to the API as it is).
export const FILTERS = ["since", "until", "type", "sub_type", "actor", "country", "modality", "text", "bbox"];
// View settings that are no API filter.
export const VIEW = ["by"];

/** The state in ``search`` (default: this page's URL): only known, non-empty keys. */
export function readURL(search = location.search) {
  const params = new URLSearchParams(search);
  const state = {};
  for (const key of [...FILTERS, ...VIEW]) {
    const value = (params.get(key) || "").trim();
    if (value) state[key] = value;
  }
  return state;
}

/** URLSearchParams of ``state`` restricted to ``keys``, in a stable order. */
export function toParams(state, keys = FILTERS) {
  const params = new URLSearchParams();
  for (const key of keys) {
    if (state[key]) params.set(key, state[key]);
  }
  return params;
}

/** Put ``state`` in the address bar: pushState (a new history entry) unless ``replace``; nothing if unchanged. */
export function writeURL(state, { replace = false } = {}) {
  const query = toParams(state, [...FILTERS, ...VIEW]).toString();
  const url = location.pathname + (query ? `?${query}` : "");
  if (url === location.pathname + location.search) return;
  history[replace ? "replaceState" : "pushState"](null, "", url);
}

/** ``state`` with ``patch`` applied; empty values drop their key. */
export function patched(state, patch) {
  const next = { ...state, ...patch };
  for (const key of Object.keys(next)) {
    if (next[key] === undefined || next[key] === null || String(next[key]).trim() === "") delete next[key];
  }
  return next;
}
