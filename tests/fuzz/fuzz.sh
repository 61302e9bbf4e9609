#!/usr/bin/env bash
# Runs one libFuzzer target of a DDPM_FUZZ build (docs/RELIABILITY.md), at the lowest CPU
# priority, with the limits the recorded runs used. From the repository root:
#   bash tests/fuzz/fuzz.sh TARGET [RUNS] [SECONDS]     e.g. bash tests/fuzz/fuzz.sh idx 10000000
# TARGET is a name of tests/fuzz/fuzz_<name>.cpp. New inputs go to $DDPM_FUZZ_WORK/<target>
# (default /tmp/ddpm-fuzz), crashes to $DDPM_FUZZ_WORK/<target>-crash-*; the seed corpus
# tests/fuzz/corpus/<target> is read, never written. Extra libFuzzer flags: $DDPM_FUZZ_FLAGS.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: fuzz.sh TARGET [RUNS] [SECONDS]}
runs=${2:-10000000}
seconds=${3:-0}
build=${DDPM_FUZZ_BUILD_DIR:-build-fuzz}
work=${DDPM_FUZZ_WORK:-/tmp/ddpm-fuzz}
mkdir -p "$work/$target"
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export OPENCV_LOG_LEVEL=ERROR
# shellcheck disable=SC2086 # DDPM_FUZZ_FLAGS is a list of flags
exec nice -n 19 "$build/fuzz/fuzz_$target" -runs="$runs" -max_total_time="$seconds" -max_len=4096 \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$work/$target-" ${DDPM_FUZZ_FLAGS:-} \
  "$work/$target" "tests/fuzz/corpus/$target"
