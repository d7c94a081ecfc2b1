#!/usr/bin/env python3
"""Compares benchmark-matrix runs (run_mace_matrix.sh output) of two builds.

  benchmarks/compare_matrix.py --before a1.jsonl a2.jsonl --after b1.jsonl b2.jsonl

Each case (atoms, dtype, threads, radial table, isa) keeps its fastest run;
prints a Markdown table of µs/atom/step before and after and the ratio.
"""
import argparse
import json


def fastest(paths):
    best = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                key = (r["isa"], r["radial_table"], r["threads"], r["dtype"], r["atoms"])
                if key not in best or r["us_per_atom_step"] < best[key]["us_per_atom_step"]:
                    best[key] = r
    return best


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", nargs="+", required=True)
    p.add_argument("--after", nargs="+", required=True)
    a = p.parse_args()
    before, after = fastest(a.before), fastest(a.after)
    print("| isa | table | threads | dtype | atoms | before | after | after/before |")
    print("|---|---|---|---|---|---|---|---|")
    ratios = []
    for key in sorted(before.keys() & after.keys()):
        b, c = before[key]["us_per_atom_step"], after[key]["us_per_atom_step"]
        ratios.append(c / b)
        print("| " + " | ".join(str(k) for k in key) + f" | {b:.1f} | {c:.1f} | {c / b:.3f} |")
    if ratios:
        mean = sum(ratios) / len(ratios)
        print(f"\n{len(ratios)} cases: after/before mean {mean:.3f}, "
              f"min {min(ratios):.3f}, max {max(ratios):.3f}")


if __name__ == "__main__":
    main()
