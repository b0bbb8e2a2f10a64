#!/usr/bin/env python3
"""A second accuracy probe on data neither piigate's generator nor Faker wrote.

Mimesis is a fake-data library with its own per-locale datasets (names,
streets, phone masks) unrelated to Faker's and to the US Census lists, so
its names test the dictionaries on words they were not built from. The
probe writes CSV tables with a ground truth per column, runs
`piigate scan --full`, and prints column-level precision and recall per
entity, as tools/faker_probe.py does.

    pip install mimesis
    python3 tools/mimesis_probe.py [--bin target/release/piigate] [--seed 1] [--rows 600] [-v]

Mimesis draws phone numbers from digit masks ("+49-##-###-#####"), so many
are not numbers any numbering plan allocates; a phone column is still a
phone column to a data engineer, and the probe counts it as PHONE.
"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import probe_score  # noqa: E402

from mimesis import (Address, Code, Cryptographic, Datetime, Finance, Internet,
                     Locale, Payment, Person, Text)

LOCALES = [Locale.EN, Locale.DE, Locale.FR, Locale.ES, Locale.IT, Locale.PT_BR,
           Locale.PL, Locale.NL, Locale.SV, Locale.DA, Locale.FI, Locale.CS,
           Locale.TR, Locale.EN_GB, Locale.EN_AU, Locale.EN_CA, Locale.PT,
           Locale.NO, Locale.HU, Locale.SK]


def maybe_null(rng, v, p=0.08):
    r = rng.random()
    if r < p:
        return ""
    if r < p * 1.3:
        return rng.choice(["N/A", "null", "-", "none", "?"])
    return v


def tables(seed, rows):
    rng = random.Random(seed)
    people = {l: Person(l, seed=seed + i) for i, l in enumerate(LOCALES)}
    addrs = {l: Address(l, seed=seed + 100 + i) for i, l in enumerate(LOCALES)}
    texts = {l: Text(l, seed=seed + 200 + i) for i, l in enumerate(LOCALES)}
    net = Internet(seed=seed)
    pay = Payment(seed=seed)
    crypto = Cryptographic(seed=seed)
    code = Code(seed=seed)
    dt = Datetime(seed=seed)
    fin = {l: Finance(l, seed=seed + 300 + i) for i, l in enumerate(LOCALES)}
    en = Locale.EN
    out = {}

    def pick():
        return rng.choice(LOCALES)

    def prose(l, pii, share):
        s = texts[l].sentence()
        if rng.random() < share:
            v = pii()
            s = rng.choice([f"{s} Contact: {v}", f"{v} -- {s}", f"{s} ({v}) {texts[l].sentence()}"])
        return s

    # 1. One table per locale family, honest column names.
    cols = {
        "full_name": ([], ["PERSON_NAME"]),
        "e_mail": ([], ["EMAIL"]),
        "telephone": ([], ["PHONE"]),
        "address": ([], ["STREET_ADDRESS"]),
        "city": ([], []),
        "postal_code": ([], []),
        "country": ([], []),
        "birthdate": ([], ["DATE_OF_BIRTH"]),
        "occupation": ([], []),
        "company": ([], []),
        "username": ([], []),
        "nationality": ([], []),
        "university": ([], []),
        "title": ([], []),
        "height": ([], []),
        "blood_type": ([], []),
    }
    for _ in range(rows):
        l = pick()
        p, a = people[l], addrs[l]
        c = cols
        c["full_name"][0].append(maybe_null(rng, p.full_name()))
        c["e_mail"][0].append(maybe_null(rng, p.email()))
        c["telephone"][0].append(maybe_null(rng, p.telephone()))
        c["address"][0].append(maybe_null(rng, a.address()))
        c["city"][0].append(a.city())
        c["postal_code"][0].append(a.postal_code())
        c["country"][0].append(a.country())
        c["birthdate"][0].append(maybe_null(rng, p.birthdate(min_year=1935, max_year=2006).isoformat()))
        c["occupation"][0].append(p.occupation())
        c["company"][0].append(fin[l].company())
        c["username"][0].append(p.username())
        c["nationality"][0].append(p.nationality())
        c["university"][0].append(p.university())
        c["title"][0].append(p.title())
        c["height"][0].append(p.height())
        c["blood_type"][0].append(p.blood_type())
    out["people"] = cols

    # 2. Machine data and payment fields with misleading or opaque names.
    cols = {
        "f1": ([], ["IP_ADDRESS"]),          # IPv4
        "f2": ([], ["IP_ADDRESS"]),          # IPv6
        "f3": ([], ["MAC_ADDRESS"]),
        "f4": ([], ["CREDIT_CARD"]),
        "f5": ([], ["CRYPTO_WALLET"]),       # Ethereum
        "f6": ([], ["PERSON_NAME"]),         # full names, 20 locales
        "f7": ([], ["EMAIL"]),
        "f8": ([], ["STREET_ADDRESS"]),      # addresses, 20 locales
        "link": ([], ["URL"]),
        "agent": ([], []),
        "host": ([], []),
        "card_cvv": ([], []),
        "card_expiry": ([], []),
        "uuid": ([], []),
        "checksum": ([], []),
        "isbn": ([], []),
        "ean": ([], []),
        "imei": ([], []),
        "pin": ([], []),
        "issn": ([], []),
        "created": ([], []),
        "http_status": ([], []),
        "port": ([], []),
        "price": ([], []),
        "phone_model": ([], []),
        "ip_hits": ([], []),                 # integers under a hinted name
    }
    for _ in range(rows):
        c = cols
        c["f1"][0].append(maybe_null(rng, net.ip_v4()))
        c["f2"][0].append(maybe_null(rng, net.ip_v6()))
        c["f3"][0].append(maybe_null(rng, net.mac_address()))
        c["f4"][0].append(maybe_null(rng, pay.credit_card_number()))
        c["f5"][0].append(maybe_null(rng, pay.ethereum_address()))
        l = pick()
        c["f6"][0].append(maybe_null(rng, people[l].full_name()))
        c["f7"][0].append(maybe_null(rng, people[l].email()))
        c["f8"][0].append(maybe_null(rng, addrs[l].address()))
        c["link"][0].append(maybe_null(rng, net.url()))
        c["agent"][0].append(net.user_agent())
        c["host"][0].append(net.hostname())
        c["card_cvv"][0].append(str(pay.cvv()))
        c["card_expiry"][0].append(pay.credit_card_expiration_date())
        c["uuid"][0].append(crypto.uuid())
        c["checksum"][0].append(crypto.hash())
        c["isbn"][0].append(code.isbn())
        c["ean"][0].append(code.ean())
        c["imei"][0].append(code.imei())
        c["pin"][0].append(code.pin())
        c["issn"][0].append(code.issn())
        c["created"][0].append(dt.datetime().isoformat())
        c["http_status"][0].append(str(net.http_status_code()))
        c["port"][0].append(str(net.port()))
        c["price"][0].append(f"{rng.uniform(1, 9999):.2f}")
        c["phone_model"][0].append(rng.choice(["iPhone 15 Pro", "Galaxy S24", "Pixel 8a", "Xperia 10 V", "Moto G84"]))
        c["ip_hits"][0].append(str(rng.randint(0, 100000)))
    out["machine"] = cols

    # 3. Free text in many languages, a minority of rows carrying PII.
    # Mimesis's sentences are about programming languages and science and
    # name real people ("Guido van Rossum", "John McCarthy", "Max Planck"):
    # PERSON_NAME in these columns is right either way and is not scored.
    cols = {
        "comments": ([], ["EMAIL"]),
        "support_log": ([], ["PHONE"]),
        "remarks": ([], []),
        "description": ([], []),
        "delivery_note": ([], ["STREET_ADDRESS"]),
    }
    for _ in range(rows):
        l = pick()
        c = cols
        c["comments"][0].append(prose(l, people[l].email, 0.06))
        c["support_log"][0].append(prose(l, people[l].telephone, 0.06))
        c["remarks"][0].append(texts[l].text(quantity=2))
        c["description"][0].append(texts[l].sentence())
        c["delivery_note"][0].append(
            f"{texts[l].sentence()} Deliver to {addrs[en].address()}, {addrs[en].city()}."
            if rng.random() < 0.08 else texts[l].sentence())
    out["free_text"] = cols

    # 4. Single-locale tables (names and addresses of one country at a time).
    for l in [Locale.DE, Locale.PT_BR, Locale.PL, Locale.SV, Locale.TR]:
        p, a = people[l], addrs[l]
        cols = {
            "name": ([], ["PERSON_NAME"]),
            "surname": ([], ["PERSON_NAME"]),
            "street": ([], ["STREET_ADDRESS"]),
            "phone": ([], ["PHONE"]),
            "mail": ([], ["EMAIL"]),
            "region": ([], []),
            "street_name_only": ([], []),
        }
        for _ in range(rows):
            c = cols
            c["name"][0].append(maybe_null(rng, p.full_name()))
            c["surname"][0].append(maybe_null(rng, p.last_name()))
            c["street"][0].append(maybe_null(rng, a.address()))
            c["phone"][0].append(maybe_null(rng, p.telephone()))
            c["mail"][0].append(maybe_null(rng, p.email()))
            c["region"][0].append(a.region())
            c["street_name_only"][0].append(a.street_name())
        out["locale_" + l.value.replace("-", "_")] = cols
    return out


def main():
    a = probe_score.args("mimesis_probe.")
    probe_score.run(a, tables(a.seed, a.rows),
                    either=lambda t, c: {"PERSON_NAME"} if t == "free_text" else set())


if __name__ == "__main__":
    sys.exit(main())
