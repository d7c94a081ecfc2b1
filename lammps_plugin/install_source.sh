#!/usr/bin/env bash
# Copies pair_style equinet (and equinet/kk) into a LAMMPS source tree, for
# LAMMPS builds that cannot load plugins (static builds, or no PLUGIN
# package). Nothing of LAMMPS is edited: the files are only copied in, and
# LAMMPS's CMake picks them up (src/*.cpp, and src/KOKKOS/*_kokkos.* when the
# KOKKOS package is on).
#
#   lammps_plugin/install_source.sh [-u] LAMMPS_SRC_DIR [EQUINET_PREFIX]
#
#   LAMMPS_SRC_DIR  the src/ folder of LAMMPS
#   EQUINET_PREFIX  where equinet is installed (cmake --install); used to print
#                   the CMake arguments for LAMMPS (default /usr/local)
#   -u              remove the copied files again
#
# Then configure LAMMPS with the printed arguments: they add equinet's
# headers and link libequinet at the end of every link line, which
# also works for a static liblammps.a.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
uninstall=0
if [ "${1:-}" = "-u" ]; then
  uninstall=1
  shift
fi
[ $# -ge 1 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 1; }
src="$(cd "$1" && pwd)"
prefix="${2:-/usr/local}"
[ -f "$src/pair.h" ] || { echo "install_source.sh: $src is not a LAMMPS src/ folder" >&2; exit 1; }

plain=(pair_equinet.h pair_equinet.cpp)
kokkos=(pair_equinet_kokkos.h pair_equinet_kokkos.cpp)

if [ "$uninstall" = 1 ]; then
  for f in "${plain[@]}"; do rm -f "$src/$f"; done
  for f in "${kokkos[@]}"; do rm -f "$src/KOKKOS/$f"; done
  echo "removed pair_style equinet from $src"
  exit 0
fi

for f in "${plain[@]}"; do cp "$here/$f" "$src/$f"; done
if [ -d "$src/KOKKOS" ]; then
  for f in "${kokkos[@]}"; do cp "$here/$f" "$src/KOKKOS/$f"; done
fi
echo "copied pair_style equinet into $src (equinet/kk into $src/KOKKOS)"

cat <<EOF

Configure LAMMPS (cmake -S <lammps>/cmake ...) with, in addition to your options:
  -DCMAKE_CXX_FLAGS="-I$prefix/include"
  -DCMAKE_CXX_STANDARD_LIBRARIES="-L$prefix/lib -Wl,-rpath,$prefix/lib -lequinet"
For equinet/kk also -DPKG_KOKKOS=ON -DEXTERNAL_KOKKOS=ON -DKokkos_ROOT=<the Kokkos equinet uses>.
(With LAMMPS's traditional make: add the same flags to CCFLAGS and LIB in src/MAKE/Makefile.<machine>.)
EOF
