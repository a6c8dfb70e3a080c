// The filter bar: real form controls named after the API's filters. Selects and dates apply on change, text
// fields on Enter or when they lose focus; the options come from the store (types, countries, actors present).

import { countryName, sortTypes } from "./format.js";

// eventwire's modalities (options.modalities(): "asserted" and the lexicon's cues); the API checks the value.
const MODALITIES = ["asserted", "reported", "claimed", "denied", "threatened", "planned", "hypothetical"];
const FIELDS = ["since", "until", "type", "actor", "country", "modality", "text"];

function fill(select, values, label = (v) => v) {
  const first = select.options[0];
  select.replaceChildren(first);
  for (const v of values) select.add(new Option(label(v), v));
}

/** Make sure a select can show ``value`` (e.g. a type spelt differently in a shared URL). */
function ensureOption(select, value) {
  if (value && ![...select.options].some((o) => o.value === value)) select.add(new Option(value, value));
}

export function initFilters(form, { onChange, onReset }) {
  const el = (name) => form.elements.namedItem(name);
  fill(el("modality"), MODALITIES);
  let pending = null; // a date being typed: {name, timer}

  /** Fill the choices from aggregates of the whole store (by event_type, country and actor). */
  function setOptions({ types, countries, actorNames }) {
    fill(el("type"), sortTypes(types));
    const named = countries.map((c) => [c, countryName(c)]).sort((a, b) => a[1].localeCompare(b[1]));
    fill(el("country"), named.map((c) => c[0]), (c) => `${countryName(c)} (${c})`);
    const list = document.getElementById(el("actor").getAttribute("list"));
    list.replaceChildren(...actorNames.map((a) => new Option(a)));
  }

  /** Show ``state`` in the controls. */
  function set(state) {
    if (pending) clearTimeout(pending.timer);
    pending = null;
    for (const name of FIELDS) {
      const input = el(name);
      let value = state[name] || "";
      if (input.type === "date" && value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) value = "";
      if (input.tagName === "SELECT") ensureOption(input, value);
      input.value = value;
    }
  }


  // Typing a date changes the value at every digit of the year (0002, 0020, 0202, 2022): a date applies once
  // it has paused for a moment, or at once when its field loses focus, so one typed date is one history entry.
  const applyDate = () => {
    if (!pending) return;
    clearTimeout(pending.timer);
    const { name } = pending;
    pending = null;
    onChange({ [name]: el(name).value });
  };
  form.addEventListener("change", (e) => {
    const { name, type, value } = e.target;
    if (!FIELDS.includes(name)) return;
    if (type !== "date") {
      onChange({ [name]: value.trim() });
      return;
    }
    if (pending && pending.name !== name) applyDate();
    if (pending) clearTimeout(pending.timer);
    if (value && Number(value.slice(0, 4)) < 1000) {
      pending = null; // a year still being typed
      return;
    }
    pending = { name, timer: setTimeout(applyDate, 800) };
  });
  form.addEventListener("focusout", (e) => {
    if (pending && e.target.name === pending.name) applyDate();
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    applyDate();
    // Selects and dates have applied already; Enter or "Apply" commits the text fields.
    onChange({ actor: el("actor").value.trim(), text: el("text").value.trim() });
  });
  form.addEventListener("reset", (e) => {
    e.preventDefault();
    onReset();
  });

  return { set, setOptions };
}
