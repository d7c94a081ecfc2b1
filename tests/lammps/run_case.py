#!/usr/bin/python3
"""Runs one LAMMPS test case described by a YAML file in tests/lammps/cases/.

Kinds of case (the `kind` key):
  reference    run 0 on reference structures; energy, forces, virial, stress
               and per-atom energies against mace-torch; per-atom energies and
               virials (stress/atom, centroid/stress/atom) against the totals.
  consistency  run 0 and a short MD run (from a reference structure, or from
               LAMMPS commands given as `create`) for several variants (ranks, ghost
               mode, equinet vs equinet/kk) compared with the first variant;
               for every variant also a restart (write_restart/read_restart)
               and a fresh start from write_data/read_data, compared with the
               continuous run.
  errors       inputs that must stop LAMMPS with a given message: a non-zero
               exit, no crash (signal), no hang (timeout).

Exit code: 0 pass, 1 fail, 77 skipped (reference data absent).
"""

import argparse
import json
import os
import re
import shutil
import sys

import numpy as np
import yaml

import lammps_runner as lr
from lammps_structures import (LammpsCell, virial_from_centroid_stress_atom,
                               virial_from_pressure, virial_from_stress_atom)

SKIP = 77


class Skip(Exception):
    pass


class Context:
    def __init__(self, args):
        self.lmp = args.lmp
        self.plugin = os.path.abspath(args.plugin)
        self.shared = args.shared
        self.repo = args.repo
        self.workdir = os.path.abspath(args.workdir)

    def path(self, spec):
        """'shared:<path>' (skips when absent) or 'repo:<path>'."""
        root, _, rel = spec.partition(":")
        if root == "shared":
            full = os.path.join(self.shared, rel)
            if not os.path.exists(full):
                raise Skip(f"{full} absent")
            return os.path.abspath(full)
        if root == "repo":
            return os.path.abspath(os.path.join(self.repo, rel))
        raise ValueError(f"path '{spec}' must start with shared: or repo:")


class Checker:
    """Collects comparisons; prints one line each."""

    def __init__(self):
        self.failures = 0

    def close(self, what, actual, expected, tol):
        diff = float(np.max(np.abs(np.asarray(actual, float) - np.asarray(expected, float))))
        ok = diff <= tol
        self.failures += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} {what}: max |diff| = {diff:.3g} (tol {tol:.3g})")

    def true(self, what, condition, detail=""):
        self.failures += 0 if condition else 1
        print(f"{'ok  ' if condition else 'FAIL'} {what}{': ' + detail if detail else ''}")


class Evaluation:
    """One evaluation as LAMMPS reported it (LAMMPS frame, rows by atom id)."""

    def __init__(self, printed, frame):
        self.step = int(printed["step"])
        self.energy = printed["pe"]
        self.kinetic = printed["ke"]
        self.volume = printed["vol"]
        self.virial = virial_from_pressure([printed[f"c_eq_vir[{k}]"] for k in range(1, 7)],
                                           self.volume)
        self.positions = lr.vectors(frame, ["xu", "yu", "zu"])  # unwrapped
        self.velocities = lr.vectors(frame, ["vx", "vy", "vz"])
        self.forces = lr.vectors(frame, ["fx", "fy", "fz"])
        self.atom_energies = frame["c_eq_pe"]
        self.virial_stress_atom = virial_from_stress_atom(lr.per_atom(frame, "c_eq_sa", 6))
        self.virial_centroid = virial_from_centroid_stress_atom(lr.per_atom(frame, "c_eq_csa", 9))

    def truncate(self, n):
        """Keep the per-atom data of the first n atoms only."""
        for name in ("positions", "velocities", "forces", "atom_energies"):
            setattr(self, name, getattr(self, name)[:n])


def evaluations(output, dump_path):
    """Every printed result paired with the dump frame of its step."""
    frames = lr.parse_dump(dump_path)
    return [Evaluation(p, frames[int(p["step"])]) for p in lr.parse_prints(output)]


def check_internal(chk, label, ev, tol):
    """Per-atom quantities add up to the totals (to `virial` absolute, or
    `virial_rel` of the largest component)."""
    if "virial" not in tol:
        tol = dict(tol, virial=tol["virial_rel"] * np.max(np.abs(ev.virial)))
    chk.close(f"{label} sum of pe/atom vs pe", np.sum(ev.atom_energies), ev.energy,
              tol["energy_rel"] * abs(ev.energy))
    chk.close(f"{label} sum of stress/atom vs virial", ev.virial_stress_atom, ev.virial,
              tol["virial"])
    # The centroid form is not symmetrised: xx yy zz xy xz yz of its sum are
    # the virial's; yx zx zy differ by the antisymmetric part (a net torque,
    # zero for a rotation-invariant energy: round-off of large, cancelling
    # edge terms).
    c = ev.virial_centroid
    upper = np.triu_indices(3)
    chk.close(f"{label} sum of centroid/stress/atom vs virial", c[upper], ev.virial[upper],
              tol["virial"])
    chk.close(f"{label} sum of centroid/stress/atom, antisymmetric part", (c - c.T) / 2, 0.0,
              1e-8 * max(1.0, np.max(np.abs(ev.virial))))


def structures_of(case, ctx):
    with open(ctx.path(case["reference"])) as f:
        refs = json.load(f)
    names = case.get("structures")
    chosen = [s for s in refs if names is None or s["name"] in names]
    if names is not None and len(chosen) != len(names):
        raise ValueError(f"structures {names} not all in {case['reference']}")
    return chosen


def base_lines(ctx, variant, model, elements, data_file, dump_every, pair=None):
    return (lr.setup_lines(ctx.plugin) + [f"read_data {data_file}"] +
            lr.pair_lines(variant, model, elements, pair) +
            ["neighbor 1.0 bin", "neigh_modify every 1 delay 0 check yes"] +
            lr.output_lines(dump_every))


# --------------------------------------------------------------------------
def run_reference(case, ctx, chk):
    model = ctx.path(case["model"])
    elements = case["elements"]
    tol = case["tolerances"]
    for vi, variant in enumerate(case["variants"]):
        variant = lr.normalise(variant)
        for s in structures_of(case, ctx):
            cell = LammpsCell(s)
            n = len(s["numbers"])
            null_atoms = case.get("null_atoms", 0)
            if null_atoms:
                cell.add_null_atoms(null_atoms, seed=vi + 1)
            wd = os.path.join(ctx.workdir, f"v{vi}", s["name"])
            os.makedirs(wd, exist_ok=True)
            cell.write_data(os.path.join(wd, "structure.data"), elements)
            lines = base_lines(ctx, variant, model, elements, "structure.data", 1,
                               case.get("pair"))
            lines += ["run 0", lr.print_line()]
            output = lr.run(ctx.lmp, variant, wd, lines)
            ev = evaluations(output, os.path.join(wd, "dump.atoms"))[-1]
            label = f"{s['name']} [{lr.describe(variant)}]"
            if null_atoms:
                # Atoms of NULL-mapped types get nothing from equinet.
                chk.close(f"{label} forces on NULL-type atoms", ev.forces[n:], 0.0, 0.0)
                chk.close(f"{label} pe/atom of NULL-type atoms", ev.atom_energies[n:], 0.0, 0.0)
                ev.truncate(n)
            chk.close(f"{label} energy", ev.energy, s["energy"],
                      tol["energy_rel"] * abs(s["energy"]))
            chk.close(f"{label} forces", cell.forces_to_reference(ev.forces), s["forces"],
                      tol["forces"])
            # Virial and stress relative to their largest reference component:
            # cancelling edge terms leave ~1e-8 eV of round-off in both codes
            # for the liquid.
            virial = cell.virial_to_reference(ev.virial)
            scale = np.max(np.abs(s["virial"]))
            chk.close(f"{label} virial", virial, s["virial"], tol["virial_rel"] * scale)
            chk.close(f"{label} stress", -virial / cell.volume, s["stress"],
                      tol["virial_rel"] * scale / cell.volume)
            chk.close(f"{label} pe/atom vs node energies", ev.atom_energies, s["node_energy"],
                      tol["atom_energy"])
            check_internal(chk, label, ev, tol)


# --------------------------------------------------------------------------
def md_lines(md):
    return [
        f"velocity all create {md['temperature']} {md['seed']} loop geom",
        md.get("fix", "fix eq_int all nve"),
        f"timestep {md['timestep']}",
    ]


def run_variant_protocols(case, ctx, chk, vi, variant):
    """Continuous run (run 0, run N), then restart and read_data restarts.
    Returns (step-0 evaluation, step-N evaluation) of the continuous run."""
    model = ctx.path(case["model"])
    elements = case["elements"]
    tol = case["tolerances"]
    md = case["md"]
    steps = md["steps"]
    label = f"[{lr.describe(variant)}]"
    root = os.path.join(ctx.workdir, f"v{vi}")

    wd = os.path.join(root, "continuous")
    os.makedirs(wd, exist_ok=True)
    if "create" in case:
        # Atoms made by LAMMPS commands instead of a reference structure.
        lines = (lr.setup_lines(ctx.plugin) + case["create"] +
                 lr.pair_lines(variant, model, elements) +
                 ["neighbor 1.0 bin", "neigh_modify every 1 delay 0 check yes"] +
                 lr.output_lines(steps))
    else:
        structure = structures_of(case, ctx)[0]
        LammpsCell(structure).write_data(os.path.join(wd, "structure.data"), elements)
        lines = base_lines(ctx, variant, model, elements, "structure.data", steps)
    lines += md_lines(md)
    lines += ["run 0", lr.print_line(), f"run {steps}", lr.print_line(),
              "write_restart restart.equinet", "write_data after.data"]
    output = lr.run(ctx.lmp, variant, wd, lines)
    start, end = evaluations(output, os.path.join(wd, "dump.atoms"))
    check_internal(chk, f"step 0 {label}", start, tol)
    check_internal(chk, f"step {steps} {label}", end, tol)

    # The pair style keeps no restart info: pair_style/pair_coeff again.
    restarts = {
        "read_restart": [f"plugin load {ctx.plugin}", "read_restart ../continuous/restart.equinet"],
        "read_data": lr.setup_lines(ctx.plugin) + ["read_data ../continuous/after.data"],
    }
    for name, head in restarts.items():
        wd = os.path.join(root, name)
        lines = head + lr.pair_lines(variant, model, elements) + [
            "neighbor 1.0 bin"] + lr.output_lines(1) + ["run 0", lr.print_line()]
        output = lr.run(ctx.lmp, variant, wd, lines)
        again = evaluations(output, os.path.join(wd, "dump.atoms"))[-1]
        what = f"{name} at step {steps} {label}"
        if name == "read_restart":
            chk.true(f"{what} continues at step {steps}", again.step == steps, f"step {again.step}")
        compare(chk, what, again, end, tol)
    return start, end


def compare(chk, what, ev, baseline, tol):
    chk.close(f"{what} energy", ev.energy, baseline.energy, tol["energy_rel"] * abs(baseline.energy))
    chk.close(f"{what} forces", ev.forces, baseline.forces, tol["forces"])
    chk.close(f"{what} virial", ev.virial, baseline.virial, tol["virial"])
    chk.close(f"{what} pe/atom", ev.atom_energies, baseline.atom_energies, tol["atom_energy"])
    chk.close(f"{what} positions", ev.positions, baseline.positions, tol["positions"])
    chk.close(f"{what} velocities", ev.velocities, baseline.velocities, tol["velocities"])


def run_consistency(case, ctx, chk):
    tol = case["tolerances"]
    results = []
    for vi, variant in enumerate(case["variants"]):
        variant = lr.normalise(variant)
        results.append((variant, run_variant_protocols(case, ctx, chk, vi, variant)))
    base_variant, (base_start, base_end) = results[0]
    for variant, (start, end) in results[1:]:
        what = f"[{lr.describe(variant)}] vs [{lr.describe(base_variant)}]"
        compare(chk, f"step 0 {what}", start, base_start, tol)
        compare(chk, f"step {case['md']['steps']} {what}", end, base_end, tol)


# --------------------------------------------------------------------------
def corrupt_models(model, wd):
    """Damaged copies of a model file: cut in half, and its header length
    field pointing past the end of the file."""
    with open(model, "rb") as f:
        blob = f.read()
    paths = {"truncated_model": os.path.join(wd, "truncated.safetensors"),
             "bad_header_model": os.path.join(wd, "bad_header.safetensors")}
    with open(paths["truncated_model"], "wb") as f:
        f.write(blob[: len(blob) // 2])
    with open(paths["bad_header_model"], "wb") as f:
        f.write((len(blob) * 2).to_bytes(8, "little") + blob[8:])
    return paths


def run_errors(case, ctx, chk):
    model = ctx.path(case["model"])
    structure = structures_of(case, ctx)[0]
    os.makedirs(ctx.workdir, exist_ok=True)
    data = os.path.join(ctx.workdir, "structure.data")
    LammpsCell(structure).write_data(data, case["elements"])
    values = {"plugin": ctx.plugin, "model": model, "data": data}
    values.update(corrupt_models(model, ctx.workdir))
    for ei, err in enumerate(case["errors"]):
        for ranks in err.get("ranks", [1]):
            variant = lr.normalise({"style": err.get("style", "equinet"), "ranks": ranks})
            values["style"] = variant["style"]
            lines = [line.format(**values) for line in err["lines"]]
            wd = os.path.join(ctx.workdir, f"e{ei}_r{ranks}")
            what = f"{err['name']} [{lr.describe(variant)}]"
            try:
                output = lr.run(ctx.lmp, variant, wd, lines, timeout=err.get("timeout", 120))
                chk.true(f"{what} fails", False, "LAMMPS exited normally")
                continue
            except lr.LammpsFailed as failed:
                output, rc, reason = failed.output, failed.returncode, str(failed)
            chk.true(f"{what} ends (no hang)", rc is not None, reason)
            chk.true(f"{what} no crash", not lr.signalled(rc, output), f"exit code {rc}")
            match = re.search(err["expect"], output)
            chk.true(f"{what} message /{err['expect']}/", match is not None,
                     (match.group(0) if match else _last_error(output)))


def _last_error(output):
    errors = [l for l in output.splitlines() if "ERROR" in l]
    return errors[-1] if errors else output[-300:]


# --------------------------------------------------------------------------
KINDS = {"reference": run_reference, "consistency": run_consistency, "errors": run_errors}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case")
    parser.add_argument("--lmp", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--shared", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    with open(args.case) as f:
        case = yaml.safe_load(f)
    ctx = Context(args)
    chk = Checker()
    print(f"case {os.path.basename(args.case)}: {case['description']}")
    shutil.rmtree(ctx.workdir, ignore_errors=True)
    try:
        KINDS[case["kind"]](case, ctx, chk)
    except Skip as skip:
        print(f"SKIP: {skip}")
        return SKIP
    except lr.LammpsFailed as failed:
        print(failed.output[-4000:])
        print(f"FAIL: LAMMPS {failed}")
        return 1
    print(f"{chk.failures} failed checks")
    return 1 if chk.failures else 0


if __name__ == "__main__":
    sys.exit(main())
