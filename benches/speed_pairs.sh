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
# wall time, peak RSS of a full scan, and the naive baseline's ratio (of
# the medians of 7 alternating passes, and of the fastest passes).
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

# N alternating runs of two argument sets (word-split on purpose), each
# pair printed, then the median of the first's wall time over the second's.
pairs() {
  local n=$1 label=$2 first=$3 second=$4 target=$5 ratios=() aw au am bw bu r
  echo "== $label, $n back-to-back pairs"
  for _ in $(seq "$n"); do
    # shellcheck disable=SC2086
    read -r aw au am <<< "$(run $first)"
    # shellcheck disable=SC2086
    read -r bw bu _ <<< "$(run $second)"
    r=$(awk -v a="$aw" -v b="$bw" 'BEGIN {printf "%.2f", a / b}')
    ratios+=("$r")
    echo "[$first] ${aw}s (user ${au}s, ${am} KB)  [$second] ${bw}s (user ${bu}s)  ratio $r"
  done
  echo "median $label: $(printf '%s\n' "${ratios[@]}" | median)  ($target)"
}

pairs "$pairs" "full scan / decode-only" "--full --no-digest" "--decode-only --no-digest" "target <= 2"
pairs $(( (pairs + 1) / 2 )) "1 thread / 2 threads" "--full --no-digest --threads 1" \
  "--full --no-digest" "target >= 1.7"

echo "== --sample 20000, 3 runs"
for _ in 1 2 3; do
  read -r w _ m <<< "$(run --sample 20000)"
  echo "sample ${w}s (${m} KB)"
done

# NAIVE_SCAN (default target/release/examples/naive_scan): the baseline's
# binary, built from the same commit as PIIGATE.
naive=${NAIVE_SCAN:-target/release/examples/naive_scan}
if [[ -x $naive ]]; then
  echo "== naive baseline (single thread, string columns, first 262,144 rows, 7 alternating passes)"
  "$naive" "$file" 262144 7 | tail -2
fi
