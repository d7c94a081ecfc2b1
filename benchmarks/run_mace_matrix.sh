#!/usr/bin/env bash
# The MACE benchmark matrix of the README: 512 and 1728 atoms, float64 and
# float32, 1 and 2 threads, exact and tabulated (2000 intervals; also 500,
# the float32 size, for the automatic variant) radial functions, with the
# automatically chosen instruction-set variant and with the portable
# (generic) code. One JSON line per case on stdout.
#   benchmarks/run_mace_matrix.sh [BUILD_DIR] > benchmarks/results/bench_mace_matrix.jsonl
set -euo pipefail
build="${1:-build}"
export OMP_PROC_BIND="${OMP_PROC_BIND:-false}"
for isa in auto generic; do
  tables="0 2000"
  # 500 intervals: the table size suggested for float32 (README)
  [ "$isa" = auto ] && tables="0 500 2000"
  for table in $tables; do
    for threads in 1 2; do
      env_isa=()
      [ "$isa" = generic ] && env_isa=(EQUINET_ISA=generic)
      env "${env_isa[@]}" OMP_NUM_THREADS="$threads" "$build/bin/bench_mace" \
        --atoms-per-side 4 --atoms-per-side 6 --steps 7 --dtype both --radial-table "$table"
    done
  done
done
