#!/usr/bin/env python3
"""Writes rules/dict/bic_words.txt: the English words that have the shape
of a SWIFT/BIC code when written in capitals (8 or 11 letters, letters 5-6
an ISO country code, no 'O' in the 8th place: MINISTER, OPERATOR),
lower-cased, from SCOWL's American English list as Debian's `wamerican`
package ships it.

    apt-get install wamerican   # tested with 2020.12.07-2
    python3 tools/build_bic_words.py

A capitalised word is not a bank code ("Sent to MINISTER today").
"""
import json
import re
from pathlib import Path

WORDS = Path("/usr/share/dict/american-english")
CODES = {c["alpha_2"] for c in json.load(open("/usr/share/iso-codes/json/iso_3166-1.json"))["3166-1"]} | {"XK"}
OUT = Path(__file__).resolve().parent.parent / "rules" / "dict" / "bic_words.txt"

out = set()
for w in WORDS.read_text(encoding="utf-8").split():
    if not re.fullmatch(r"[a-zA-Z]+", w) or len(w) not in (8, 11):
        continue
    u = w.upper()
    if u[4:6] in CODES and u[7] != "O":
        out.add(w.lower())
OUT.write_text(
    "# English words shaped like SWIFT/BIC codes in capitals, from SCOWL\n"
    "# (Debian wamerican); written by tools/build_bic_words.py.\n"
    + "\n".join(sorted(out)) + "\n"
)
print(len(out), "words")
