# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are used by the scripts that source this file
# Shared helpers for scripts/setup.sh, scripts/test.sh and scripts/deps/*.sh.
# Source it; it defines variables and functions only (no side effects besides
# creating the cache directory).

EQUINET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Built third-party software lives outside the clone so that a fresh clone
# (or `git clean`) does not rebuild it; one folder per package and version.
EQUINET_CACHE="${EQUINET_CACHE:-$HOME/.cache/equinet}"
EQUINET_JOBS="${EQUINET_JOBS:-$(nproc)}"
mkdir -p "$EQUINET_CACHE"

equinet_log() { printf '[equinet %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
equinet_die() {
  equinet_log "ERROR: $*"
  exit 1
}

# Runs "$@" and logs how long it took, so CI logs show where time goes.
# Call it as a plain command, never inside `if`/`||`/`&&`: bash disables
# `set -e` inside functions run in such a context.
equinet_timed() {
  local label="$1" start
  shift
  start=$(date +%s)
  "$@"
  equinet_log "$label: $(($(date +%s) - start)) s"
}

# Commands that need root: run directly as root, through sudo otherwise.
equinet_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    equinet_die "need root (or sudo) to run: $*"
  fi
}

# apt-get that waits for a concurrent apt/dpkg run instead of failing at once.
equinet_apt_get() {
  equinet_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get -y -q -o DPkg::Lock::Timeout=900 "$@"
}

# Enables Debian source packages (deb-src) next to the existing binary
# sources, without touching the existing files. Returns 0 if it added a file
# (the caller must then run apt-get update).
equinet_enable_deb_src() {
  local target=/etc/apt/sources.list.d/equinet-deb-src.sources
  if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 1
  fi
  local tmp
  tmp="$(mktemp)"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # deb822 format (Debian 12 images): same mirrors and suites, source type.
    sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$tmp"
  elif [ -f /etc/apt/sources.list ]; then
    # one-line format; written to a .list file since the syntax differs.
    target=/etc/apt/sources.list.d/equinet-deb-src.list
    sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >"$tmp"
  else
    rm -f "$tmp"
    equinet_die "no apt sources found to derive deb-src entries from"
  fi
  equinet_as_root install -m 0644 "$tmp" "$target" || equinet_die "cannot write $target"
  rm -f "$tmp"
  equinet_log "enabled Debian source packages in $target"
  return 0
}

# Dependency scripts report what the project's CMake configure needs through
# these two helpers. setup.sh sets EQUINET_DEPS_FILE; a dependency script run
# by hand just prints the lines.
#   equinet_dep_prefix PATH   -> PATH is added to CMAKE_PREFIX_PATH
#   equinet_dep_cmake_arg ARG -> ARG (e.g. -DEQUINET_ENABLE_LAMMPS=ON) is passed to cmake
equinet_dep_prefix() { printf 'PREFIX %s\n' "$1" >>"${EQUINET_DEPS_FILE:-/dev/stdout}"; }
equinet_dep_cmake_arg() { printf 'ARG %s\n' "$1" >>"${EQUINET_DEPS_FILE:-/dev/stdout}"; }
