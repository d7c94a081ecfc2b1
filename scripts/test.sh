#!/usr/bin/env bash
# Runs the whole test suite: sets up and builds like scripts/setup.sh (without
# the example), then runs every test with ctest. The last line printed is
# ctest's summary ("100% tests passed, 0 tests failed out of N"); the exit code
# is ctest's.
#
# Environment (besides those of setup.sh):
#   EQUINET_TEST_JOBS     tests run in parallel (default 2)
#   EQUINET_TEST_TIMEOUT  seconds per test without its own TIMEOUT (default 900)
set -euo pipefail
# shellcheck source=scripts/deps/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps/common.sh"

bash "$EQUINET_ROOT/scripts/setup.sh" --no-example "$@"
BUILD_DIR="${EQUINET_BUILD_DIR:-$EQUINET_ROOT/build}"

# Tests run two at a time: do not pin OpenMP threads to the same cores.
export OMP_PROC_BIND="${OMP_PROC_BIND:-false}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"

set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error \
  -j "${EQUINET_TEST_JOBS:-2}" --timeout "${EQUINET_TEST_TIMEOUT:-900}" 2>&1 |
  tee "$BUILD_DIR/ctest.log"
rc=${PIPESTATUS[0]}
set -e
# ctest prints the list of failed tests after its summary: repeat the summary last.
grep -E '^[0-9]+% tests passed' "$BUILD_DIR/ctest.log" | tail -n 1 || true
exit "$rc"
