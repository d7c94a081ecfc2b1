#!/usr/bin/python3
"""ML/MM: one ethanol molecule (ethanol-xtb-mace) in a periodic box of TIP3P water (CHARMM36).

The whole system first gets a classical force field (OpenMM's charmm36.xml:
its ETOH residue and CHARMM TIP3P water). The ethanol's internal classical
terms (bonds, angles, torsions, Urey-Bradley, and nonbonded pairs within the
molecule) are then removed and replaced by an EquinetForce acting on the
ethanol's atoms only; ethanol-water interactions stay classical (CHARMM
charges and Lennard-Jones: mechanical embedding). Water is rigid, ethanol
flexible, so the time step is 0.5 fs. Langevin dynamics at 300 K, with
OpenMM's reporters writing energies and a DCD trajectory.

    PYTHONPATH=<build>/openmm_plugin/python/module /usr/bin/python3 \\
        examples/openmm/mlmm_ethanol_water.py --steps 2000
"""
import argparse
import itertools
import pathlib
import re
import sys
from xml.etree import ElementTree

import openmm
import openmm.app as app
import openmm.unit as unit

import openmmequinet  # registers EquinetForce and loads the equinet kernels

HERE = pathlib.Path(__file__).resolve().parent
MODEL = HERE.parents[1] / "potentials" / "ethanol-xtb-mace.safetensors"

# Bonded forces: their terms are XML elements whose particles are attributes
# p1, p2, ... (a1..b4 for CMAP torsions).
BONDED = (openmm.HarmonicBondForce, openmm.HarmonicAngleForce, openmm.PeriodicTorsionForce,
          openmm.RBTorsionForce, openmm.CMAPTorsionForce, openmm.CustomBondForce, openmm.CustomAngleForce,
          openmm.CustomTorsionForce)
PARTICLE_ATTRIBUTE = re.compile(r"^[pab][0-9]$")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--box", type=float, default=2.4, help="cubic box edge in nm")
    parser.add_argument("--platform", default="CPU", choices=["CPU", "Reference"])
    parser.add_argument("--model", default=str(MODEL))
    parser.add_argument("--output", default="mlmm", help="prefix of the .pdb, .dcd and .csv files")
    parser.add_argument("--report-interval", type=int, default=100)
    args = parser.parse_args()

    forcefield = app.ForceField("charmm36.xml", "charmm36/water.xml")
    pdb = app.PDBFile(str(HERE / "ethanol.pdb"))
    modeller = app.Modeller(pdb.topology, pdb.positions)
    templates = {next(pdb.topology.residues()): "ETOH"}
    modeller.addSolvent(forcefield, model="tip3p", boxSize=openmm.Vec3(args.box, args.box, args.box) * unit.nanometer)
    topology = modeller.topology
    ethanol = [atom.index for atom in next(topology.residues()).atoms()]
    print(f"{topology.getNumAtoms()} atoms: ethanol {ethanol} (ML), {topology.getNumResidues() - 1} waters (MM)")

    system = forcefield.createSystem(topology, nonbondedMethod=app.PME, nonbondedCutoff=1.0 * unit.nanometer,
                                     constraints=None, rigidWater=True, residueTemplates=templates)
    remove_internal_terms(system, set(ethanol))
    ml = openmmequinet.EquinetForce(args.model, topology, ethanol)
    ml.setUsesPeriodicBoundaryConditions(True)
    ml.setForceGroup(1)
    system.addForce(ml)

    integrator = openmm.LangevinMiddleIntegrator(300 * unit.kelvin, 1 / unit.picosecond, 0.5 * unit.femtoseconds)
    simulation = app.Simulation(topology, system, integrator, openmm.Platform.getPlatformByName(args.platform))
    simulation.context.setPositions(modeller.positions)
    simulation.minimizeEnergy()
    simulation.context.setVelocitiesToTemperature(300 * unit.kelvin, 1)
    ml_energy = simulation.context.getState(getEnergy=True, groups={1}).getPotentialEnergy()
    print(f"ML energy of the ethanol after minimisation: {ml_energy}")

    with open(args.output + ".pdb", "w") as out:
        app.PDBFile.writeFile(topology, simulation.context.getState(getPositions=True).getPositions(), out)
    columns = dict(step=True, time=True, potentialEnergy=True, kineticEnergy=True, totalEnergy=True,
                   temperature=True, density=True)
    simulation.reporters.append(app.StateDataReporter(sys.stdout, args.report_interval * 5, speed=True, **columns))
    simulation.reporters.append(app.StateDataReporter(args.output + ".csv", args.report_interval, **columns))
    simulation.reporters.append(app.DCDReporter(args.output + ".dcd", args.report_interval))
    simulation.step(args.steps)


def remove_internal_terms(system, ml):
    """Drops the classical interactions within the ML region; the rest stays."""
    for index in reversed(range(system.getNumForces())):
        force = system.getForce(index)
        if isinstance(force, BONDED):
            system.addForce(without_ml_terms(force, ml))
            system.removeForce(index)
    pairs = list(itertools.combinations(sorted(ml), 2))
    for force in system.getForces():
        if isinstance(force, openmm.NonbondedForce):
            for i, j in pairs:
                force.addException(i, j, 0.0, 1.0, 0.0, replace=True)
        elif isinstance(force, openmm.CustomNonbondedForce):
            excluded = {tuple(sorted(force.getExclusionParticles(k))) for k in range(force.getNumExclusions())}
            for pair in pairs:
                if pair not in excluded:
                    force.addExclusion(*pair)


def without_ml_terms(force, ml):
    """A copy of a bonded force without the terms whose particles all lie in the ML region."""
    root = ElementTree.fromstring(openmm.XmlSerializer.serialize(force))
    for terms in root:
        for term in list(terms):
            particles = [int(value) for name, value in term.attrib.items() if PARTICLE_ATTRIBUTE.match(name)]
            if particles and set(particles) <= ml:
                terms.remove(term)
    return openmm.XmlSerializer.deserialize(ElementTree.tostring(root, encoding="unicode"))


if __name__ == "__main__":
    main()
