#!/usr/bin/env bash
# Usage: ./run.sh [SECONDS] [TARGET...]
# Fuzzes each target (default: all) for SECONDS (default 600), one after the other, starting
# from the committed seeds; extra libFuzzer flags come from $FUZZ_FLAGS. Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets it use the
# sanitizer flags. Logs go to fuzz/logs/.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(jsonl_reader normalize_segment html_to_text index_reader)
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  echo "fuzz: $t for ${secs}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -timeout=30 -rss_limit_mb=2048 ${FUZZ_FLAGS:-} \
    >"logs/$t.log" 2>&1 || echo "fuzz: $t stopped with a finding, see logs/$t.log and artifacts/$t/"
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "logs/$t.log" || true
done
