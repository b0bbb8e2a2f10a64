#!/usr/bin/env bash
# What the content check costs an export: `piigate export` of one file to a
# local destination with a token that binds content (the gate scans the
# exact bytes it sends) against one that does not (`issue-token
# --unscanned`), as alternating pairs, medians of wall seconds.
#
#   cargo build --release
#   benches/export_check.sh FILE [PAIRS] [DEST_DIR]
#
# DEST_DIR (default: a temporary directory) holds the exported copies, one
# per run, removed after it. PIIGATE (default target/release/piigate) is
# the binary.
set -euo pipefail

file=${1:?usage: export_check.sh FILE [PAIRS] [DEST_DIR]}
pairs=${2:-5}
bin=${PIIGATE:-target/release/piigate}
[[ -x $bin ]] || { echo "no binary at $bin: cargo build --release" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dest_root=${3:-$work}
export PIIGATE_HOME=$work/home
"$bin" keygen --out "$work/key" --public "$work/keys.json" 2>/dev/null

run() { # mode → wall seconds
  local mode=$1 dest
  dest=$(mktemp -d "$dest_root/export.XXXXXX")
  local extra=()
  [[ $mode == unchecked ]] && extra=(--unscanned)
  "$bin" issue-token --key "$work/key" --dest "file://$dest/" "${extra[@]}" "$file" \
    >"$work/token" 2>/dev/null
  /usr/bin/time -f %e -o "$work/t" "$bin" export "$file" --to "file://$dest/" \
    --token-file "$work/token" --keys "$work/keys.json" >/dev/null 2>&1
  rm -rf "$dest"
  cat "$work/t"
}

checked=() unchecked=() ratios=()
for _ in $(seq "$pairs"); do
  c=$(run checked)
  u=$(run unchecked)
  checked+=("$c") unchecked+=("$u")
  ratios+=("$(awk -v c="$c" -v u="$u" 'BEGIN {print c / u}')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf 'file %s, %d pairs\n' "$file" "$pairs"
printf 'with the check     %.2f s (runs: %s)\n' "$(median "${checked[@]}")" "${checked[*]}"
printf 'without it         %.2f s (runs: %s)\n' "$(median "${unchecked[@]}")" "${unchecked[*]}"
printf 'median pair ratio  %.2fx\n' "$(median "${ratios[@]}")"
