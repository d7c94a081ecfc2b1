#!/usr/bin/env bash
# OpenMM plugin: uses Debian's OpenMM 7.7 (libopenmm-dev, libopenmm-plugins,
# python3-simtk, swig from apt-packages.txt); turns the plugin on when present.
# EQUINET_WITH_OPENMM=0 skips it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [ "${EQUINET_WITH_OPENMM:-1}" = 0 ]; then
  equinet_log "OpenMM plugin skipped (EQUINET_WITH_OPENMM=0)"
  exit 0
fi
if [ -f /usr/include/openmm/Force.h ] && /usr/bin/python3 -c "import openmm" 2>/dev/null; then
  equinet_dep_cmake_arg -DEQUINET_ENABLE_OPENMM=ON
else
  equinet_log "OpenMM plugin not built (libopenmm-dev / python3-simtk missing)"
fi
