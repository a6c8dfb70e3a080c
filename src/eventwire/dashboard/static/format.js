// Shared presentation: event-type colours, country names, HTML escaping.

// One fixed colour per ACLED event type, so a type keeps its colour whatever the filters show
// (colour-blind-safe hues after Okabe & Ito; grey for any other type).
const TYPE_COLOURS = {
  "Battles": "#d55e00",
  "Explosions/Remote violence": "#e69f00",
  "Violence against civilians": "#cc79a7",
  "Protests": "#0072b2",
  "Riots": "#56b4e9",
  "Strategic developments": "#009e73",
};
export const TYPE_ORDER = Object.keys(TYPE_COLOURS);
const OTHER = "#7a7a7a";

export function typeColour(type) {
  return TYPE_COLOURS[type] || OTHER;
}

/** Types in the fixed ACLED order, any others after them alphabetically. */
export function sortTypes(types) {
  const rank = (t) => (TYPE_ORDER.includes(t) ? TYPE_ORDER.indexOf(t) : TYPE_ORDER.length);
  return [...types].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const regionNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

/** "SY" -> "Syria" (the code itself when the browser has no name for it). */
export function countryName(code) {
  if (!code) return "";
  try {
    return (regionNames && regionNames.of(code)) || code;
  } catch {
    return code;
  }
}

export function escapeHTML(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** "Actor one vs Actor two", or the one actor, or "". */
export function actors(ev) {
  return [ev.actor1, ev.actor2].filter(Boolean).join(" vs ");
}

export function fatalities(ev) {
  if (ev.fatalities === null || ev.fatalities === undefined) return "";
  const range = ev.fatalities_range;
  return range && range[0] !== range[1] ? `${ev.fatalities} (${range[0]}–${range[1]})` : String(ev.fatalities);
}
