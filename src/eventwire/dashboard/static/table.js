// The table of matching events, newest first, a page at a time ("Load more" follows next_cursor).

import { eventsPage } from "./api.js";
import { actors, countryName, escapeHTML, fatalities, typeColour } from "./format.js";

const PAGE = 50;

function row(ev) {
  const loc = ev.location || {};
  const tr = document.createElement("tr");
  tr.dataset.id = ev.id;
  tr.dataset.date = ev.date || "";
  const sources = ev.articles ?? "";
  const indep = ev.sources_independent;
  // No whitespace between cells: on a phone they flow inline as a card.
  tr.innerHTML = [
    `<td class="date"><a href="/events/${encodeURIComponent(ev.id)}">${escapeHTML(ev.date || "undated")}</a></td>`,
    `<td class="type"><span class="swatch" style="background:${typeColour(ev.event_type)}"></span>${escapeHTML(ev.event_type)}</td>`,
    `<td>${escapeHTML(ev.sub_event_type || "")}</td>`,
    `<td>${escapeHTML(actors(ev))}</td>`,
    `<td>${escapeHTML(loc.name || "")}</td>`,
    `<td title="${escapeHTML(loc.country || "")}">${escapeHTML(countryName(loc.country))}</td>`,
    `<td class="num" data-label="Fatalities">${escapeHTML(fatalities(ev))}</td>`,
    `<td class="num" data-label="Sources" title="${sources} articles, ${indep ?? "?"} independent sources">${escapeHTML(sources)}</td>`,
  ].join("");
  return tr;
}

export function initTable(table, moreButton, { onHover, onRows, onError }) {
  const tbody = table.tBodies[0];
  let params = null;
  let cursor = null;
  let shown = 0;

  function append(items) {
    const frag = document.createDocumentFragment();
    for (const ev of items) frag.append(row(ev));
    tbody.append(frag);
    shown += items.length;
    table.dataset.rows = String(shown);
  }

  function finish(page) {
    cursor = page.next_cursor;
    moreButton.hidden = !cursor;
    onRows(shown);
    if (!shown) {
      const tr = tbody.insertRow();
      tr.className = "none";
      const td = tr.insertCell();
      td.colSpan = 8;
      td.textContent = "No events match these filters.";
    }
  }

  /** Replace the rows with the first page of events matching ``p``. */
  async function load(p, signal) {
    const page = await eventsPage(p, PAGE, null, signal);
    params = p;
    tbody.replaceChildren();
    shown = 0;
    append(page.items);
    finish(page);
    return shown;
  }

  async function more() {
    if (!cursor) return;
    moreButton.disabled = true;
    try {
      const page = await eventsPage(params, PAGE, cursor);
      append(page.items);
      finish(page);
    } catch (e) {
      onError(e.message);
    } finally {
      moreButton.disabled = false;
    }
  }

  moreButton.addEventListener("click", more);
  const hover = (e) => {
    const tr = e.target.closest("tr[data-id]");
    onHover(tr ? tr.dataset.id : null);
  };
  tbody.addEventListener("mouseover", hover);
  tbody.addEventListener("focusin", hover);
  tbody.addEventListener("mouseleave", () => onHover(null));
  tbody.addEventListener("focusout", () => onHover(null));

  return { load, shown: () => shown };
}
