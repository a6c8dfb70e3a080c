// Placeholder map: country outlines only (the dashboard helper replaces this file).
const map = L.map("map", { worldCopyJump: true }).setView([20, 20], 2);
const topo = await (await fetch("/static/vendor/countries-50m.json")).json();
L.geoJSON(topojson.feature(topo, topo.objects.countries), { style: { weight: 0.5, color: "#888", fillOpacity: 0.1 } }).addTo(map);
document.body.dataset.ready = "1";
