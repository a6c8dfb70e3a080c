// Shared by the event, news and article pages: fetching the API, building DOM safely, formatting.

/** GET /api/... as JSON; a non-2xx answer throws an Error carrying the API's one-line reason. */
export async function api(path) {
  const res = await fetch(path, { headers: { Accept: "application/json" } });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON: reported below */ }
  if (!res.ok) {
    const err = new Error((body && body.error) || `${res.status} ${res.statusText}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

/** An element: el("a", {href: "/x", class: "y"}, "text", child, ...). Strings become text nodes, never HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2024-02-08" -> "8 Feb 2024"; "2024-02" -> "Feb 2024"; "2024" -> "2024"; null -> fallback. */
export function fmtDate(value, fallback = "date unknown") {
  if (!value) return fallback;
  const [y, m, d] = value.slice(0, 10).split("-");
  if (d) return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
  if (m) return `${MONTHS[Number(m) - 1]} ${y}`;
  return y;
}

let regionNames = null;
/** "BF" -> "Burkina Faso" (the browser's own names: nothing fetched). */
export function countryName(code) {
  if (!code) return null;
  try {
    regionNames = regionNames || new Intl.DisplayNames(["en"], { type: "region" });
    return regionNames.of(code.toUpperCase()) || code;
  } catch {
    return code;
  }
}

/** The outlet as a reader would name it: the site, else the URL's host, else a plain "Outlet not named". */
export function outletOf(rec) {
  if (rec.site) return rec.site;
  if (rec.url) {
    try { return new URL(rec.url).hostname.replace(/^www\./, ""); } catch { /* not a URL */ }
  }
  return "Outlet not named";
}

export function plural(n, one, many = one + "s") {
  return `${n} ${n === 1 ? one : many}`;
}

/** The sentence before [start, end) of ``text`` and the one after it (the rest of its own sentence when it
 * stops inside one), looking at most ``span`` characters each way; paragraph breaks become line breaks. */
export function context(text, start, end, span = 300) {
  const from = Math.max(0, start - span);
  const starts = from === 0 ? [0] : [];  // where sentences begin, up to the evidence
  for (const m of text.slice(from, start).matchAll(/[.!?]["”’)]?\s+|\n\s*/g)) starts.push(from + m.index + m[0].length);
  let a;
  let cutStart = false;
  if (starts.length >= 2) a = starts[starts.length - 2];
  else if (starts.length === 1) a = starts[0];
  else {
    a = from + Math.max(0, text.slice(from, start).indexOf(" ") + 1);
    cutStart = true;
  }
  const to = Math.min(text.length, end + span);
  const tail = text.slice(end, to);
  const m = tail.match(/\S[\s\S]*?[.!?]["”’)]?(?=\s|$)/);
  let b = to;
  if (m) b = end + m.index + m[0].length;
  else if (to < text.length) b = end + Math.max(0, tail.lastIndexOf(" "));
  const tidy = (x) => x.replace(/\s*\n\s*/g, "\n");
  return { before: tidy(text.slice(a, start)), after: tidy(text.slice(end, b)), cutStart, cutEnd: !m && b < text.length };
}

/** Put the page's state where the tests and screen readers can see it has finished loading. */
export function ready() {
  document.body.dataset.ready = "1";
}

/** A one-line error in place of the page's content (no stack trace for the reader). */
export function showError(container, message) {
  container.replaceChildren(el("p", { class: "error", role: "alert" }, message));
}

/** The last part of the current path: /events/ID -> ID. */
export function idFromPath() {
  return decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
}

export const MODALITY_NOTE = {
  asserted: "stated as fact",
  reported: "reported by others",
  claimed: "claimed by a party",
  denied: "denied",
  threatened: "threatened",
  planned: "planned",
  hypothetical: "hypothetical",
};

export const PRECISION_NOTE = { 1: "the exact town", 2: "near the town or in its district", 3: "the region" };
