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
# per run, removed after it. It may instead be an `s3://BUCKET/PREFIX` URL:
# each run then exports under its own key prefix there, to the server in
# AWS_ENDPOINT (with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
# and, for plain HTTP, AWS_ALLOW_HTTP=true), which the token binds; the
# copies stay in the bucket. PIIGATE (default target/release/piigate) is
# the binary.
#
#   moto_server -p 5055 & curl -X PUT http://127.0.0.1:5055/bench
#   AWS_ENDPOINT=http://127.0.0.1:5055 AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 \
#     AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
#     benches/export_check.sh FILE 5 s3://bench/check
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
  local mode=$1 dest url
  local extra=()
  [[ $mode == unchecked ]] && extra=(--unscanned)
  if [[ $dest_root == s3://* ]]; then
    url="${dest_root%/}/$(date +%s%N)-$mode/"
    [[ -n ${AWS_ENDPOINT:-} ]] && extra+=(--endpoint "$AWS_ENDPOINT")
  else
    dest=$(mktemp -d "$dest_root/export.XXXXXX")
    url="file://$dest/"
  fi
  "$bin" issue-token --key "$work/key" --dest "$url" "${extra[@]}" "$file" \
    >"$work/token" 2>/dev/null
  /usr/bin/time -f %e -o "$work/t" "$bin" export "$file" --to "$url" \
    --token-file "$work/token" --keys "$work/keys.json" >/dev/null 2>&1 ||
    { echo "export to $url failed" >&2; exit 1; }
  [[ -n ${dest:-} ]] && rm -rf "$dest"
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
