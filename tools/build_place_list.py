#!/usr/bin/env python3
"""Writes rules/dict/places.txt: the one-word names of countries and of
their first-level subdivisions (states, provinces, regions, departments),
lower-cased, from Debian's iso-codes package (ISO 3166-1 and 3166-2); and
rules/dict/places_multi.txt: those of two to four words ("sierra leone",
"rhode island", "santa catarina"), which are looked up whole, as the
cities' names are.

    apt-get install iso-codes   # tested with 4.15.0
    python3 tools/build_place_list.py

In a generic `name` column, a value that is one of these words alone names
a place, not a person ("Alabama", "Bavaria", "Kenya"). Multi-word names are
left out: their words are judged one by one, and "New", "United", "County"
already argue against a person.
"""
import json
import re
from pathlib import Path

SRC = Path("/usr/share/iso-codes/json")
OUT = Path(__file__).resolve().parent.parent / "rules" / "dict" / "places.txt"
OUT_MULTI = OUT.with_name("places_multi.txt")
MULTI = re.compile(r"^[^\W\d_]+(?:[ '-][^\W\d_]+)+$")
WORD = re.compile(r"^[^\W\d_]+(?:['-][^\W\d_]+)*$")

names = set()
for e in json.load(open(SRC / "iso_3166-1.json"))["3166-1"]:
    for k in ("name", "common_name"):
        if k in e:
            names.add(e[k])
for e in json.load(open(SRC / "iso_3166-2.json"))["3166-2"]:
    names.add(e["name"])
words = sorted({n.lower() for n in names if WORD.match(n)})
OUT.write_text(
    "# One-word country and subdivision names (ISO 3166-1, 3166-2) from Debian's\n"
    "# iso-codes; written by tools/build_place_list.py.\n" + "\n".join(words) + "\n"
)
multi = sorted(
    {n.lower() for n in names if not WORD.match(n) and MULTI.match(n) and len(n.split()) <= 4}
)
OUT_MULTI.write_text(
    "# Country and subdivision names of two to four words (ISO 3166-1, 3166-2)\n"
    "# from Debian's iso-codes; written by tools/build_place_list.py.\n" + "\n".join(multi) + "\n"
)
print(f"{len(words)} words, {len(multi)} names of several words")
