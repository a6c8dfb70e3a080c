// The event page: what happened, where and when, the fused figures, every report in its article's
// words, the figures each source gives, denials, and why the reports were merged.
import {
  api, context, countryName, el, fmtDate, idFromPath, MODALITY_NOTE, outletOf, plural, PRECISION_NOTE, ready,
  showError,
} from "./common.js";
import { miniMap } from "./minimap.js";

const main = document.getElementById("main");

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

function placeText(loc) {
  if (!loc) return null;
  const country = countryName(loc.country);
  return loc.name && country && loc.name !== country ? `${loc.name}, ${country}` : loc.name || country;
}

function headline(ev) {
  const what = ev.sub_event_type || ev.event_type;
  const where = ev.location ? ` in ${placeText(ev.location)}` : "";
  return what + where;
}

function badge(text, kind, title) {
  return el("span", { class: `badge badge-${kind}`, title }, text);
}

function modalityBadge(modality, by) {
  const note = MODALITY_NOTE[modality] || modality;
  return badge(by ? `${modality} by ${by}` : modality, `mod-${modality}`, note);
}

/** Reports of a per-article event (no fusion): its sources, read as reports. */
function reportsOf(ev) {
  if (ev.fused) return ev.reports;
  return ev.sources.map((s) => ({
    ...s, event_id: ev.id, lead: true, role: s.duplicate_of ? "copy" : "source", independent: !s.duplicate_of,
    event_type: ev.event_type, sub_event_type: ev.sub_event_type, actor1: ev.actor1, actor2: ev.actor2,
    location: ev.location, date: ev.date, fatalities: ev.fatalities, merged: [],
  }));
}

/** Articles in the order their reports come, each with its reports (the leading report first). */
function byArticle(reports) {
  const groups = new Map();
  for (const r of reports) {
    if (!groups.has(r.article_id)) groups.set(r.article_id, []);
    groups.get(r.article_id).push(r);
  }
  return [...groups.values()].map((rs) => rs.sort((a, b) => (b.lead - a.lead) || (a.start - b.start)));
}

function facts(ev, nSources) {
  const dl = el("dl", { class: "facts" });
  const row = (term, ...value) => dl.append(el("dt", {}, term), el("dd", {}, ...value));
  row("What", ev.event_type, ev.sub_event_type ? el("span", { class: "muted" }, ` · ${ev.sub_event_type}`) : null);
  const actor = (name) => name ? el("span", { class: "actor" }, name,
    ev.actor_kinds && ev.actor_kinds[name] ? el("span", { class: "kind" }, ev.actor_kinds[name].replace("_", " ")) : null)
    : el("span", { class: "muted" }, "not named");
  row("Who", actor(ev.actor1), el("span", { class: "arrow", "aria-label": "against" }, " → "), actor(ev.actor2),
    ev.assoc_actors && ev.assoc_actors.length ? el("div", { class: "muted small" }, "with " + ev.assoc_actors.join(", ")) : null);
  if (ev.location) {
    row("Where", placeText(ev.location), el("div", { class: "muted small" },
      `${PRECISION_NOTE[ev.location.precision] || "place"} · ${ev.location.lat.toFixed(3)}, ${ev.location.lon.toFixed(3)}`,
      ev.location.geonameid ? ` · GeoNames ${ev.location.geonameid}` : ""));
  } else {
    row("Where", el("span", { class: "muted" }, "no place found"));
  }
  row("When", fmtDate(ev.date), ev.date_precision && ev.date_precision !== "day"
    ? el("span", { class: "muted" }, ` (to the ${ev.date_precision})`) : null);
  const rng = ev.fatalities_range;
  row("Fatalities", ev.fatalities === null || ev.fatalities === undefined
    ? el("span", { class: "muted" }, "not reported")
    : el("strong", { class: "figure" }, String(ev.fatalities)),
  rng && rng[0] !== rng[1] ? el("span", { class: "muted" }, ` (sources say ${rng[0]} to ${rng[1]})`) : null);
  if (ev.fused) {
    row("Sources", plural(ev.articles, "article"), el("span", { class: "muted" },
      ` · ${plural(ev.sources_independent, "independent source")}`),
    ev.outlets && ev.outlets.length ? el("div", { class: "small" }, ev.outlets.join(" · ")) : null);
  } else {
    row("Sources", plural(nSources, "article"));
  }
  row("Confidence", `${Math.round(ev.confidence * 100)}%`);
  return dl;
}

function roleBadge(r, names) {
  if (r.role === "copy") {
    return badge(`repeats ${names.get(r.copy_of) || "an earlier report"}`, "copy",
      "Its sentence repeats an earlier report's: not counted as another source");
  }
  if (r.role === "background") {
    return badge("background", "background", "Its article restates this event while reporting another: listed, not counted");
  }
  return badge("independent source", "source", "Counted as an independent source");
}

function sentence(r, text) {
  const mark = el("mark", { class: "evidence" }, r.evidence);
  if (!text || text.slice(r.start, r.end) !== r.evidence) {
    return el("blockquote", { class: "context" }, mark);
  }
  const c = context(text, r.start, r.end);
  return el("blockquote", { class: "context" }, c.cutStart ? "… " : "", c.before, mark, c.after, c.cutEnd ? " …" : "");
}

function reportFacts(r) {
  const bits = [];
  bits.push(r.sub_event_type || r.event_type);
  if (r.location) bits.push(r.location.name);
  if (r.date) bits.push(fmtDate(r.date));
  bits.push(r.fatalities === null || r.fatalities === undefined ? "no figure" : plural(r.fatalities, "death"));
  return el("p", { class: "report-facts small" }, modalityBadge(r.modality, r.attributed_to), " ", bits.join(" · "));
}

function articleCard(rs, texts, names, index) {
  const lead = rs[0];
  const card = el("article", { class: "report-card", id: `source-${index}` },
    el("header", { class: "report-head" },
      el("span", { class: "source-no", "aria-hidden": "true" }, String(index)),
      el("div", {},
        el("div", { class: "outlet" }, outletOf(lead), el("span", { class: "muted" }, ` · ${fmtDate(lead.published)}`)),
        el("a", { class: "title", href: `/articles/${encodeURIComponent(lead.article_id)}#event-${lead.event_id}` },
          lead.title || "Untitled article")),
      roleBadge(lead, names)));
  const block = (r) => el("div", { class: "report" }, sentence(r, texts.get(r.article_id)), reportFacts(r));
  card.append(block(lead));
  if (rs.length > 1) {
    card.append(el("details", { class: "also" },
      el("summary", {}, `${plural(rs.length - 1, "more sentence")} of this article about the event`),
      rs.slice(1).map(block)));
  }
  return card;
}

function fatalitiesTable(ev, reports, names) {
  const rows = ev.fused ? ev.fatalities_by_source : reports.filter((r) => r.fatalities !== null && r.fatalities !== undefined);
  if (!rows || !rows.length) return null;
  const byArt = new Map(reports.filter((r) => r.lead).map((r) => [r.article_id, r]));
  const max = Math.max(...rows.map((r) => r.fatalities), 1);
  const table = el("table", { class: "fatalities" },
    el("caption", { class: "visually-hidden" }, "Fatalities each source reports"),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Source"), el("th", { scope: "col" }, "Fatalities"),
      el("th", { scope: "col" }, "How it says it"), el("th", { scope: "col" }, "Counted"))));
  const body = el("tbody");
  for (const f of rows) {
    const r = byArt.get(f.article_id) || f;
    const used = f.fatalities === ev.fatalities;
    body.append(el("tr", { class: used ? "used" : null },
      el("td", {}, el("a", { href: `/articles/${encodeURIComponent(f.article_id)}` }, names.get(r.event_id) || outletOf(f))),
      el("td", { class: "num" }, el("span", { class: "bar", style: `width:${(f.fatalities / max) * 100}%` }),
        el("strong", {}, String(f.fatalities)), used ? el("span", { class: "used-mark", title: "the fused figure" }, " ✓ used") : null),
      el("td", {}, modalityBadge(f.modality, r.attributed_to)),
      el("td", {}, f.independent === false ? "no (copy or background)" : "yes")));
  }
  table.append(body);
  const wrap = el("div", { class: "table-wrap" }, table);
  return el("section", { class: "card", "aria-labelledby": "h-fatalities" },
    el("h2", { id: "h-fatalities" }, "Fatalities by source"),
    wrap,
    ev.fatalities_rule ? el("p", { class: "small muted rule" }, `The event's figure, ${ev.fatalities}, is the ${ev.fatalities_rule}.`) : null);
}

function denials(ev, reports, names, texts) {
  const denied = reports.filter((r) => r.modality === "denied");
  if (!ev.contested && !denied.length) return null;
  return el("section", { class: "card denial", "aria-labelledby": "h-denied" },
    el("h2", { id: "h-denied" }, ev.contested ? "Contested: a party denies it" : "Denials"),
    denied.length ? el("ul", { class: "plain" }, denied.map((r) => el("li", {},
      el("p", { class: "small" }, el("strong", {}, capital(r.attributed_to || "a party")), " denies it, in ",
        el("a", { href: `/articles/${encodeURIComponent(r.article_id)}` }, names.get(r.event_id) || outletOf(r)), ":"),
      sentence(r, texts.get(r.article_id)))))
      : el("p", {}, "A party denies this event."));
}

function mergeReasons(ev, reports, names) {
  const seen = new Set();
  const items = [];
  for (const r of reports) {
    for (const m of r.merged || []) {
      const key = [r.event_id, m.with].sort().join("|");
      if (seen.has(key)) continue;
      seen.add(key);
      const why = [];
      if (m.km !== null && m.km !== undefined) why.push(m.km < 1 ? "the same place" : `${Math.round(m.km)} km apart`);
      if (m.day_gap !== null && m.day_gap !== undefined) why.push(m.day_gap === 0 ? "the same day" : plural(m.day_gap, "day") + " apart");
      if (m.shared_actors && m.shared_actors.length) why.push("actors in common: " + m.shared_actors.join(", "));
      why.push(`wording similarity ${Number(m.similarity || 0).toFixed(2)}`);
      const parts = Object.entries(m.parts || {}).map(([k, v]) => `${k} ${v >= 0 ? "+" : ""}${v}`).join(", ");
      items.push(el("li", {},
        el("strong", {}, names.get(r.event_id) || r.event_id), " and ", el("strong", {}, names.get(m.with) || m.with),
        `: ${why.join("; ")}.`,
        el("div", { class: "small muted" }, `Score ${m.score}` + (parts ? ` (${parts})` : ""))));
    }
  }
  if (!items.length && !(ev.copies && ev.copies.length)) return null;
  const sec = el("section", { class: "card", "aria-labelledby": "h-why" },
    el("h2", { id: "h-why" }, "Why these reports were merged"));
  if (items.length) {
    sec.append(el("p", { class: "small muted" }, "Each pair of reports joined because they agree on when, where, what and who:"),
      el("ul", { class: "merges" }, items));
  }
  if (ev.copies && ev.copies.length) {
    sec.append(el("h3", {}, "Copies, not counted again"), el("ul", { class: "plain" }, ev.copies.map((c) => el("li", {},
      el("a", { href: `/articles/${encodeURIComponent(c.article_id)}` }, c.title || c.article_id),
      el("span", { class: "muted small" }, ` · ${outletOf(c)} · ${fmtDate(c.published)} · a near-duplicate of `,
        names.get(c.copy_of) || c.copy_of, ` (similarity ${Number(c.similarity || 0).toFixed(2)})`)))));
  }
  return sec;
}

async function load() {
  const id = idFromPath();
  let ev;
  try {
    ev = await api(`/api/events/${encodeURIComponent(id)}`);
  } catch (e) {
    document.title = "Event not found · eventwire";
    showError(main, e.status === 404 ? `There is no event with the id “${id}”.` : `The event could not be loaded: ${e.message}`);
    return;
  }
  const reports = reportsOf(ev);
  const groups = byArticle(reports);
  // Each article's text, for the sentences around each report's (the record holds the sentence alone).
  const texts = new Map();
  await Promise.all(groups.map(async (rs) => {
    try {
      texts.set(rs[0].article_id, (await api(`/api/articles/${encodeURIComponent(rs[0].article_id)}`)).article.text);
    } catch { /* shown without its context */ }
  }));
  // A short name per source, to say who disagrees with whom: "[2] Meridian Press".
  const names = new Map();
  groups.forEach((rs, i) => {
    const label = rs[0].site || rs[0].title || outletOf(rs[0]);
    const name = `[${i + 1}] ${label.length > 60 ? label.slice(0, 57) + "…" : label}`;
    names.set(rs[0].article_id, name);
    for (const r of rs) names.set(r.event_id, name);
  });

  document.title = `${headline(ev)} · eventwire`;
  const top = el("div", { class: "event-head" },
    el("p", { class: "eyebrow" }, ev.event_type, ev.fused ? "" : " · one article's report"),
    el("h1", {}, headline(ev)),
    el("p", { class: "subline" }, fmtDate(ev.date), " · ",
      ev.fused ? `${plural(ev.articles, "article")}, ${plural(ev.sources_independent, "independent source")}`
        : plural(ev.sources.length, "article"),
      " ", modalityBadge(ev.modality, ev.attributed_to),
      ev.contested ? badge("contested", "contested", "A party denies this event") : null),
    !ev.fused && ev.fused_into ? el("p", { class: "note" }, "One article's account of ",
      el("a", { href: `/events/${encodeURIComponent(ev.fused_into)}` }, "a fused event with every report of it"), ".") : null);
  const mapBox = ev.location ? el("div", { class: "minimap", id: "map", role: "img", "aria-label": `map of ${placeText(ev.location)}` }) : null;
  const overview = el("section", { class: "overview card", "aria-label": "the event's facts" }, facts(ev, groups.length), mapBox);
  const reportSection = el("section", { "aria-labelledby": "h-reports" },
    el("h2", { id: "h-reports" }, `Reports (${groups.length})`),
    el("p", { class: "small muted" }, "Each article's sentence, highlighted among the sentences around it; open the article to read it whole."),
    groups.map((rs, i) => articleCard(rs, texts, names, i + 1)));
  main.replaceChildren(top, overview, denials(ev, reports, names, texts) || "",
    fatalitiesTable(ev, reports, names) || "", reportSection, mergeReasons(ev, reports, names) || "");
  if (mapBox) await miniMap(mapBox, [{ lat: ev.location.lat, lon: ev.location.lon, label: ev.location.name || "" }]);
}

load().catch((e) => showError(main, `The event could not be shown: ${e.message}`)).finally(ready);
