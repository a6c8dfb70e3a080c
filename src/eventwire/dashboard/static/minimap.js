// A small offline map: the world-atlas country outlines (no tiles, nothing fetched off this machine)
// and a dot for each point. Leaflet and topojson are loaded by the page as classic scripts.

let outlines = null;

async function countries() {
  outlines = outlines || fetch("/static/vendor/countries-50m.json").then((r) => r.json())
    .then((topo) => topojson.feature(topo, topo.objects.countries));
  return outlines;
}

/** Draw ``points`` ([{lat, lon, label}]) in ``container``; the first one is the centre. */
export async function miniMap(container, points, zoom = 5) {
  const map = L.map(container, { scrollWheelZoom: false, attributionControl: false, worldCopyJump: true })
    .setView([points[0].lat, points[0].lon], zoom);
  L.geoJSON(await countries(), {
    interactive: false,
    style: { weight: 0.8, color: "#7a8699", fillColor: "#eef1f5", fillOpacity: 1 },
  }).addTo(map);
  for (const p of points) {
    L.circleMarker([p.lat, p.lon], { radius: 8, weight: 2, color: "#9f1d20", fillColor: "#e5484d", fillOpacity: 0.85 })
      .addTo(map).bindTooltip(p.label, { permanent: true, direction: "right", offset: [10, 0], className: "map-label" });
  }
  container.style.background = "#cfe0ef";  // the sea
  return map;
}
