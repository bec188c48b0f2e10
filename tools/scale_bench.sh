#!/usr/bin/env bash
# Scaling benchmark: generates news corpora of 10 MB, 100 MB, 1 GB and 10 GB with
# `wirematch bench --generate` (kept in DIR, reused when present) and runs each end to end,
# printing wall time, peak memory and the candidate counts. The 10 GB run uses
# --memory-budget 4G; with UNBUDGETED_10G=1 it also runs without a budget (needs ~12 GB of
# memory). Figures go to DIR/scale.tsv; BENCHMARKS.md has the last table.
#
#   tools/scale_bench.sh DIR [SIZES...]      e.g. tools/scale_bench.sh /data/wm 10M 100M 1G 10G
#
# Needs ~12 GB of disk for 10G (corpus) plus ~8 GB of spill files in $TMPDIR during that run.
set -euo pipefail
dir=${1:?usage: scale_bench.sh DIR [SIZES...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10M 100M 1G 10G)
cd "$(dirname "$0")/.."
cargo build --release --quiet
wm=$PWD/target/release/wirematch
mkdir -p "$dir"
printf 'size\tbudget\tseconds\tpeak_kb\tdocuments\tparagraphs\tcandidates\tverified\tarticle_pairs\n' > "$dir/scale.tsv"
run() {  # run SIZE TAG [BUDGET ARGS...]
  local s=$1 tag=$2; shift 2
  local corpus=$dir/gen_$s.jsonl
  /usr/bin/time -f '%e %M' -o "$dir/time_$tag.txt" \
    "$wm" bench "$corpus" --rounds 1 --json -q "$@" > "$dir/bench_$tag.json"
  read -r secs peak < "$dir/time_$tag.txt"
  python3 - "$dir/bench_$tag.json" "$s" "${*:-none}" "$secs" "$peak" >> "$dir/scale.tsv" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
print("\t".join(map(str, [sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], v["documents"],
      v["paragraphs"], v["candidate_pairs"], v["verified_pairs"], v["article_pairs"]])))
PY
  tail -1 "$dir/scale.tsv"
}
for s in "${sizes[@]}"; do
  corpus=$dir/gen_$s.jsonl
  [ -f "$corpus" ] || "$wm" bench --generate "$s" --keep "$corpus" --rounds 0 -q
  if [ "$s" = 10G ]; then
    run "$s" "${s}_budget" --memory-budget 4G
    [ "${UNBUDGETED_10G:-0}" = 1 ] && run "$s" "$s"
  else
    run "$s" "$s"
  fi
done
