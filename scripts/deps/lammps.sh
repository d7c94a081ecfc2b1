#!/usr/bin/env bash
# Builds LAMMPS 20220106 from Debian 12's source package with the packages the
# equinet pair styles need, and installs it into $EQUINET_CACHE/lammps-20220106.
#
# Why this way: Debian's own lammps binary package has no KOKKOS and no
# PLUGIN support, and its liblammps has the same SONAME as ours (so ours is
# found through RPATH, never through the loader's default path).
# Packages: PLUGIN (plugin load), MANYBODY, KOKKOS (OpenMP, against the
# project's Kokkos 3.4.1 from kokkos.sh), MPI. compute pe/atom, stress/atom
# and centroid/stress/atom are in LAMMPS's core, so nothing else is needed;
# every extra package costs CI build time.
#
# Result: $PREFIX/bin/lmp, $PREFIX/lib/liblammps.so, $PREFIX/lib/cmake/LAMMPS,
# and the LAMMPS sources in $PREFIX/source (plugins compile against
# source/src). Reports -DEQUINET_ENABLE_LAMMPS=ON -DLAMMPS_ROOT=$PREFIX to
# setup.sh. EQUINET_WITH_LAMMPS=0 skips the whole step.
#
# Idempotent: a finished install is marked by $PREFIX/.complete and skipped;
# a partial one is removed and rebuilt.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ "${EQUINET_WITH_LAMMPS:-1}" = 0 ]; then
  equinet_log "LAMMPS skipped (EQUINET_WITH_LAMMPS=0)"
  exit 0
fi

LAMMPS_VERSION=20220106
LAMMPS_PREFIX="$EQUINET_CACHE/lammps-$LAMMPS_VERSION"
KOKKOS_PREFIX="${EQUINET_KOKKOS_ROOT:-$EQUINET_CACHE/kokkos-3.4.1}"

build_lammps() {
  [ -f "$KOKKOS_PREFIX/lib/cmake/Kokkos/KokkosConfig.cmake" ] ||
    equinet_die "Kokkos not found in $KOKKOS_PREFIX (scripts/deps/kokkos.sh builds it)"
  command -v dpkg-source >/dev/null || equinet_apt_get install dpkg-dev
  if equinet_enable_deb_src || ! apt-cache showsrc lammps 2>/dev/null | grep '^Package:' >/dev/null; then
    equinet_apt_get update
  fi

  rm -rf "$LAMMPS_PREFIX"
  mkdir -p "$LAMMPS_PREFIX"
  # Global, not local: the EXIT trap runs after this function has returned.
  work="$(mktemp -d "$EQUINET_CACHE/tmp-lammps.XXXXXX")"
  trap 'rm -rf "$work"' EXIT

  equinet_log "downloading and unpacking Debian source package lammps (~80 MB)"
  (cd "$work" && apt-get source -q lammps >/dev/null)
  local src
  src="$(find "$work" -maxdepth 1 -type d -name "lammps-$LAMMPS_VERSION*" | head -n 1)"
  [ -n "$src" ] && [ -f "$src/cmake/CMakeLists.txt" ] ||
    equinet_die "apt-get source lammps did not give LAMMPS $LAMMPS_VERSION: $(ls "$work")"
  # The sources stay: plugins compile against source/src.
  mv "$src" "$LAMMPS_PREFIX/source"

  cmake -S "$LAMMPS_PREFIX/source/cmake" -B "$work/build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$LAMMPS_PREFIX" \
    -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_INSTALL_RPATH="$LAMMPS_PREFIX/lib;$KOKKOS_PREFIX/lib" \
    -DCMAKE_INSTALL_RPATH_USE_LINK_PATH=ON \
    -DBUILD_SHARED_LIBS=ON \
    -DBUILD_MPI=ON \
    -DBUILD_OMP=ON \
    -DLAMMPS_EXCEPTIONS=ON \
    -DPKG_PLUGIN=ON \
    -DPKG_MANYBODY=ON \
    -DPKG_KOKKOS=ON \
    -DEXTERNAL_KOKKOS=ON \
    -DKokkos_ROOT="$KOKKOS_PREFIX" \
    -DWITH_JPEG=OFF -DWITH_PNG=OFF -DWITH_GZIP=OFF -DWITH_FFMPEG=OFF \
    -DBUILD_DOC=OFF -DBUILD_TOOLS=OFF -DENABLE_TESTING=OFF
  cmake --build "$work/build" -j "$EQUINET_JOBS"
  cmake --install "$work/build" >/dev/null

  # lmp must resolve our liblammps (Debian's has the same SONAME) and the
  # project's Kokkos.
  ldd "$LAMMPS_PREFIX/bin/lmp" | grep "$LAMMPS_PREFIX/lib/liblammps" >/dev/null ||
    equinet_die "$LAMMPS_PREFIX/bin/lmp does not resolve its own liblammps: $(ldd "$LAMMPS_PREFIX/bin/lmp")"
  ldd "$LAMMPS_PREFIX/lib/liblammps.so" | grep "$KOKKOS_PREFIX/lib/libkokkoscore" >/dev/null ||
    equinet_die "liblammps does not resolve Kokkos from $KOKKOS_PREFIX"
  "$LAMMPS_PREFIX/bin/lmp" -h | grep -w KOKKOS >/dev/null || equinet_die "lmp was built without KOKKOS"
  touch "$LAMMPS_PREFIX/.complete"
  equinet_log "LAMMPS $LAMMPS_VERSION installed in $LAMMPS_PREFIX (lmp: $LAMMPS_PREFIX/bin/lmp)"
}

if [ ! -f "$LAMMPS_PREFIX/.complete" ]; then
  # Serialise concurrent setups sharing one cache; re-check after the lock.
  exec 9>"$EQUINET_CACHE/lammps-$LAMMPS_VERSION.lock"
  flock 9
  if [ ! -f "$LAMMPS_PREFIX/.complete" ]; then
    equinet_timed "LAMMPS $LAMMPS_VERSION build" build_lammps
  fi
fi
equinet_dep_prefix "$LAMMPS_PREFIX"
equinet_dep_cmake_arg "-DEQUINET_ENABLE_LAMMPS=ON"
equinet_dep_cmake_arg "-DLAMMPS_ROOT=$LAMMPS_PREFIX"
