// The article page: the cleaned article as a reader sees it, with what eventwire read in it highlighted
// on demand (event evidence, quotes, actors and names, places, times) and links to its events.
// Offsets are character offsets into article.text (spec/output.md), so highlights come from the record alone.
import { api, countryName, el, fmtDate, idFromPath, MODALITY_NOTE, outletOf, plural, ready, showError } from "./common.js";

const LAYERS = [
  { key: "event", label: "Event evidence" },
  { key: "quote", label: "Quotes" },
  { key: "entity", label: "Actors and names" },
  { key: "place", label: "Places" },
  { key: "time", label: "Times" },
];
const ORDER = Object.fromEntries(LAYERS.map((l, i) => [l.key, i]));
const DEFAULT_ON = ["event"];
const main = document.getElementById("main");

/** "Djibo, Burkina Faso"; a country alone once ("Burkina Faso", not "Burkina Faso, Burkina Faso"). */
function placeName(p) {
  const country = countryName(p.country);
  return [...new Set([p.name, country].filter(Boolean))].join(", ");
}

function shorten(s, n = 160) {
  return s.length > n ? s.slice(0, s.lastIndexOf(" ", n - 1) > 0 ? s.lastIndexOf(" ", n - 1) : n) + " …" : s;
}

/** Every annotation as {layer, id, start, end, title}: what the highlights are cut from. */
function annotations(rec) {
  const art = rec.article;
  const out = [];
  rec.events.forEach((ev, i) => {
    const src = ev.sources.find((s) => s.article_id === art.id && s.start !== null);
    if (!src) return;
    out.push({ layer: "event", id: `event-${i}`, start: src.start, end: src.end, event: ev.id,
      title: `${ev.sub_event_type || ev.event_type}` + (ev.fatalities !== null ? ` · ${plural(ev.fatalities, "death")}` : "")
        + ` · ${ev.modality}` });
  });
  rec.quotes.forEach((q, i) => out.push({ layer: "quote", id: `quote-${i}`, start: q.start, end: q.end,
    title: `${q.direct ? "Quote" : "Reported speech"}: ${q.speaker || "speaker not named"}${q.cue ? ` (${q.cue})` : ""}` }));
  rec.entities.forEach((e, i) => {
    if (e.kind === "place") return;  // resolved places are their own layer
    out.push({ layer: "entity", id: `entity-${i}`, start: e.start, end: e.end,
      title: `${e.actor || e.text} · ${e.kind.replace("_", " ")}` });
  });
  rec.places.forEach((p, i) => out.push({ layer: "place", id: `place-${i}`, start: p.start, end: p.end,
    title: placeName(p) + (p.feature ? ` · ${p.feature}` : "")
      + (p.geonameid ? ` · GeoNames ${p.geonameid}` : "") }));
  rec.times.forEach((t, i) => out.push({ layer: "time", id: `time-${i}`, start: t.start, end: t.end,
    title: `${t.type || "time"}: ${t.value}` }));
  const n = art.text.length;
  return out.filter((a) => Number.isInteger(a.start) && Number.isInteger(a.end) && a.start >= 0 && a.end <= n && a.start < a.end);
}

/** The body with a <mark> per active annotation; overlapping ones nest (sentences outside, names inside). */
function renderBody(container, text, anns, active) {
  const on = anns.filter((a) => active.has(a.layer));
  const cuts = new Set([0, text.length]);
  for (const a of on) { cuts.add(a.start); cuts.add(a.end); }
  const points = [...cuts].sort((x, y) => x - y);
  const byStart = [...on].sort((x, y) => x.start - y.start);
  const frag = document.createDocumentFragment();
  let open = [];  // annotations covering the current segment
  let next = 0;
  for (let i = 0; i < points.length - 1; i++) {
    const s = points[i];
    const e = points[i + 1];
    open = open.filter((a) => a.end > s);
    while (next < byStart.length && byStart[next].start <= s) open.push(byStart[next++]);
    const cover = open.filter((a) => a.start <= s && a.end >= e)
      .sort((x, y) => ORDER[x.layer] - ORDER[y.layer] || x.start - y.start || y.end - x.end);
    let node = document.createTextNode(text.slice(s, e));
    for (const a of cover.reverse()) {
      const m = el("mark", { class: `hl-${a.layer}`, title: a.title, dataset: { ann: a.id, event: a.event } });
      m.append(node);
      node = m;
    }
    frag.append(node);
  }
  container.replaceChildren(frag);
}

function stateFromUrl() {
  const show = new URLSearchParams(location.search).get("show");
  const keys = show === null ? DEFAULT_ON : show.split(",");
  return new Set(keys.filter((k) => k in ORDER));
}

function saveState(active) {
  const url = new URL(location.href);
  const keys = LAYERS.map((l) => l.key).filter((k) => active.has(k));
  if (keys.join(",") === DEFAULT_ON.join(",")) url.searchParams.delete("show");
  else url.searchParams.set("show", keys.join(","));
  history.replaceState(null, "", url);
}

function toggles(anns, active, onChange) {
  const counts = {};
  for (const a of anns) counts[a.layer] = (counts[a.layer] || 0) + 1;
  const fs = el("fieldset", {}, el("legend", {}, "Highlight"));
  for (const l of LAYERS) {
    const box = el("input", { type: "checkbox", id: `show-${l.key}`, name: l.key, checked: active.has(l.key) });
    box.addEventListener("change", () => {
      if (box.checked) active.add(l.key); else active.delete(l.key);
      onChange();
    });
    fs.append(el("label", { for: `show-${l.key}` }, box, el("span", { class: `swatch sw-${l.key}`, "aria-hidden": "true" }),
      `${l.label} (${counts[l.key] || 0})`));
  }
  return el("form", { class: "toggles", "aria-label": "highlights", onsubmit: (e) => e.preventDefault() }, fs);
}

function eventsPanel(rec, show) {
  if (!rec.events.length) {
    return el("section", { "aria-labelledby": "h-events" }, el("h2", { id: "h-events" }, "Events"),
      el("p", { class: "small muted" }, "No event was read from this article."));
  }
  const items = rec.events.map((ev, i) => {
    const target = ev.fused_into || ev.id;
    const loc = ev.location ? placeName(ev.location) : null;
    return el("li", {},
      el("div", { class: "event-type" }, ev.sub_event_type || ev.event_type),
      el("div", { class: "small muted" }, [loc, fmtDate(ev.date, "undated"),
        ev.fatalities !== null && ev.fatalities !== undefined ? plural(ev.fatalities, "death") : null,
        MODALITY_NOTE[ev.modality] || ev.modality].filter(Boolean).join(" · ")),
      el("div", { class: "small actions" },
        el("a", { href: `/events/${encodeURIComponent(target)}`, class: "event-link" }, "Open the event"),
        " · ", el("button", { type: "button", class: "link", onclick: () => show(`event-${i}`, "event") }, "Show in text")));
  });
  return el("section", { "aria-labelledby": "h-events" },
    el("h2", { id: "h-events" }, `Events (${rec.events.length})`), el("ul", { class: "plain" }, items));
}

function quotesPanel(rec, show) {
  if (!rec.quotes.length) return null;
  return el("section", { "aria-labelledby": "h-quotes" },
    el("h2", { id: "h-quotes" }, `Quotes (${rec.quotes.length})`),
    el("ul", { class: "plain" }, rec.quotes.map((q, i) => el("li", {},
      el("span", { class: "speaker" }, q.speaker || "Speaker not named"), q.cue ? ` ${q.cue}` : "",
      q.direct ? ": " : " that ", el("q", {}, shorten(q.text)), " ",
      el("button", { type: "button", class: "link small", onclick: () => show(`quote-${i}`, "quote") }, "Show in text")))));
}

function namesPanel(rec) {
  const actors = new Map();
  for (const e of rec.entities) if (e.actor && e.kind !== "place") actors.set(e.actor, e.kind);
  const places = new Map();
  for (const p of rec.places) {
    const key = p.geonameid || p.name;
    const cur = places.get(key) || { ...p, n: 0 };
    cur.n += 1;
    places.set(key, cur);
  }
  if (!actors.size && !places.size) return null;
  return el("section", { "aria-labelledby": "h-names" }, el("h2", { id: "h-names" }, "Who and where"),
    actors.size ? el("ul", { class: "plain tags" }, [...actors].map(([a, k]) =>
      el("li", {}, a, el("span", { class: "kind" }, k.replace("_", " "))))) : null,
    places.size ? el("ul", { class: "plain tags places" }, [...places.values()].map((p) =>
      el("li", {}, placeName(p),
        p.n > 1 ? el("span", { class: "muted" }, ` ×${p.n}`) : null))) : null);
}

async function load() {
  const id = idFromPath();
  let rec;
  try {
    rec = await api(`/api/articles/${encodeURIComponent(id)}`);
  } catch (e) {
    document.title = "Article not found · eventwire";
    main.classList.remove("article-page");
    showError(main, e.status === 404 ? `There is no article with the id “${id}”.` : `The article could not be loaded: ${e.message}`);
    return;
  }
  const art = rec.article;
  document.title = `${art.title || "Article"} · eventwire`;
  const anns = annotations(rec);
  const active = stateFromUrl();
  const body = el("div", { class: "article-body", id: "body" });
  const redraw = () => { renderBody(body, art.text, anns, active); saveState(active); };

  function show(annId, layer) {
    if (!active.has(layer)) {
      active.add(layer);
      document.getElementById(`show-${layer}`).checked = true;
      redraw();
    }
    const m = body.querySelector(`mark[data-ann="${annId}"]`);
    if (!m) return;
    m.setAttribute("tabindex", "-1");
    m.scrollIntoView({ block: "center" });
    m.focus({ preventScroll: true });
    for (const x of body.querySelectorAll(`mark[data-ann="${annId}"]`)) x.classList.add("flash");
    setTimeout(() => { for (const x of body.querySelectorAll("mark.flash")) x.classList.remove("flash"); }, 2500);
  }

  const meta = el("p", { class: "meta" },
    el("span", { class: art.site || art.url ? "outlet" : "outlet unknown" }, outletOf(art)),
    el("span", { "aria-hidden": "true" }, "·"),
    el("time", art.published ? { datetime: art.published } : {}, fmtDate(art.published, "publication date unknown")),
    art.url ? el("span", { "aria-hidden": "true" }, "·") : null,
    art.url ? el("a", { href: art.url, rel: "noopener noreferrer nofollow", target: "_blank" }, "original page") : null);
  const article = el("article", { "aria-labelledby": "title" },
    meta,
    el("h1", { id: "title" }, art.title || "Untitled article"),
    art.duplicate_of ? el("p", { class: "dup" }, "A near-duplicate of ",
      el("a", { href: `/articles/${encodeURIComponent(art.duplicate_of)}` }, "an earlier article"),
      art.similarity ? ` (similarity ${Number(art.similarity).toFixed(2)})` : "", ": its events are counted once, there.") : null,
    toggles(anns, active, redraw),
    body);
  const side = el("aside", { class: "side", "aria-label": "what eventwire read in the article" },
    eventsPanel(rec, show), quotesPanel(rec, show), namesPanel(rec));
  main.replaceChildren(article, side);
  redraw();
  // /articles/ID#event-EVENT_ID (from an event page): that report's sentence, in view.
  const want = decodeURIComponent(location.hash.replace(/^#event-/, ""));
  const i = rec.events.findIndex((ev) => ev.id === want);
  if (i >= 0) show(`event-${i}`, "event");
}

load().catch((e) => showError(main, `The article could not be shown: ${e.message}`)).finally(ready);
