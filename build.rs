//! Determinises the built-in rules' whole-value DFAs at build time, so that
//! a scan does not spend its first ~0.1 s (one core) building them: the
//! English street-address pattern alone is a 1.9 MB DFA that took 54 ms.
//!
//! Writes `$OUT_DIR/whole_dfas.bin` (each DFA serialised little-endian, at an
//! 8-byte boundary) and `$OUT_DIR/whole_dfas.rs` (pattern -> offset, length;
//! length 0: the DFA exceeds the size limit). `detect::matching` looks a pattern up
//! by its exact text and falls back to building it when absent (user rules,
//! `--rules DIR` overrides) or when the bytes do not deserialise.

#[path = "src/detect/matching/dfa_build.rs"]
#[allow(dead_code)]
mod dfa_build;

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/detect/matching/dfa_build.rs");
    // The folder: Cargo looks at every file in it, new ones included.
    println!("cargo::rerun-if-changed=rules");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("rules"))
        .expect("rules/")
        .map(|e| e.expect("rules/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();

    let mut patterns: Vec<String> = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("rule file");
        // A rule file that does not parse is reported by the library's own
        // loader (and its tests) with the file and line; here it is skipped.
        let Ok(table) = text.parse::<toml::Table>() else {
            continue;
        };
        let Some(rules) = table.get("rule").and_then(|r| r.as_array()) else {
            continue;
        };
        for rule in rules {
            let Some(ps) = rule.get("patterns").and_then(|p| p.as_array()) else {
                continue;
            };
            for p in ps.iter().filter_map(|p| p.as_str()) {
                let p = dfa_build::fast_pattern(p);
                if !patterns.contains(&p) {
                    patterns.push(p);
                }
            }
        }
    }

    let mut blob: Vec<u8> = Vec::new();
    let mut index = String::from(
        "/// Built-in patterns' whole-value DFAs: (pattern, offset, length) into \
         `WHOLE_DFA_BYTES`; length 0 when the DFA exceeds the size limit.\n\
         pub(crate) static WHOLE_DFA_INDEX: &[(&str, usize, usize)] = &[\n",
    );
    for p in &patterns {
        let (off, len) = match dfa_build::build_whole_dense(p) {
            Some(dfa) => {
                while blob.len() % 8 != 0 {
                    blob.push(0);
                }
                let (bytes, pad) = dfa.to_bytes_little_endian();
                let off = blob.len();
                blob.extend_from_slice(&bytes[pad..]);
                (off, bytes.len() - pad)
            }
            None => (0, 0),
        };
        writeln!(index, "    ({p:?}, {off}, {len}),").unwrap();
    }
    index.push_str("];\n");
    std::fs::write(out.join("whole_dfas.bin"), &blob).expect("write whole_dfas.bin");
    std::fs::write(out.join("whole_dfas.rs"), index).expect("write whole_dfas.rs");
}
