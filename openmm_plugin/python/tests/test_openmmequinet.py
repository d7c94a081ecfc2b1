"""Tests of the openmmequinet Python module against mace-torch references.

Run by ctest (test openmm_python) with PYTHONPATH set to the built module;
reference data come from $EQUINET_SHARED_DIR (default: ../shared beside the
repository) and the tests skip when it is absent.
"""
import copy
import json
import os
import pathlib
import pickle
import shutil
import subprocess
import sys

import numpy as np
import openmm
import openmm.app as app
import pytest

import openmmequinet
from openmmequinet import EquinetForce

EV = 96.48533212331002  # kJ/mol per eV (CODATA 2018: e * N_A / 1000)
NM = 10.0  # Å per nm
FORCE = EV * NM  # kJ/mol/nm per eV/Å

REPO = pathlib.Path(os.environ.get("EQUINET_SOURCE_DIR", pathlib.Path(__file__).parents[3]))
SHARED = pathlib.Path(os.environ.get("EQUINET_SHARED_DIR", REPO.parent / "shared"))
MACE = SHARED / "testdata" / "mace"
PLATFORMS = [
    name
    for name in ("Reference", "CPU")
    if name in [openmm.Platform.getPlatform(i).getName() for i in range(openmm.Platform.getNumPlatforms())]
]

needs_shared = pytest.mark.skipif(not MACE.is_dir(), reason="no ../shared reference data")


def reference(name):
    return json.loads((MACE / f"{name}_ref.json").read_text())


def openmm_frame(cell):
    """Rotation R (rows: new axes) and a reduced cell in OpenMM's triclinic form."""
    a, b, c = np.asarray(cell, dtype=float)
    e1 = a / np.linalg.norm(a)
    e2 = b - (b @ e1) * e1
    e2 /= np.linalg.norm(e2)
    rotation = np.array([e1, e2, np.cross(e1, e2)])
    a, b, c = rotation @ a, rotation @ b, rotation @ c
    a[1:] = 0.0
    b[2] = 0.0
    if c[2] < 0:
        c = -c
    c -= round(c[1] / b[1]) * b
    c -= round(c[0] / a[0]) * a
    b -= round(b[0] / a[0]) * a
    return rotation, np.array([a, b, c])


def build(structure, model, particles=(), platform="Reference"):
    """A Context with one EquinetForce on a reference structure, in OpenMM's frame."""
    positions = np.asarray(structure["positions"], dtype=float)
    rotation = np.eye(3)
    system = openmm.System()
    for _ in structure["numbers"]:
        system.addParticle(1.0)
    force = EquinetForce(str(model), structure["numbers"], list(particles))
    if structure["pbc"][0]:
        rotation, cell = openmm_frame(structure["cell"])
        system.setDefaultPeriodicBoxVectors(*(openmm.Vec3(*row) / NM for row in cell))
        force.setUsesPeriodicBoundaryConditions(True)
    system.addForce(force)
    context = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName(platform))
    context.setPositions(positions @ rotation.T / NM)
    return context, rotation


def energy_forces(context, groups=-1):
    state = context.getState(getEnergy=True, getForces=True, groups=groups)
    energy = state.getPotentialEnergy().value_in_unit(openmm.unit.kilojoule_per_mole)
    forces = state.getForces(asNumpy=True).value_in_unit(openmm.unit.kilojoule_per_mole / openmm.unit.nanometer)
    return energy, np.asarray(forces)


CASES = [(model, index) for model in ("small", "periodic") for index in range(3)]


@needs_shared
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("model,index", CASES)
def test_matches_mace_torch(platform, model, index):
    structure = reference(model)[index]
    context, rotation = build(structure, MACE / f"{model}.safetensors", platform=platform)
    energy, forces = energy_forces(context)
    assert energy / EV == pytest.approx(structure["energy"], rel=1e-10, abs=0)
    np.testing.assert_allclose(forces @ rotation / FORCE, structure["forces"], rtol=0, atol=1e-8)


def test_shipped_ethanol_potential_from_topology():
    model = REPO / "potentials" / "ethanol-xtb-mace.safetensors"
    references = json.loads((REPO / "potentials" / "ethanol-xtb-mace_ref.json").read_text())
    for structure in references:
        topology = app.Topology()
        residue = topology.addResidue("ETH", topology.addChain())
        for z in structure["numbers"]:
            element = app.Element.getByAtomicNumber(z)
            topology.addAtom(element.symbol, element, residue)
        system = openmm.System()
        for atom in topology.atoms():
            system.addParticle(atom.element.mass)
        force = EquinetForce(str(model), topology)
        assert force.getAtomicNumbers() == structure["numbers"]
        by_keyword = EquinetForce(modelFile=str(model), atomicNumbers=topology, particles=[0, 1, 2])
        assert by_keyword.getAtomicNumbers() == structure["numbers"] and by_keyword.getParticles() == [0, 1, 2]
        system.addForce(force)
        context = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName("Reference"))
        context.setPositions(np.asarray(structure["positions"]) / NM)
        energy, forces = energy_forces(context)
        assert energy / EV == pytest.approx(structure["energy"], rel=1e-10, abs=0)
        np.testing.assert_allclose(forces / FORCE, structure["forces"], rtol=0, atol=1e-8)


@needs_shared
def test_subset_is_model_on_subset_alone():
    structure = reference("small")[1]
    subset = [9, 10, 11, 0, 1, 2]
    alone = dict(structure, numbers=[structure["numbers"][i] for i in subset],
                 positions=[structure["positions"][i] for i in subset])
    structure = dict(structure, numbers=list(structure["numbers"]))
    structure["numbers"][26] = 17  # chlorine outside the subset: the model needs not know it
    energy, forces = energy_forces(build(structure, MACE / "small.safetensors", subset)[0])
    energy_alone, forces_alone = energy_forces(build(alone, MACE / "small.safetensors")[0])
    assert energy == pytest.approx(energy_alone, rel=1e-12, abs=0)
    np.testing.assert_allclose(forces[subset], forces_alone, rtol=0, atol=1e-8)
    outside = np.setdiff1d(np.arange(len(forces)), subset)
    assert np.all(forces[outside] == 0.0)


@needs_shared
def test_force_groups_and_float32():
    structure = reference("small")[0]
    system = openmm.System()
    for _ in structure["numbers"]:
        system.addParticle(1.0)
    double = EquinetForce(str(MACE / "small.safetensors"), structure["numbers"])
    assert double.getForceGroup() == 0 and double.getPrecision() == EquinetForce.Float64
    single = copy.deepcopy(double)
    single.setPrecision(EquinetForce.Float32)
    single.setForceGroup(5)
    system.addForce(double)
    system.addForce(single)
    assert EquinetForce.cast(system.getForce(1)).getPrecision() == EquinetForce.Float32
    context = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName("Reference"))
    context.setPositions(np.asarray(structure["positions"]) / NM)
    e64, f64 = energy_forces(context, groups={0})
    e32, f32 = energy_forces(context, groups={5})
    assert e64 / EV == pytest.approx(structure["energy"], rel=1e-10, abs=0)
    np.testing.assert_allclose(f64 / FORCE, structure["forces"], rtol=0, atol=1e-8)
    assert e32 / EV == pytest.approx(structure["energy"], rel=1e-5)
    np.testing.assert_allclose(f32 / FORCE, structure["forces"], atol=1e-3)


@needs_shared
def test_errors_are_python_exceptions():
    small = str(MACE / "small.safetensors")
    with pytest.raises(openmm.OpenMMException, match="no/such/model"):
        EquinetForce("/no/such/model.safetensors", [8, 1, 1])
    with pytest.raises(openmm.OpenMMException, match=r"particle 1 has atomic number 11"):
        EquinetForce(small, [8, 11, 1])
    with pytest.raises(openmm.OpenMMException, match="index 3 is out of range"):
        EquinetForce(small, [8, 1, 1], [0, 3])
    with pytest.raises(TypeError):
        EquinetForce(small, [8, 1, "H"])
    system = openmm.System()
    system.addParticle(1.0)
    system.addForce(EquinetForce(small, [8, 1, 1]))
    with pytest.raises(openmm.OpenMMException, match="System has 1"):
        openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName("Reference"))


FRESH_PROCESS = """
import sys, numpy as np, openmm, openmmequinet
system = openmm.XmlSerializer.deserialize(open(sys.argv[1]).read())
context = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName("Reference"))
context.setPositions(np.load(sys.argv[2]))
state = context.getState(getEnergy=True, getForces=True)
print(repr(state.getPotentialEnergy()._value))
np.save(sys.argv[3], state.getForces(asNumpy=True)._value)
"""


@needs_shared
def test_xml_round_trip_in_fresh_process_without_model_file(tmp_path):
    structure = reference("periodic")[1]
    model = tmp_path / "copy.safetensors"
    shutil.copy(MACE / "periodic.safetensors", model)
    context, _ = build(structure, model, particles=[0, 5, 10, 20, 30, 40])
    EquinetForce.cast(context.getSystem().getForce(0)).setForceGroup(1)
    energy, forces = energy_forces(context)
    xml = tmp_path / "system.xml"
    xml.write_text(openmm.XmlSerializer.serialize(context.getSystem()))
    model.unlink()
    positions = context.getState(getPositions=True).getPositions(asNumpy=True)._value
    np.save(tmp_path / "positions.npy", positions)
    result = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS, str(xml), str(tmp_path / "positions.npy"), str(tmp_path / "forces.npy")],
        capture_output=True, text=True, check=True)
    assert float(result.stdout.strip().splitlines()[-1]) == energy
    assert np.array_equal(np.load(tmp_path / "forces.npy"), forces)


@needs_shared
def test_pickle_keeps_the_force():
    force = EquinetForce(str(MACE / "small.safetensors"), [8, 1, 1], [0, 2])
    force.setUsesPeriodicBoundaryConditions(True)
    restored = pickle.loads(pickle.dumps(force))
    assert isinstance(restored, EquinetForce)
    assert restored.getParticles() == [0, 2] and restored.usesPeriodicBoundaryConditions()
    assert restored.getCutoff() == pytest.approx(0.4)
