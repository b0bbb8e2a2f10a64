#[path = "../tests/common/gen.rs"]
#[allow(dead_code)]
mod gen;
use std::sync::Arc;
use std::time::Instant;
fn main() {
    let mut g = gen::Gen::new(3);
    let vals: Vec<String> = (0..100_000).map(|_| g.email()).collect();
    let rules = Arc::new(piigate::RuleSet::builtin().unwrap());
    let det = piigate::detect::Detector::new(rules.clone());
    let hints = piigate::detect::ColumnHints::none(&rules);
    let mut s = piigate::detect::Scratch::default();
    let t = Instant::now();
    let mut n = 0;
    for v in &vals {
        det.detect(v, &hints, &mut s);
        n += s.hits.len();
    }
    println!(
        "detect: {:.0} ns/value ({n})",
        t.elapsed().as_nanos() as f64 / vals.len() as f64
    );
    let r = rules.get("email").unwrap();
    let re = &r.regexes[0];
    let mut cache = re.create_cache();
    let t = Instant::now();
    let mut n = 0;
    for v in &vals {
        if re
            .search_with(&mut cache, &regex_automata::Input::new(v.as_str()))
            .is_some()
        {
            n += 1;
        }
    }
    println!(
        "email regex: {:.0} ns/value ({n})",
        t.elapsed().as_nanos() as f64 / vals.len() as f64
    );
    let re2 = regex::Regex::new(&r.patterns[0]).unwrap();
    let t = Instant::now();
    let mut n = 0;
    for v in &vals {
        if re2.find(v).is_some() {
            n += 1;
        }
    }
    println!(
        "email regex crate: {:.0} ns/value ({n})",
        t.elapsed().as_nanos() as f64 / vals.len() as f64
    );
    let t = Instant::now();
    let mut n = 0;
    for v in &vals {
        if piigate::detect::validators::email(v) {
            n += 1;
        }
    }
    println!(
        "email validator: {:.0} ns/value ({n})",
        t.elapsed().as_nanos() as f64 / vals.len() as f64
    );
}
