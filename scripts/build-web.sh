#!/usr/bin/env bash
# Install the dashboard's pinned front-end libraries from the npm registry (web/package-lock.json) and copy
# the files the dashboard serves into src/eventwire/dashboard/static/vendor/, so pages load with no request
# leaving the machine. Run by scripts/setup.sh; needs Node.js and npm only at set-up.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
    echo "build-web.sh: npm not found; install Node.js (Debian: apt-get install nodejs npm) for the dashboard" >&2
    exit 1
fi
npm ci --prefix web --no-audit --no-fund --silent
out=src/eventwire/dashboard/static/vendor
rm -rf "$out"
mkdir -p "$out/images"
nm=web/node_modules
cp "$nm/leaflet/dist/leaflet.js" "$nm/leaflet/dist/leaflet.css" "$out/"
cp "$nm/leaflet/dist/images/"*.png "$out/images/"
cp "$nm/leaflet.markercluster/dist/leaflet.markercluster.js" "$nm/leaflet.markercluster/dist/MarkerCluster.css" \
   "$nm/leaflet.markercluster/dist/MarkerCluster.Default.css" "$out/"
cp "$nm/topojson-client/dist/topojson-client.min.js" "$out/"
cp "$nm/d3/dist/d3.min.js" "$out/"
# Natural Earth country outlines at 1:50m (world-atlas), the map's only base layer offline.
cp "$nm/world-atlas/countries-50m.json" "$out/"
for p in leaflet leaflet.markercluster topojson-client d3 world-atlas; do
    printf '%s %s\n' "$p" "$(node -p "require('./$nm/$p/package.json').version")"
done > "$out/VERSIONS"
