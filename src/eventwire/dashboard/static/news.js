// Latest news: the ingested articles newest first, searchable (?q= in the page's URL), a page at a time.
import { api, el, fmtDate, outletOf, plural, ready } from "./common.js";

const PAGE = 20;
const list = document.getElementById("list");
const status = document.getElementById("status");
const more = document.getElementById("more");
const input = document.getElementById("q");
const query = (new URLSearchParams(location.search).get("q") || "").trim();
input.value = query;
let cursor = null;
let shown = 0;

function excerpt(text) {
  if (!text) return "";
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length < 220) return flat;
  const cut = flat.slice(0, 220);
  return cut.slice(0, cut.lastIndexOf(" ")) + " …";
}

function item(a) {
  const link = `/articles/${encodeURIComponent(a.id)}`;
  return el("li", { dataset: { id: a.id, published: a.published || "" } },
    el("div", { class: "meta" },
      el("span", { class: a.site || a.url ? "outlet" : "outlet unknown" }, outletOf(a)),
      el("span", { "aria-hidden": "true" }, "·"),
      el("time", a.published ? { datetime: a.published } : {}, fmtDate(a.published)),
      a.events ? el("span", { class: "badge badge-mod-reported" }, plural(a.events, "event")) : el("span", { class: "badge" }, "no events"),
      a.duplicate_of ? el("span", { class: "badge badge-copy", title: "a near-duplicate of an earlier article" }, "copy") : null),
    el("h2", {}, el("a", { href: link }, a.title || "Untitled article")),
    el("p", { class: "excerpt" }, excerpt(a.excerpt)));
}

async function loadPage() {
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (query) params.set("text", query);
  if (cursor) params.set("cursor", cursor);
  more.disabled = true;
  try {
    const body = await api(`/api/news?${params}`);
    list.append(...body.items.map(item));
    shown += body.items.length;
    cursor = body.next_cursor;
    more.hidden = !cursor;
    if (!shown) {
      status.textContent = query ? `No articles match “${query}”.` : "No articles yet: ingest some with eventwire ingest.";
    } else {
      status.replaceChildren((query ? `Articles matching “${query}”` : "Newest first") + ` · showing ${shown}`
        + (cursor ? "" : " (all)"), query ? el("a", { href: "/news", class: "clear" }, "Clear the search") : "");
    }
  } catch (e) {
    status.textContent = `The articles could not be loaded: ${e.message}`;
    status.classList.add("error");
  } finally {
    more.disabled = false;
  }
}

more.addEventListener("click", async () => {
  const before = shown;
  await loadPage();
  // Keyboard users go on from the first new article rather than back to the top.
  const first = list.children[before];
  if (first) first.querySelector("a").focus();
});

loadPage().finally(ready);
