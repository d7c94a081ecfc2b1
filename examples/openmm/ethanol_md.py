#!/usr/bin/python3
"""NVE molecular dynamics of one ethanol molecule with the ethanol-xtb-mace potential.

The potential (potentials/ethanol-xtb-mace.safetensors, card beside it) is a MACE
model trained on GFN2-xTB energies and forces of gas-phase ethanol. The script
minimises the geometry, draws velocities at --temperature, runs velocity-Verlet
NVE with OpenMM's VerletIntegrator, prints energies with OpenMM's
StateDataReporter and writes a DCD trajectory with its DCDReporter, then reports
the drift of the total energy.

    PYTHONPATH=<build>/openmm_plugin/python/module /usr/bin/python3 \\
        examples/openmm/ethanol_md.py --steps 10000 --dt 0.5
"""
import argparse
import pathlib
import sys

import numpy as np
import openmm
import openmm.app as app
import openmm.unit as unit

import openmmequinet  # registers EquinetForce and loads the equinet kernels

HERE = pathlib.Path(__file__).resolve().parent
MODEL = HERE.parents[1] / "potentials" / "ethanol-xtb-mace.safetensors"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--dt", type=float, default=0.5, help="time step in fs")
    parser.add_argument("--temperature", type=float, default=300.0, help="initial temperature in K")
    parser.add_argument("--report-interval", type=int, default=100)
    parser.add_argument("--platform", default="CPU", choices=["CPU", "Reference"])
    parser.add_argument("--precision", default="float64", choices=["float32", "float64"])
    parser.add_argument("--model", default=str(MODEL))
    parser.add_argument("--output", default="ethanol", help="prefix of the .dcd and .csv files")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    pdb = app.PDBFile(str(HERE / "ethanol.pdb"))
    system = openmm.System()
    for atom in pdb.topology.atoms():
        system.addParticle(atom.element.mass)
    force = openmmequinet.EquinetForce(args.model, pdb.topology)
    if args.precision == "float32":
        force.setPrecision(openmmequinet.EquinetForce.Float32)
    system.addForce(force)

    integrator = openmm.VerletIntegrator(args.dt * unit.femtoseconds)
    simulation = app.Simulation(pdb.topology, system, integrator, openmm.Platform.getPlatformByName(args.platform))
    simulation.context.setPositions(pdb.positions)
    simulation.minimizeEnergy(tolerance=0.1 * unit.kilojoule_per_mole / unit.nanometer)
    simulation.context.setVelocitiesToTemperature(args.temperature * unit.kelvin, args.seed)
    remove_centre_of_mass_motion(simulation.context, system)

    columns = dict(step=True, time=True, potentialEnergy=True, kineticEnergy=True, totalEnergy=True,
                   temperature=True)
    simulation.reporters.append(app.StateDataReporter(sys.stdout, args.report_interval * 10, speed=True, **columns))
    simulation.reporters.append(app.StateDataReporter(args.output + ".csv", args.report_interval, **columns))
    simulation.reporters.append(app.DCDReporter(args.output + ".dcd", args.report_interval))
    simulation.step(args.steps)
    report_drift(args.output + ".csv", system.getNumParticles())


def remove_centre_of_mass_motion(context, system):
    """NVE without a CMMotionRemover (it would change the kinetic energy)."""
    masses = np.array([system.getParticleMass(i).value_in_unit(unit.dalton) for i in range(system.getNumParticles())])
    velocities = context.getState(getVelocities=True).getVelocities(asNumpy=True).value_in_unit(unit.nanometer / unit.picosecond)
    velocities -= masses @ velocities / masses.sum()
    context.setVelocities(velocities * unit.nanometer / unit.picosecond)


def report_drift(csv, atoms):
    """Drift of the total energy: end - start, slope of a linear fit, fluctuation."""
    data = np.genfromtxt(csv, delimiter=",", names=True)
    time = data["Time_ps"]
    total = data["Total_Energy_kJmole"] / 96.48533212331002 * 1000.0 / atoms  # meV/atom
    slope = np.polyfit(time, total, 1)[0]
    print(f"NVE total energy over {time[-1] - time[0]:.3f} ps ({atoms} atoms): "
          f"end - start {total[-1] - total[0]:+.4f} meV/atom, linear drift {slope:+.4f} meV/atom/ps, "
          f"std {total.std():.4f} meV/atom, max |E - E0| {np.abs(total - total[0]).max():.4f} meV/atom")


if __name__ == "__main__":
    main()
