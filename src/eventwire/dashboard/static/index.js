// The dashboard's main page: filter bar, timeline, map and table over /api, all driven by the URL's state.
// Any change (a filter, a brush on the timeline, "Filter to this view" on the map) becomes a new URL
// (pushState) and reloads the three views from the API; the back button walks the filters back.

import { aggregates, eventsUpTo, total } from "./api.js";
import { initFilters } from "./filters.js";
import { escapeHTML, sortTypes, typeColour } from "./format.js";
import { initMap } from "./map.js";
import { FILTERS, patched, readURL, toParams, writeURL } from "./state.js";
import { autoBy, initTimeline } from "./timeline.js";
import { initTable } from "./table.js";

// At most this many events are put on the map (five API pages); the summary says when more match.
const MAP_CAP = 5000;
const $ = (id) => document.getElementById(id);
const number = new Intl.NumberFormat("en");

let state = readURL();
let facets = { types: [], countries: [], actorNames: [], by: "week" };
let controller = null;
let loads = 0;
let matching = 0;

const filters = initFilters($("filters"), { onChange: (patch) => update(patch), onReset: () => update(null) });
const map = initMap($("map"), {
  onFilterToView: (bbox) => update({ bbox }),
  onClearBBox: () => update({ bbox: "" }),
});
const timeline = initTimeline($("timeline"), { onBrush: (since, until) => update({ since, until }) });
const table = initTable($("events-table"), $("more"), {
  onHover: map.highlightEvent,
  onRows: (shown) => showCount(shown),
  onError: showError,
});

function showCount(shown) {
  $("table-count").textContent = `${number.format(shown)} of ${number.format(matching)} shown, newest first`;
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
}

/** Apply ``patch`` to the state (null: clear every filter), record it in the URL and reload the views. */
function update(patch) {
  state = patch === null ? patched({}, { by: state.by }) : patched(state, patch);
  writeURL(state);
  refresh();
}

$("f-by").addEventListener("change", (e) => update({ by: e.target.value }));
window.addEventListener("popstate", () => {
  state = readURL();
  refresh();
});

/** The choices of the filter bar and the legend: what the whole store holds. */
async function loadFacets() {
  const none = new URLSearchParams();
  const [types, countries, actorAgg] = await Promise.all(
    ["event_type", "country", "actor"].map((g) => aggregates(none, "month", g)));
  const groups = (agg) => [...new Set(agg.buckets.map((b) => b.group).filter(Boolean))];
  const periods = types.buckets.map((b) => b.period);
  facets = {
    types: sortTypes(groups(types)), countries: groups(countries),
    actorNames: groups(actorAgg).sort((a, b) => a.localeCompare(b)),
    by: autoBy(periods[0], periods.at(-1)),
  };
  filters.setOptions(facets);
  $("f-by").options[0].textContent = `auto (${facets.by})`;
}

/** Add to the choices what loaded events show that the store's dated aggregates did not (e.g. undated types). */
function learnFacets(items) {
  const add = (list, values) => {
    const fresh = [...new Set(values)].filter((v) => v && !list.includes(v));
    list.push(...fresh);
    return fresh.length;
  };
  const grew = add(facets.types, items.map((ev) => ev.event_type))
    + add(facets.countries, items.map((ev) => ev.location && ev.location.country))
    + add(facets.actorNames, items.flatMap((ev) => [ev.actor1, ev.actor2]));
  if (grew) {
    facets.types = sortTypes(facets.types);
    facets.actorNames.sort((a, b) => a.localeCompare(b));
    filters.setOptions(facets);
    filters.set(state);
    renderLegend();
  }
}

function renderLegend() {
  const items = facets.types.map((t) => {
    const li = document.createElement("li");
    const pressed = (state.type || "").toLowerCase() === t.toLowerCase();
    li.innerHTML = `<button type="button" aria-pressed="${pressed}" title="${pressed ? "Show all types" : `Only ${escapeHTML(t)}`}">`
      + `<span class="swatch" style="background:${typeColour(t)}"></span>${escapeHTML(t)}</button>`;
    li.firstChild.addEventListener("click", () => update({ type: pressed ? "" : t, sub_type: "" }));
    return li;
  });
  $("legend").replaceChildren(...items);
}

/** Filters the form does not show as they are (sub-type, map area, a year or month as a date), each removable. */
function renderChips() {
  const chips = [];
  const full = /^\d{4}-\d{2}-\d{2}$/;
  if (state.since && !full.test(state.since)) chips.push(["since", `From ${state.since}`]);
  if (state.until && !full.test(state.until)) chips.push(["until", `To ${state.until}`]);
  if (state.sub_type) chips.push(["sub_type", `Sub-type: ${state.sub_type}`]);
  if (state.bbox) chips.push(["bbox", `Map area ${state.bbox.split(",").join(", ")}`]);
  $("chips").replaceChildren(...chips.map(([key, text]) => {
    const li = document.createElement("li");
    li.innerHTML = `${escapeHTML(text)} <button type="button" aria-label="Remove filter: ${escapeHTML(text)}">×</button>`;
    li.querySelector("button").addEventListener("click", () => update({ [key]: "" }));
    return li;
  }));
}

function describe(mapped, count, agg) {
  const located = mapped.items.filter((ev) => ev.location).length;
  const parts = [`<strong>${number.format(count)}</strong> event${count === 1 ? "" : "s"} match`];
  if (state.since || state.until) parts.push(`dated ${escapeHTML(state.since || "…")} to ${escapeHTML(state.until || "…")}`);
  if (mapped.capped) {
    parts.push(`the map is showing ${number.format(mapped.items.length)} of ${number.format(count)} (the newest)`);
  }
  else if (located < count) parts.push(`${number.format(count - located)} without a place are not on the map`);
  if (agg.undated) parts.push(`${number.format(agg.undated)} with no ${agg.by} in their date are not on the timeline`);
  return parts.join(" · ");
}

async function refresh() {
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  const mine = controller;
  document.body.dataset.busy = "1";
  filters.set(state);
  $("f-by").value = state.by || "";
  map.setBBox(state.bbox);
  renderLegend();
  renderChips();
  const all = toParams(state);
  // The timeline spans every date matching the other filters; its brush shows since..until.
  const undatedParams = toParams(state, FILTERS.filter((k) => k !== "since" && k !== "until"));
  try {
    const [agg, mapped] = await Promise.all([
      aggregates(undatedParams, state.by || facets.by, "event_type", signal),
      eventsUpTo(all, MAP_CAP, signal),
      table.load(all, signal),
    ]);
    learnFacets(mapped.items);
    matching = mapped.capped ? total(await aggregates(all, "month", "event_type", signal)) : mapped.items.length;
    showCount(table.shown());
    timeline.draw(agg, state.since, state.until);
    map.setEvents(mapped.items, state.bbox);
    $("summary").innerHTML = describe(mapped, matching, agg);
    $("error").hidden = true;
  } catch (e) {
    if (e.name === "AbortError") return;
    showError(e.message);
    $("summary").textContent = "No events shown: the filters could not be applied.";
  } finally {
    if (mine === controller) {
      loads += 1;
      document.body.dataset.loads = String(loads);
      document.body.dataset.busy = "0";
      document.body.dataset.ready = "1";
    }
  }
}

try {
  await Promise.all([loadFacets(), map.ready]);
} catch (e) {
  showError(`Could not load the store's overview: ${e.message}`);
}
refresh();
