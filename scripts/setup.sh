#!/usr/bin/env bash
# Sets up equinet on Debian 12 from scratch, builds it, and runs the main example.
#
#   scripts/setup.sh [--no-example] [-- <extra cmake arguments>]
#
# Steps (each is skipped or quick when already done, so a rerun is fast):
#   1. apt:    installs the packages listed in scripts/deps/apt-packages.txt
#              that are not installed yet (apt-get update only if some are missing).
#   2. deps:   runs the dependency scripts scripts/deps/<name>.sh, first those
#              named in DEP_ORDER below (in that order), then any other
#              scripts/deps/*.sh alphabetically (common.sh is a library, not a step).
#   3. build:  configures the project into build/ and builds it.
#   4. example: runs scripts/run_example.sh (skipped with --no-example).
#
# Contract for a dependency script scripts/deps/<name>.sh:
#   - a standalone bash script that sources common.sh, builds or finds its
#     package, caches builds under $EQUINET_CACHE/<name>-<version>/ (marked
#     finished by a .complete file), and exits non-zero on failure;
#   - it tells the project's CMake configure what it needs by calling
#       equinet_dep_prefix PATH      (PATH is added to CMAKE_PREFIX_PATH)
#       equinet_dep_cmake_arg ARG    (ARG, e.g. -DEQUINET_ENABLE_LAMMPS=ON, is passed to cmake)
#     which append lines to $EQUINET_DEPS_FILE (set here: <build dir>/deps.txt);
#   - it reports nothing (and exits 0) when its optional feature is not to be built.
#
# Environment:
#   EQUINET_CACHE      cache of built dependencies (default ~/.cache/equinet)
#   EQUINET_BUILD_DIR  build directory (default <repo>/build)
#   EQUINET_JOBS       parallel build jobs (default: number of cores)
#   EQUINET_SKIP_APT=1 skip step 1 (e.g. without root, with packages already present)
#   EQUINET_CMAKE_ARGS extra cmake arguments, whitespace separated
set -euo pipefail
# shellcheck source=scripts/deps/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/deps/common.sh"

DEP_ORDER=(kokkos lammps openmm)

run_example=1
extra_cmake_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-example) run_example=0 ;;
    --)
      shift
      extra_cmake_args=("$@")
      break
      ;;
    -h | --help)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) equinet_die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
if [ -n "${EQUINET_CMAKE_ARGS:-}" ]; then
  read -r -a env_args <<<"$EQUINET_CMAKE_ARGS"
  extra_cmake_args+=("${env_args[@]}")
fi
BUILD_DIR="${EQUINET_BUILD_DIR:-$EQUINET_ROOT/build}"

# Without OMP_PROC_BIND, Kokkos prints a warning on stdout at start-up. The
# build runs each test binary to list its tests (gtest_discover_tests), and
# that warning would then be read as test names. `false` is what libgomp does
# when the variable is unset, so this only silences the warning.
export OMP_PROC_BIND="${OMP_PROC_BIND:-false}"

install_apt_packages() {
  local wanted=() missing=() pkg
  mapfile -t wanted < <(sed 's/#.*//; s/[[:space:]]//g; /^$/d' "$EQUINET_ROOT/scripts/deps/apt-packages.txt")
  for pkg in "${wanted[@]}"; do
    if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    equinet_log "apt: all ${#wanted[@]} packages already installed"
    return 0
  fi
  equinet_log "apt: installing ${missing[*]}"
  # deb-src entries too, so that the Kokkos step needs no second update.
  equinet_enable_deb_src || true
  equinet_apt_get update
  equinet_apt_get install "${missing[@]}"
}

run_dependency_scripts() {
  local scripts=() name script
  for name in "${DEP_ORDER[@]}"; do
    [ -f "$EQUINET_ROOT/scripts/deps/$name.sh" ] && scripts+=("$EQUINET_ROOT/scripts/deps/$name.sh")
  done
  for script in "$EQUINET_ROOT"/scripts/deps/*.sh; do
    name="$(basename "$script" .sh)"
    [ "$name" = common ] && continue
    [[ " ${DEP_ORDER[*]} " == *" $name "* ]] && continue
    scripts+=("$script")
  done
  mkdir -p "$BUILD_DIR"
  export EQUINET_DEPS_FILE="$BUILD_DIR/deps.txt"
  : >"$EQUINET_DEPS_FILE"
  for script in "${scripts[@]}"; do
    equinet_log "deps: $(basename "$script")"
    bash "$script"
  done
}

configure_and_build() {
  local prefixes=() args=() kind value
  while read -r kind value; do
    case "$kind" in
      PREFIX) prefixes+=("$value") ;;
      ARG) args+=("$value") ;;
    esac
  done <"$BUILD_DIR/deps.txt"
  local prefix_path
  prefix_path="$(IFS=';' && echo "${prefixes[*]}")"
  # Keep the generator of an existing build dir; Ninja for a new one if present.
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ] && command -v ninja >/dev/null; then
    args+=(-G Ninja)
  fi
  equinet_log "configure: $BUILD_DIR"
  cmake -S "$EQUINET_ROOT" -B "$BUILD_DIR" \
    -DCMAKE_PREFIX_PATH="$prefix_path" \
    ${args[@]+"${args[@]}"} ${extra_cmake_args[@]+"${extra_cmake_args[@]}"}
  equinet_log "build: $EQUINET_JOBS jobs"
  cmake --build "$BUILD_DIR" -j "$EQUINET_JOBS"
}

if [ "${EQUINET_SKIP_APT:-0}" != 1 ]; then
  equinet_timed "step apt" install_apt_packages
fi
equinet_timed "step deps" run_dependency_scripts
equinet_timed "step build" configure_and_build

if [ "$run_example" = 1 ]; then
  if [ -x "$EQUINET_ROOT/scripts/run_example.sh" ] || [ -f "$EQUINET_ROOT/scripts/run_example.sh" ]; then
    export EQUINET_BUILD_DIR="$BUILD_DIR"
    equinet_timed "step example" bash "$EQUINET_ROOT/scripts/run_example.sh"
  else
    equinet_log "note: scripts/run_example.sh does not exist yet; no example run"
  fi
fi
equinet_log "done: build in $BUILD_DIR"
