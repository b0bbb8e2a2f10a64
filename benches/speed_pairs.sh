#!/usr/bin/env bash
# The end-to-end speed figures of docs/PERFORMANCE.md, measured the way the
# doc reports them: on a shared VM whose speed drifts by a third within
# minutes, a ratio only means something between runs made back to back, so
# every figure here is a median of alternating pairs.
#
#   cargo build --release && cargo build --release --example naive_scan
#   benches/speed_pairs.sh /work/bench/b5m.parquet [PAIRS]
#
# FILE is a file written by `examples/gen_bench_data.rs`. PIIGATE (default
# target/release/piigate) is the binary under test. Prints each pair and
# the medians: full scan / decode-only, 1 thread / 2 threads, `--sample`
# wall time, and peak RSS of a full scan.
set -euo pipefail

file=${1:?usage: speed_pairs.sh FILE.parquet [PAIRS]}
pairs=${2:-10}
bin=${PIIGATE:-target/release/piigate}
[[ -x $bin ]] || { echo "no binary at $bin: cargo build --release" >&2; exit 2; }
[[ -r $file ]] || { echo "cannot read $file" >&2; exit 2; }

# Wall seconds, user seconds and peak RSS (KB) of one run.
run() {
  /usr/bin/time -f "%e %U %M" "$bin" scan "$file" "$@" --format json 2>&1 >/dev/null | tail -1
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

cat "$file" > /dev/null # into the page cache
run --decode-only --no-digest > /dev/null

echo "== full scan / decode-only, $pairs back-to-back pairs"
ratios=()
for _ in $(seq "$pairs"); do
  read -r fw fu fm <<< "$(run --full --no-digest)"
  read -r dw du _ <<< "$(run --decode-only --no-digest)"
  r=$(awk -v a="$fw" -v b="$dw" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$r")
  echo "full ${fw}s (user ${fu}s, ${fm} KB)  decode ${dw}s (user ${du}s)  ratio $r"
done
echo "median full/decode: $(printf '%s\n' "${ratios[@]}" | median)  (target <= 2)"

echo "== 1 thread / 2 threads, $(( (pairs + 1) / 2 )) pairs"
speedups=()
for _ in $(seq $(( (pairs + 1) / 2 ))); do
  read -r w1 u1 _ <<< "$(run --full --no-digest --threads 1)"
  read -r w2 u2 _ <<< "$(run --full --no-digest)"
  s=$(awk -v a="$w1" -v b="$w2" 'BEGIN {printf "%.2f", a / b}')
  speedups+=("$s")
  echo "1 thread ${w1}s (user ${u1}s)  2 threads ${w2}s (user ${u2}s)  speed-up $s"
done
echo "median speed-up: $(printf '%s\n' "${speedups[@]}" | median)  (target >= 1.7)"

echo "== --sample 20000, 3 runs"
for _ in 1 2 3; do
  read -r w _ m <<< "$(run --sample 20000)"
  echo "sample ${w}s (${m} KB)"
done

if [[ -x target/release/examples/naive_scan ]]; then
  echo "== naive baseline (single thread, string columns, first 262,144 rows)"
  target/release/examples/naive_scan "$file" | tail -1
fi
