#!/usr/bin/env bash
# The main example, run at the end of scripts/setup.sh: inspect the shipped Si
# potential, evaluate a structure with the CLI, then run a short LAMMPS NVE
# simulation with `pair_style equinet` (when LAMMPS and the plugin are built).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deps/common.sh"
BUILD_DIR="${EQUINET_BUILD_DIR:-$EQUINET_ROOT/build}"
MODEL="$EQUINET_ROOT/potentials/si-sw-mace.safetensors"

echo "== equinet info (the shipped Si potential)"
"$BUILD_DIR/bin/equinet" info "$MODEL"

echo "== equinet eval (energy, forces, stress of an 8-atom diamond cell)"
"$BUILD_DIR/bin/equinet" eval "$MODEL" "$EQUINET_ROOT/examples/cli/si_diamond_8.extxyz" \
  -o "$BUILD_DIR/example_si_diamond_8.extxyz" --quiet
head -n 2 "$BUILD_DIR/example_si_diamond_8.extxyz" | cut -c1-200

LMP="${EQUINET_CACHE}/lammps-20220106/bin/lmp"
PLUGIN="$BUILD_DIR/lammps_plugin/equinetplugin.so"
if [[ -x "$LMP" && -f "$PLUGIN" ]]; then
  echo "== LAMMPS NVE with pair_style equinet (examples/lammps/in.nve)"
  (cd "$EQUINET_ROOT/examples/lammps" &&
    OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" "$LMP" -in in.nve -var plugin "$PLUGIN" \
      -var model "$MODEL" -log "$BUILD_DIR/example_nve.log" -screen none &&
    grep -A 12 "^ *Step" "$BUILD_DIR/example_nve.log" | head -n 14)
else
  echo "== LAMMPS example skipped: $LMP or $PLUGIN not built"
fi
