// Tables drawn from chance.js, an identity generator that is neither Faker
// nor Mimesis. Usage: node chance_tables.js CHANCE_DIR OUT_DIR
// (CHANCE_DIR: the unpacked npm package). Deterministic for its seed.
const path = require("path");
const fs = require("fs");
const Chance = require(path.resolve(process.argv[2], "chance.js"));
const out = process.argv[3];
const c = new Chance(20261205);
const ROWS = 1000;

function csv(name, columns) {
  const names = Object.keys(columns);
  const q = (v) => {
    const s = v === null || v === undefined ? "" : String(v);
    return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const lines = [names.join(",")];
  for (let i = 0; i < ROWS; i++) {
    lines.push(names.map((n) => q(columns[n](i))).join(","));
  }
  fs.writeFileSync(path.join(out, name + ".csv"), lines.join("\n") + "\n");
}

csv("chance_people", {
  id: (i) => i + 1,
  full_name: () => c.name({ middle: c.bool({ likelihood: 20 }) }),
  given_name: () => c.first(),
  family_name: () => c.last(),
  email: () => c.email(),
  phone: () => c.phone({ formatted: c.bool() }),
  ssn: () => c.ssn(),
  street: () => c.address({ short_suffix: c.bool() }),
  birthday: () => c.birthday({ string: true }),
  ip: () => c.ip(),
  ipv6: () => c.ipv6(),
  card: () => c.cc(),
  mac: () => c.mac_address(),
  lat: () => c.latitude(),
  lng: () => c.longitude(),
  website: () => c.url(),
  cpf: () => c.cpf(),
  gender: () => c.gender(),
  age: () => c.age(),
});

csv("chance_notes", {
  id: (i) => i + 1,
  // Ticket notes: gibberish sentences, an e-mail in about one in ten, a
  // US phone number in about one in twenty.
  note: () => {
    let s = c.sentence({ words: c.integer({ min: 6, max: 18 }) });
    if (c.bool({ likelihood: 10 })) s += " Reply to " + c.email() + ".";
    if (c.bool({ likelihood: 5 })) s += " Call back on " + c.phone() + ".";
    return s;
  },
  // Payment memos naming the payer.
  memo: () => "Payment from " + c.name() + " ref " + c.integer({ min: 1000, max: 99999 }),
});

csv("chance_negatives", {
  guid: () => c.guid(),
  sha1: () => c.hash(),
  md5: () => c.hash({ length: 32 }),
  color: () => c.color(),
  word: () => c.word(),
  sentence: () => c.sentence(),
  zip: () => c.zip(),
  profession: () => c.profession(),
  company: () => c.company(),
  handle: () => c.twitter(),
  amount: () => c.euro(),
  // chance.timestamp() draws up to the present second: not reproducible.
  unix_time: () => c.integer({ min: 0, max: 1767225600 }),
  city: () => c.city(),
  country: () => c.country({ full: true }),
  animal: () => c.animal(),
  domain: () => c.domain(),
  hex_color: () => c.color({ format: "hex" }),
  version: () => [c.integer({ min: 0, max: 20 }), c.integer({ min: 0, max: 99 }), c.integer({ min: 0, max: 999 })].join("."),
});
