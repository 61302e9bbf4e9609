#!/usr/bin/env bash
# The sanitizer pass (docs/RELIABILITY.md): a second build, build-asan/, with AddressSanitizer
# and UndefinedBehaviorSanitizer (no recovery: the first report ends the process), then the
# core, cli and ui tests with leak detection on (ui offscreen, as in the normal suite). A
# report fails the test that made it, and so the pass. CI runs it after the README's test command; by hand, from the repository root:
#   bash tests/sanitizers/run.sh                  # build-asan/, labels core, cli and ui
#   bash tests/sanitizers/run.sh -R test_dataset  # more ctest arguments narrow the run
# DDPM_ASAN_BUILD_DIR and DDPM_ASAN_LABELS (a ctest -L regex) change the folder and the labels.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${DDPM_ASAN_BUILD_DIR:-build-asan}
labels=${DDPM_ASAN_LABELS:-core|cli|ui}

# -O1 with line tables: reports name file and line, and the build stays within CI's time.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DDDPM_SANITIZE="address;undefined" -DDDPM_BUILD_GUI=ON -DDDPM_BUILD_BENCH=OFF
cmake --build "$build"

export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:strict_init_order=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build" -L "$labels" --output-on-failure "$@"
