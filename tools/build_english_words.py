#!/usr/bin/env python3
"""Writes rules/dict/english_words.txt: the lower-case English words of
SCOWL's American English list as Debian's `wamerican` package ships it
(no proper nouns, no possessives), three letters or more.

    apt-get install wamerican   # tested with 2020.12.07-2
    python3 tools/build_english_words.py

In a column named for people by their role (`contestant`, `player`), one
capitalised word that no name list holds is a name (a stage name, a
footballer's single name) unless it is an English word: "Goalkeeper" and
"Draw" in a `player_position` or `winner` column are categories.
"""
import re
from pathlib import Path

WORDS = Path("/usr/share/dict/american-english")
OUT = Path(__file__).resolve().parent.parent / "rules" / "dict" / "english_words.txt"

words = sorted({w for w in WORDS.read_text(encoding="utf-8").split()
                if re.fullmatch(r"[a-z]{3,}", w)})
OUT.write_text(
    "# Lower-case English words of three letters or more, from SCOWL\n"
    "# (Debian wamerican); written by tools/build_english_words.py.\n"
    + "\n".join(words) + "\n",
    encoding="utf-8",
)
print(f"{len(words)} words -> {OUT}")
