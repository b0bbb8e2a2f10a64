//! Regenerate the bundled fixtures: `cargo run --example gen_fixtures [-- DIR SEED ROWS]`.
//! Writes Parquet, CSV and NDJSON tables and `truth.json` (expected entities per column).

#[path = "../tests/common/gen.rs"]
mod gen;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = std::path::PathBuf::from(args.first().map(String::as_str).unwrap_or("fixtures/data"));
    let seed: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20261121);
    let rows: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1500);
    let truth = gen::write_all(&dir, seed, rows);
    let path = dir.parent().unwrap_or(&dir).join("truth.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&truth).expect("json") + "\n",
    )
    .expect("write truth");
    eprintln!("wrote {} and {}", dir.display(), path.display());
}
