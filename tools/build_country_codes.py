#!/usr/bin/env python3
"""Writes rules/dict/country_codes.txt: three-letter country codes, lower-cased:
ISO 3166-1 alpha-3 and ISO 3166-3 (former countries) from Debian's iso-codes
package, and the IOC codes of national Olympic committees, current and
historical, that differ from them (hand list below, CC0).

    apt-get install iso-codes   # tested with 4.15.0
    python3 tools/build_country_codes.py

After one capitalised word, a code in parentheses ("Behmer (GDR)",
"Fleming (AUS)") is the nationality of a person in results tables.
"""
import json
from pathlib import Path

SRC = Path("/usr/share/iso-codes/json")
OUT = Path(__file__).resolve().parent.parent / "rules" / "dict" / "country_codes.txt"
IOC = """
ALG ANG ANT ARU ASA BAH BAN BAR BER BHU BIZ BOT BRU BUL BUR CAM CAY CGO CHA
CHI CRC CRO DEN ESA FIJ GAM GBS GEQ GER GRE GRN GUA GUI HAI HON INA IRI ISV
IVB KOS KSA KUW LAT LBA LES LIB MAD MAS MAW MGL MRI MTN MYA NCA NED NEP NGR
NIG OMA PAR PHI PLE POR PUR RSA SAM SEY SKN SLO SOL SRI SUD SUI TAN TGA TOG
TPE UAE URU VAN VIE VIN ZAM ZIM
URS GDR FRG TCH YUG EUN SCG ANZ BOH EUA IOP HOL SWI TAI ENG SCO WAL NIR
"""
codes = {c.lower() for c in IOC.split()}
for e in json.load(open(SRC / "iso_3166-1.json"))["3166-1"]:
    codes.add(e["alpha_3"].lower())
for e in json.load(open(SRC / "iso_3166-3.json"))["3166-3"]:
    codes.add(e["alpha_3"].lower())
OUT.write_text(
    "# Three-letter country codes (ISO 3166-1 alpha-3 and 3166-3 from Debian's\n"
    "# iso-codes, and IOC codes); written by tools/build_country_codes.py.\n"
    + "\n".join(sorted(codes))
    + "\n"
)
print(f"{len(codes)} codes")
