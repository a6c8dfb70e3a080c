// The map: country outlines shipped with the app (world-atlas), the matching events as circles coloured by
// type and sized by fatalities, clustered at low zoom; "Filter to this view" turns the view into a bbox filter.
/* global L, d3, topojson */

import { actors, countryName, escapeHTML, fatalities, typeColour } from "./format.js";

const OUTLINES = "/static/vendor/countries-50m.json";
// Online tiles are an optional overlay, off by default: the page needs nothing from outside this machine.
const OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

function radius(ev) {
  // Area grows with fatalities (sqrt), so one large event does not hide its neighbours.
  return 5 + Math.min(14, 2 * Math.sqrt(ev.fatalities || 0));
}

function popupHTML(ev) {
  const loc = ev.location || {};
  const place = [loc.name, countryName(loc.country)].filter(Boolean).join(", ");
  const dead = fatalities(ev);
  return `<div class="popup">
    <strong style="color:${typeColour(ev.event_type)}">${escapeHTML(ev.event_type)}</strong>
    ${ev.sub_event_type ? `<div>${escapeHTML(ev.sub_event_type)}</div>` : ""}
    <div>${escapeHTML(ev.date || "date unknown")} · ${escapeHTML(place)}</div>
    ${actors(ev) ? `<div>${escapeHTML(actors(ev))}</div>` : ""}
    ${dead ? `<div>Fatalities: ${escapeHTML(dead)}</div>` : ""}
    <a href="/events/${encodeURIComponent(ev.id)}">Event details</a></div>`;
}

/** A cluster as a small pie of its event types, with its count in the middle. */
function clusterIcon(cluster) {
  const children = cluster.getAllChildMarkers();
  const counts = d3.rollups(children, (v) => v.length, (m) => m.options.eventType);
  const n = children.length;
  const size = Math.round(30 + 10 * Math.log10(n));
  const r = size / 2;
  const arc = d3.arc().innerRadius(r * 0.55).outerRadius(r - 1);
  const slices = d3.pie().sort(null).value((d) => d[1])(counts)
    .map((s) => `<path d="${arc(s)}" fill="${typeColour(s.data[0])}"/>`).join("");
  const html = `<svg width="${size}" height="${size}" viewBox="${-r} ${-r} ${size} ${size}" aria-hidden="true">`
    + `<circle r="${r - 1}" fill="#fff" stroke="#fff" stroke-width="2"/>${slices}`
    + `<text dy="0.35em" text-anchor="middle">${n}</text></svg>`;
  return L.divIcon({ html, className: "event-cluster", iconSize: [size, size] });
}

/** Bounds of the map's view as MIN_LON,MIN_LAT,MAX_LON,MAX_LAT within the globe (the API's bbox). */
function viewBBox(map) {
  const b = map.getBounds();
  const clamp = (v, lim) => Math.max(-lim, Math.min(lim, v));
  let west = b.getWest();
  let east = b.getEast();
  if (east - west >= 360) {
    west = -180;
    east = 180;
  } else {
    // A view panned across copies of the world: bring its centre back into [-180, 180].
    const shift = Math.round((west + east) / 2 / 360) * 360;
    west -= shift;
    east -= shift;
  }
  const parts = [clamp(west, 180), clamp(b.getSouth(), 90), clamp(east, 180), clamp(b.getNorth(), 90)];
  return parts.map((v) => v.toFixed(3).replace(/\.?0+$/, "")).join(",");
}

/**
 * A ring that crosses the antimeridian (Russia, Fiji, Antarctica) as one continuous ring: Leaflet draws
 * flat, so a jump from +180 to -180 would be a band across the world. A ring around a pole (Antarctica)
 * is closed along that pole.
 */
function unwrapRing(ring) {
  const out = [ring[0]];
  let shift = 0;
  for (let i = 1; i < ring.length; i++) {
    const step = ring[i][0] - ring[i - 1][0];
    if (step > 180) shift -= 360;
    else if (step < -180) shift += 360;
    out.push([ring[i][0] + shift, ring[i][1]]);
  }
  if (shift !== 0) {
    const pole = ring.reduce((s, c) => s + c[1], 0) < 0 ? -90 : 90;
    out.push([out.at(-1)[0], pole], [out[0][0], pole], out[0]);
  }
  return out;
}

function unwrap(geometry) {
  if (geometry.type === "Polygon") return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
  if (geometry.type === "MultiPolygon") {
    return { ...geometry, coordinates: geometry.coordinates.map((p) => p.map(unwrapRing)) };
  }
  return geometry;
}

export function initMap(el, { onFilterToView, onClearBBox }) {
  const map = L.map(el, { worldCopyJump: true, minZoom: 1, maxZoom: 18, zoomSnap: 0.5, keyboard: true })
    .setView([15, 20], 2);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Outlines: Natural Earth");
  L.control.scale({ imperial: false }).addTo(map);

  const outlines = L.featureGroup().addTo(map);
  const ready = fetch(OUTLINES).then((r) => r.json()).then((topo) => {
    const countries = topojson.feature(topo, topo.objects.countries);
    for (const f of countries.features) if (f.geometry) f.geometry = unwrap(f.geometry);
    L.geoJSON(countries, {
      interactive: false,
      style: { className: "country", weight: 0.6, color: "#9aa3ad", fillColor: "#fbfaf7", fillOpacity: 1 },
    }).addTo(outlines);
    outlines.bringToBack();
  });

  const tiles = L.tileLayer(OSM, { maxZoom: 18, attribution: "© OpenStreetMap contributors" });
  L.control.layers(null, { "OpenStreetMap tiles (online)": tiles }, { collapsed: true, position: "topright" })
    .addTo(map);

  const clusters = L.markerClusterGroup({
    iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 45, spiderfyOnMaxZoom: true,
    disableClusteringAtZoom: 9,
  }).addTo(map);

  let bboxRect = null;
  let highlight = null;
  const byId = new Map();
  let fitted = false;

  // The "Filter to this view" / "Clear map filter" button (a real button in Leaflet's control corner).
  const Control = L.Control.extend({
    onAdd() {
      const box = L.DomUtil.create("div", "leaflet-bar map-filter");
      const button = L.DomUtil.create("button", "", box);
      button.type = "button";
      button.id = "map-filter";
      L.DomEvent.disableClickPropagation(box);
      button.addEventListener("click", () => {
        if (bboxRect) onClearBBox();
        else onFilterToView(viewBBox(map));
      });
      this.button = button;
      return box;
    },
  });
  const control = new Control({ position: "topleft" }).addTo(map);

  function setBBox(bbox) {
    if (bboxRect) bboxRect.remove();
    bboxRect = null;
    if (bbox) {
      const [w, s, e, n] = bbox.split(",").map(Number);
      bboxRect = L.rectangle([[s, w], [n, e]], { interactive: false, className: "bbox", fill: false, weight: 2, dashArray: "6 4", color: "#1d2433" }).addTo(map);
    }
    control.button.textContent = bbox ? "Clear map-area filter" : "Filter to this view";
    control.button.setAttribute("aria-pressed", bbox ? "true" : "false");
    control.button.title = bbox ? "Show events everywhere again" : "Show only the events inside the map's current view";
  }

  /** Show ``items`` (events, those without a location are skipped); fit the view on the first call. */
  function setEvents(items, bbox) {
    clusters.clearLayers();
    byId.clear();
    const markers = [];
    for (const ev of items) {
      if (!ev.location) continue;
      const m = L.circleMarker([ev.location.lat, ev.location.lon], {
        radius: radius(ev), color: "#fff", weight: 1, fillColor: typeColour(ev.event_type), fillOpacity: 0.9,
        className: "event-marker", eventType: ev.event_type,
      }).bindPopup(popupHTML(ev));
      markers.push(m);
      byId.set(ev.id, m);
    }
    clusters.addLayers(markers);
    // Fit the view once, to the shared map area or to the first events there are; later loads keep the
    // reader's view.
    if (!fitted && bbox) {
      const [w, s, e, n] = bbox.split(",").map(Number);
      map.fitBounds([[s, w], [n, e]]);
      fitted = true;
    } else if (!fitted && markers.length) {
      map.fitBounds(L.featureGroup(markers).getBounds().pad(0.1), { maxZoom: 6 });
      fitted = true;
    }
    return markers.length;
  }

  /** Ring the event's marker (or the cluster holding it) while its table row is hovered or focused. */
  function highlightEvent(id) {
    if (highlight) highlight.remove();
    highlight = null;
    const m = id && byId.get(id);
    if (!m) return;
    const shown = clusters.getVisibleParent(m);
    if (!shown) return;
    highlight = L.circleMarker(shown.getLatLng(), { radius: 22, interactive: false, fill: false, color: "#1d2433", weight: 3, className: "highlight" }).addTo(map);
  }

  return { map, ready, setEvents, setBBox, highlightEvent, invalidate: () => map.invalidateSize() };
}
