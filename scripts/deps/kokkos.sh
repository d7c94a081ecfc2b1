#!/usr/bin/env bash
# Builds Kokkos (Serial + OpenMP, shared libraries) from Debian 12's source
# package and installs it into $EQUINET_CACHE/kokkos-<version>.
#
# Why this way: Debian 12 ships no Kokkos binary package, but its `trilinos`
# source package (13.2.0) contains Kokkos 3.4.1 in packages/kokkos, which
# builds standalone. We fetch it with apt (no other download source).
#
# Idempotent: a finished install is marked by <prefix>/.complete and skipped;
# a partial one (no .complete) is removed and rebuilt. Reports the prefix to
# setup.sh via equinet_dep_prefix.
set -euo pipefail
# shellcheck source=scripts/deps/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KOKKOS_VERSION=3.4.1
TRILINOS_UPSTREAM_VERSION=13.2.0 # Debian 12's trilinos, which holds Kokkos 3.4.1
KOKKOS_PREFIX="$EQUINET_CACHE/kokkos-$KOKKOS_VERSION"

build_kokkos() {
  command -v dpkg-source >/dev/null || equinet_apt_get install dpkg-dev
  if equinet_enable_deb_src || ! apt-cache showsrc trilinos 2>/dev/null | grep '^Package:' >/dev/null; then
    equinet_apt_get update
  fi

  # Global, not local: the EXIT trap runs after this function has returned.
  work="$(mktemp -d "$EQUINET_CACHE/tmp-kokkos.XXXXXX")"
  # The trilinos sources are ~170 MB packed: never keep them.
  trap 'rm -rf "$work"' EXIT

  equinet_log "downloading Debian source package trilinos (~170 MB)"
  (cd "$work" && apt-get source --download-only -q trilinos)
  local orig
  orig="$(ls "$work"/trilinos_"$TRILINOS_UPSTREAM_VERSION".orig.tar.* 2>/dev/null)" ||
    equinet_die "apt-get source trilinos did not give version $TRILINOS_UPSTREAM_VERSION: $(ls "$work")"
  # Unpack only packages/kokkos (seconds instead of unpacking all of
  # Trilinos). Debian's patches touch only Kokkos' TriBITS test declarations,
  # which a standalone build with tests off does not use.
  tar xf "$orig" -C "$work" --wildcards '*/packages/kokkos/*'
  local src
  src="$(echo "$work"/*/packages/kokkos)"
  [ -f "$src/CMakeLists.txt" ] || equinet_die "no packages/kokkos in $orig"

  local found
  # CMakeLists.txt has set(Kokkos_VERSION_PATCH 01): print as 3.4.1.
  found="$(sed -n 's/^set(Kokkos_VERSION_\(MAJOR\|MINOR\|PATCH\) 0*\([0-9][0-9]*\)).*/\2/p' "$src/CMakeLists.txt" | paste -sd.)"
  [ "$found" = "$KOKKOS_VERSION" ] || equinet_die "trilinos source holds Kokkos '$found', expected $KOKKOS_VERSION"

  rm -rf "$KOKKOS_PREFIX"
  # No Kokkos_ARCH_* flag: the result must run on any x86-64 machine.
  cmake -S "$src" -B "$work/build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_STANDARD=17 \
    -DBUILD_SHARED_LIBS=ON \
    -DKokkos_ENABLE_SERIAL=ON \
    -DKokkos_ENABLE_OPENMP=ON \
    -DKokkos_ENABLE_TESTS=OFF \
    -DKokkos_ENABLE_EXAMPLES=OFF \
    -DCMAKE_INSTALL_PREFIX="$KOKKOS_PREFIX"
  cmake --build "$work/build" -j "$EQUINET_JOBS"
  cmake --install "$work/build"
  touch "$KOKKOS_PREFIX/.complete"
  equinet_log "Kokkos $KOKKOS_VERSION installed in $KOKKOS_PREFIX"
}

if [ ! -f "$KOKKOS_PREFIX/.complete" ]; then
  # Serialise concurrent setups sharing one cache; re-check after the lock.
  exec 9>"$EQUINET_CACHE/kokkos-$KOKKOS_VERSION.lock"
  flock 9
  if [ ! -f "$KOKKOS_PREFIX/.complete" ]; then
    equinet_timed "Kokkos $KOKKOS_VERSION build" build_kokkos
  fi
fi
equinet_dep_prefix "$KOKKOS_PREFIX"
