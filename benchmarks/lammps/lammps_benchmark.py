#!/usr/bin/python3
"""LAMMPS benchmarks of pair_style equinet (numbers go to a JSON file and a
table on stdout; nothing here is a test).

1. Overhead: time per MD step of 1728 Si atoms (diamond 6x6x6, rattled) in
   LAMMPS, one rank, against the core alone (Potential::compute on the same
   structure, forces + virial: equinet_core_step_time).
2. Ghost modes: exchange vs recompute at 2 and 4 ranks: time per step, ghost
   atoms per rank, peak resident memory per rank.

  benchmarks/lammps/lammps_benchmark.py --build build [--lmp LMP] [--steps 20]
"""
import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def write_structure(path, cells=6, a=5.431, jitter=0.05, seed=7):
    """Diamond Si, cells^3 conventional cells, positions rattled by a seeded
    normal displacement (jitter A)."""
    basis = np.array([[0, 0, 0], [0, .5, .5], [.5, 0, .5], [.5, .5, 0],
                      [.25, .25, .25], [.25, .75, .75], [.75, .25, .75], [.75, .75, .25]])
    grid = np.array([[i, j, k] for i in range(cells) for j in range(cells) for k in range(cells)])
    x = (grid[:, None, :] + basis[None, :, :]).reshape(-1, 3) * a
    x += np.random.default_rng(seed).normal(scale=jitter, size=x.shape)
    x %= cells * a
    L = cells * a
    lines = ["equinet benchmark structure", "", f"{len(x)} atoms", "1 atom types", "",
             f"0.0 {L:.17g} xlo xhi", f"0.0 {L:.17g} ylo yhi", f"0.0 {L:.17g} zlo zhi", "",
             "Masses", "", "1 28.0855", "", "Atoms # atomic", ""]
    lines += [f"{i + 1} 1 {p[0]:.17g} {p[1]:.17g} {p[2]:.17g}" for i, p in enumerate(x)]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return len(x)


def lammps_input(plugin, model, data, style, mode, steps):
    return "\n".join([
        "units metal", "atom_style atomic", "boundary p p p", "newton on",
        f"plugin load {plugin}", f"read_data {data}",
        f"pair_style {style} mode {mode}", f"pair_coeff * * {model} Si",
        "neighbor 1.0 bin", "neigh_modify every 1 delay 0 check yes",
        "velocity all create 300.0 4928459 loop geom", "fix nve all nve", "timestep 0.001",
        "thermo 10", "run 2",  # warm-up: workspace allocation, first neighbour list
        f"run {steps}"]) + "\n"


def run_lammps(args, workdir, style, mode, ranks, threads):
    os.makedirs(workdir, exist_ok=True)
    with open(os.path.join(workdir, "in.bench"), "w") as f:
        f.write(lammps_input(args.plugin, args.model, args.data, style, mode, args.steps))
    cmd = [args.lmp, "-in", "in.bench", "-log", "log.lammps"]
    if style.startswith("equinet/kk"):
        cmd += ["-k", "on", "t", str(threads), "-sf", "kk", "-pk", "kokkos", "newton", "on",
                "neigh", "full"]
    cmd = [sys.executable, os.path.join(HERE, "peak_rss.py")] + cmd
    if ranks > 1:
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(ranks)] + cmd
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_PROC_BIND="false")
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return parse_log(proc.stdout, proc.stderr)


def parse_log(stdout, stderr):
    """Numbers of the last run: time per step, pair time, ghosts, memory."""
    loops = re.findall(r"Loop time of ([\d.eE+-]+) on (\d+) procs for (\d+) steps", stdout)
    loop, procs, steps = loops[-1]
    tail = stdout[stdout.rfind("Loop time of"):]
    pair = re.search(r"^Pair\s*\|\s*([\d.eE+-]+)\s*\|\s*([\d.eE+-]+)\s*\|\s*([\d.eE+-]+)", tail, re.M)
    ghost = re.search(r"^Nghost:\s*([\d.eE+-]+) ave\s*([\d.eE+-]+) max\s*([\d.eE+-]+) min", tail, re.M)
    rss = [int(k) for k in re.findall(r"EQUINET_PEAK_RSS rank \d+ kb (\d+)", stderr)]
    return {
        "ranks": int(procs),
        "seconds_per_step": float(loop) / int(steps),
        "pair_seconds_per_step": float(pair.group(2)) / int(steps) if pair else None,
        "ghosts_per_rank_avg": float(ghost.group(1)) if ghost else None,
        "ghosts_per_rank_max": float(ghost.group(2)) if ghost else None,
        "peak_rss_mb_per_rank_max": max(rss) / 1024 if rss else None,
        "peak_rss_mb_per_rank_avg": sum(rss) / len(rss) / 1024 if rss else None,
    }


def core_time(args, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OMP_PROC_BIND="false")
    out = subprocess.run([args.core_bin, args.model, args.data, str(args.repeats)], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(REPO, "build"))
    parser.add_argument("--lmp", default=os.path.expanduser("~/.cache/equinet/lammps-20220106/bin/lmp"))
    parser.add_argument("--model", default=os.path.join(REPO, "potentials", "si-sw-mace.safetensors"))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ranks", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    args.plugin = os.path.join(args.build, "lammps_plugin", "equinetplugin.so")
    args.core_bin = os.path.join(args.build, "bin", "equinet_core_step_time")
    args.workdir = args.workdir or os.path.join(args.build, "benchmarks", "lammps")
    args.out = args.out or os.path.join(args.workdir, "results.json")
    os.makedirs(args.workdir, exist_ok=True)
    args.data = os.path.join(args.workdir, "si1728.data")
    n_atoms = write_structure(args.data)
    results = {"atoms": n_atoms, "steps": args.steps, "overhead": [], "modes": []}

    print(f"1. pair-style overhead, {n_atoms} atoms, 1 rank")
    print(f"{'threads':>7} {'style':>11} {'core s/eval':>12} {'LAMMPS s/step':>14} "
          f"{'steps/s':>8} {'overhead':>9}")
    for threads in args.threads:
        core = core_time(args, threads)
        for style in ("equinet", "equinet/kk"):
            lmp = run_lammps(args, os.path.join(args.workdir, f"overhead_{style.replace('/', '_')}_t{threads}"),
                             style, "exchange", 1, threads)
            overhead = lmp["seconds_per_step"] / core["seconds_mean"] - 1
            row = {"threads": threads, "style": style, "core": core, "lammps": lmp,
                   "overhead": overhead}
            results["overhead"].append(row)
            print(f"{threads:>7} {style:>11} {core['seconds_mean']:>12.4f} "
                  f"{lmp['seconds_per_step']:>14.4f} {1 / lmp['seconds_per_step']:>8.3f} "
                  f"{100 * overhead:>8.1f}%")

    print(f"\n2. ghost modes, {n_atoms} atoms, 1 thread per rank")
    print(f"{'ranks':>5} {'mode':>10} {'s/step':>8} {'ghosts/rank avg':>16} {'max':>7} "
          f"{'peak RSS/rank MB (max)':>23}")
    for ranks in args.ranks:
        for mode in ("exchange", "recompute"):
            lmp = run_lammps(args, os.path.join(args.workdir, f"mode_{mode}_r{ranks}"),
                             "equinet", mode, ranks, 1)
            results["modes"].append({"ranks": ranks, "mode": mode, "lammps": lmp})
            print(f"{ranks:>5} {mode:>10} {lmp['seconds_per_step']:>8.4f} "
                  f"{lmp['ghosts_per_rank_avg']:>16.0f} {lmp['ghosts_per_rank_max']:>7.0f} "
                  f"{lmp['peak_rss_mb_per_rank_max']:>23.1f}")
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nresults: {args.out}")


if __name__ == "__main__":
    main()
