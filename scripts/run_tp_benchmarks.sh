#!/bin/bash
# The tensor-product benchmark runs that docs/tensor_products.md reports,
# then the table and plot (scripts/plot_tp_benchmarks.py). Run on a quiet
# machine: the 1-thread runs are pinned to one core and report CPU time, the
# 2-thread runs report wall time. Needs a Release build in build/ (or BUILD).
#   scripts/run_tp_benchmarks.sh [step ...]
#   steps: fwd rev threads2 large generic plot (default: all). fwd, rev, threads2, large
#   use the best variant of the kernels for this CPU; generic the portable kernels.
# RUN=<n> names a repetition: the plot keeps each case's fastest run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
BENCH=$BUILD/bin/bench_tensor_products
OUT=$ROOT/benchmarks/results
CORE=${CORE:-1}  # the 1-thread runs are pinned to this core
steps=${*:-fwd rev threads2 large generic plot}

# run <tag> <isa> <threads> <rows> <lmax> <filter> [taskset core]
run() {
  local tag=$1 isa=$2 threads=$3 rows=$4 lmax=$5 filter=$6 core=${7:-}
  local pin=()
  [ -n "$core" ] && pin=(taskset -c "$core")
  echo "== $tag: isa=${isa:-best} threads=$threads rows=$rows L<=$lmax filter=$filter" >&2
  EQUINET_ISA=$isa OMP_NUM_THREADS=$threads OMP_PROC_BIND=false EQUINET_BENCH_ROWS=$rows \
    EQUINET_BENCH_LMAX=$lmax "${pin[@]}" "$BENCH" --benchmark_filter="$filter" \
    --benchmark_out="$OUT/tp_${tag}_${isa:-best}_t${threads}_r${RUN:-1}.json" --benchmark_out_format=json
}

for step in $steps; do
  case $step in
    fwd) run fwd "" 1 1000 8 'fwd/' $CORE ;;                       # every product, L = 1..8
    rev) run rev "" 1 1000 8 'rev/' $CORE ;;                       # every reverse pass
    threads2) run threads2 "" 2 1000 8 '(fwd|rev)/(cg|grid|vector|manybody)/.*/C128/' ;;
    large)                                                     # where (a)/(b) reaches 10x
      run large "" 1 1000 12 'fwd/(cg|grid)/.*/L(9|10|11|12)/C32/' $CORE
      run large generic 1 1000 12 'fwd/(cg|grid)/.*/L(9|10|11|12)/C32/' $CORE ;;
    generic)
      run fwd generic 1 1000 8 'fwd/' $CORE
      run rev generic 1 1000 8 'rev/.*/C32/' $CORE ;;
    plot) /usr/bin/python3 "$ROOT/scripts/plot_tp_benchmarks.py" --reuse ;;
    *) echo "unknown step $step" >&2; exit 2 ;;
  esac
done
