"""`equinet eval` seen from ASE: outputs read by ase.io.read and compared with
the mace-torch references (../shared/testdata/mace/*_ref.json). Inputs are
written either here with full precision (tight tolerances) or by ase.io.write,
which rounds positions to 8 decimals (|δx| <= 5e-9 Å: tolerances of that
rounding, as in CliEvalShipped). Skipped without ASE (python3-ase).
Environment (set by ctest): EQUINET_CLI, EQUINET_SHARED_DIR.
"""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

ase_io = pytest.importorskip("ase.io")
from ase import Atoms  # noqa: E402

SHARED_DIR = Path(os.environ.get("EQUINET_SHARED_DIR",
                                 Path(__file__).resolve().parents[3] / "shared"))
MACE_DATA = SHARED_DIR / "testdata" / "mace"


def write_exact(path, refs):
    """extxyz with shortest round-trip reprs (what ase.io.write does not do)."""
    lines = []
    for r in refs:
        header = 'Properties=species:S:1:pos:R:3 pbc="{}"'.format(
            " ".join("T" if p else "F" for p in r["pbc"]))
        if any(r["pbc"]):
            header = 'Lattice="{}" '.format(" ".join(repr(x) for row in r["cell"] for x in row)) + header
        lines += [str(len(r["numbers"])), header]
        for z, p in zip(r["numbers"], r["positions"]):
            lines.append(Atoms(numbers=[z]).get_chemical_symbols()[0] + " " +
                         " ".join(repr(float(x)) for x in p))
    path.write_text("\n".join(lines) + "\n")


TIGHT = dict(energy_rel=1e-10, forces=1e-8, node_energy=1e-9, virial=1e-8, stress=1e-8)
ROUNDED = dict(energy_rel=1e-9, forces=1e-5, node_energy=1e-6, virial=1e-5, stress=1e-7)


@pytest.mark.parametrize("writer", ["exact", "ase"])
@pytest.mark.parametrize("name", ["small", "periodic"])
def test_eval_round_trip_through_ase(tmp_path, name, writer):
    cli = os.environ.get("EQUINET_CLI")
    if not cli or not Path(cli).exists():
        pytest.skip("EQUINET_CLI (the built equinet tool) not given")
    if not (MACE_DATA / f"{name}_ref.json").exists():
        pytest.skip("../shared reference data not available")
    refs = json.loads((MACE_DATA / f"{name}_ref.json").read_text())
    frames = []
    for r in refs:
        periodic = any(r["pbc"])
        frames.append(Atoms(numbers=r["numbers"], positions=r["positions"],
                            cell=r["cell"] if periodic else None, pbc=r["pbc"]))
    src = tmp_path / "in.extxyz"
    if writer == "ase":
        ase_io.write(src, frames, format="extxyz")
        tol = ROUNDED
    else:
        write_exact(src, refs)
        tol = TIGHT
    out = tmp_path / "out.extxyz"
    run = subprocess.run([cli, "eval", str(MACE_DATA / f"{name}.safetensors"), str(src),
                          "-o", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr

    results = ase_io.read(out, ":", format="extxyz")
    assert len(results) == len(refs)
    for atoms, r in zip(results, refs):
        assert atoms.get_potential_energy() == pytest.approx(r["energy"], rel=tol["energy_rel"])
        np.testing.assert_allclose(atoms.get_forces(), r["forces"], rtol=0, atol=tol["forces"])
        np.testing.assert_allclose(atoms.arrays["node_energy"], r["node_energy"], rtol=0,
                                   atol=tol["node_energy"])
        np.testing.assert_allclose(np.reshape(atoms.info["virial"], (3, 3)), r["virial"],
                                   rtol=0, atol=tol["virial"])
        if r["stress"] is None:
            assert "stress" not in atoms.info and "stress" not in atoms.calc.results
        else:
            np.testing.assert_allclose(atoms.get_stress(voigt=False), r["stress"],
                                       rtol=0, atol=tol["stress"])
