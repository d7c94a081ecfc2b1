#!/usr/bin/python3
"""Throughput of EquinetForce MD: a periodic box of ethanol molecules (~300 atoms).

Molecules are copies of examples/openmm/ethanol.pdb on a grid, each in the
best of many random orientations, in a cubic box of the given density; the
ethanol-xtb-mace potential (trained on isolated molecules, so this measures
speed, not liquid ethanol) acts on all of them with periodic boundaries. After
a short minimisation and warm-up, --steps velocity-Verlet steps are timed.

    OMP_NUM_THREADS=2 OMP_PROC_BIND=false PYTHONPATH=<build>/openmm_plugin/python/module \\
        /usr/bin/python3 examples/openmm/throughput_ethanol_box.py --molecules 33 --steps 1000
"""
import argparse
import os
import pathlib
import time

import numpy as np
import openmm
import openmm.app as app
import openmm.unit as unit

import openmmequinet

HERE = pathlib.Path(__file__).resolve().parent
MODEL = HERE.parents[1] / "potentials" / "ethanol-xtb-mace.safetensors"
ETHANOL_MASS = 46.069  # g/mol
AVOGADRO = 6.02214076e23


def random_rotation(rng):
    q = rng.normal(size=4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def build_box(molecules, density, seed):
    """Positions (nm) of ethanol copies on a grid in a cubic box, and its edge (nm).

    Each copy gets the best of many random orientations: the one farthest
    (minimum image) from the atoms already placed.
    """
    pdb = app.PDBFile(str(HERE / "ethanol.pdb"))
    template = pdb.getPositions(asNumpy=True).value_in_unit(unit.nanometer)
    template = template - template.mean(axis=0)
    edge = (molecules * ETHANOL_MASS / AVOGADRO / density * 1e21) ** (1 / 3)  # nm
    per_side = int(np.ceil(molecules ** (1 / 3)))
    slots = (np.array(np.meshgrid(*[np.arange(per_side)] * 3, indexing="ij")).reshape(3, -1).T + 0.5) * edge / per_side
    rng = np.random.default_rng(seed)
    placed = np.zeros((0, 3))
    for slot in slots[rng.permutation(len(slots))[:molecules]]:
        best, best_distance = None, -1.0
        for _ in range(500):
            candidate = template @ random_rotation(rng).T + slot
            if len(placed) == 0:
                best = candidate
                break
            delta = candidate[:, None, :] - placed[None, :, :]
            delta -= edge * np.round(delta / edge)
            distance = np.sqrt((delta ** 2).sum(-1)).min()
            if distance > best_distance:
                best, best_distance = candidate, distance
        placed = np.vstack([placed, best])
    return pdb.topology, placed, edge


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--molecules", type=int, default=33)
    parser.add_argument("--density", type=float, default=0.7, help="g/cm^3")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--dt", type=float, default=0.5, help="fs")
    parser.add_argument("--platform", default="CPU", choices=["CPU", "Reference"])
    parser.add_argument("--precision", default="float64", choices=["float32", "float64"])
    parser.add_argument("--model", default=str(MODEL))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    molecule, positions, edge = build_box(args.molecules, args.density, args.seed)
    numbers = [atom.element.atomic_number for atom in molecule.atoms()] * args.molecules
    masses = [atom.element.mass for atom in molecule.atoms()] * args.molecules
    system = openmm.System()
    for mass in masses:
        system.addParticle(mass)
    system.setDefaultPeriodicBoxVectors(openmm.Vec3(edge, 0, 0), openmm.Vec3(0, edge, 0), openmm.Vec3(0, 0, edge))
    force = openmmequinet.EquinetForce(args.model, numbers)
    force.setUsesPeriodicBoundaryConditions(True)
    if args.precision == "float32":
        force.setPrecision(openmmequinet.EquinetForce.Float32)
    system.addForce(force)

    integrator = openmm.VerletIntegrator(args.dt * unit.femtoseconds)
    context = openmm.Context(system, integrator, openmm.Platform.getPlatformByName(args.platform))
    context.setPositions(positions)
    openmm.LocalEnergyMinimizer.minimize(context, 10.0, 200)
    context.setVelocitiesToTemperature(300 * unit.kelvin, args.seed)
    integrator.step(10)  # warm-up: first-call allocations

    start, start_cpu = time.perf_counter(), time.process_time()
    integrator.step(args.steps)
    state = context.getState(getEnergy=True)  # waits for the last step
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    per_step = elapsed / args.steps
    ns_per_day = args.dt * 1e-6 * 86400 / per_step
    print(f"{system.getNumParticles()} atoms, box {edge * 10:.2f} A, {args.platform}, {args.precision}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}: {args.steps} steps in {elapsed:.2f} s = "
          f"{per_step * 1e3:.2f} ms/step, {1 / per_step:.1f} steps/s, {ns_per_day:.4f} ns/day at {args.dt} fs "
          f"(CPU time of all threads {cpu / args.steps * 1e3:.2f} ms/step; wall time suffers on a busy machine); "
          f"final potential energy {state.getPotentialEnergy()}")


if __name__ == "__main__":
    main()
