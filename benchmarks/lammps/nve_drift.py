#!/usr/bin/python3
"""Energy conservation of pair_style equinet with si-sw-mace: NVE, 1 fs,
2000 steps, at about 1000 K (velocities drawn at 2000 K; half of the kinetic
energy flows into potential energy), 216 atoms (diamond 3x3x3). Reports the
drift of the total energy (linear fit, meV/atom/ps), its end-start change
and its largest excursion.

  benchmarks/lammps/nve_drift.py --build build [--ranks 2] [--steps 2000]
"""
import argparse
import json
import os
import re
import subprocess

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(REPO, "build"))
    parser.add_argument("--lmp", default=os.path.expanduser("~/.cache/equinet/lammps-20220106/bin/lmp"))
    parser.add_argument("--model", default=os.path.join(REPO, "potentials", "si-sw-mace.safetensors"))
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--cells", type=int, default=3)
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--timestep", type=float, default=0.001)
    parser.add_argument("--workdir", default=None)
    args = parser.parse_args()
    workdir = args.workdir or os.path.join(args.build, "benchmarks", "lammps", "nve_drift")
    os.makedirs(workdir, exist_ok=True)
    args.build = os.path.abspath(args.build)
    plugin = os.path.join(args.build, "lammps_plugin", "equinetplugin.so")
    lines = [
        "units metal", "atom_style atomic", "boundary p p p", "newton on",
        f"plugin load {plugin}",
        "lattice diamond 5.431", f"region box block 0 {args.cells} 0 {args.cells} 0 {args.cells}",
        "create_box 1 box", "create_atoms 1 box", "mass 1 28.0855",
        "pair_style equinet", f"pair_coeff * * {args.model} Si",
        "neighbor 1.0 bin", "neigh_modify every 1 delay 0 check yes",
        "velocity all create 2000.0 4928459 loop geom", "fix nve all nve",
        f"timestep {args.timestep}",
        "thermo_style custom step temp pe ke etotal", "thermo_modify format float %.12f",
        "thermo 10", f"run {args.steps}"]
    with open(os.path.join(workdir, "in.nve"), "w") as f:
        f.write("\n".join(lines) + "\n")
    cmd = [args.lmp, "-in", "in.nve", "-log", "log.lammps"]
    if args.ranks > 1:
        cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(args.ranks)] + cmd
    env = dict(os.environ, OMP_NUM_THREADS="1", OMP_PROC_BIND="false")
    out = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, check=True).stdout

    rows = np.array([[float(v) for v in m.groups()] for m in re.finditer(
        r"^\s*(\d+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*$", out, re.M)])
    step, temp, pe, ke, etot = rows.T
    n_atoms = int(re.search(r"Created (\d+) atoms", out).group(1))
    t_ps = step * args.timestep
    de = (etot - etot[0]) / n_atoms * 1000.0  # meV/atom
    slope = np.polyfit(t_ps, de, 1)[0]
    result = {
        "atoms": n_atoms, "steps": int(step[-1]), "timestep_ps": args.timestep, "ranks": args.ranks,
        "temperature_mean_K": float(np.mean(temp[len(temp) // 10:])),
        "drift_meV_per_atom_per_ps": float(slope),
        "end_minus_start_meV_per_atom": float(de[-1]),
        "max_abs_deviation_meV_per_atom": float(np.max(np.abs(de))),
        "std_meV_per_atom": float(np.std(de)),
        "loop_seconds": float(re.findall(r"Loop time of ([\d.]+)", out)[-1]),
    }
    with open(os.path.join(workdir, "result.json"), "w") as f:
        json.dump(result, f, indent=1)
    for k, v in result.items():
        print(f"{k:>32}: {v}")


if __name__ == "__main__":
    main()
