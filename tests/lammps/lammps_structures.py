"""Reference structures -> LAMMPS data files, and LAMMPS results -> the
reference frame.

LAMMPS needs a lower-triangular cell (a along x, b in the xy plane) with
small tilt factors. A general cell is brought there by an orthogonal map Q
(x_lammps = x Q for row vectors) and a lattice reduction (same lattice,
different basis). Energies are invariant; forces map back as f = f_lammps Q^T
and the virial as W = Q W_lammps Q^T. If the cell is left-handed, Q is a
reflection: MACE energies are invariant under O(3), so the comparison holds.
"""

import numpy as np

# LAMMPS's conversion factor for units metal (update.cpp): pressure in bar
# from eV/A^3.
NKTV2P_METAL = 1.6021765e6

MASSES = {1: 1.008, 6: 12.011, 7: 14.007, 8: 15.999, 14: 28.0855}


class LammpsCell:
    """A periodic reference structure expressed in LAMMPS's frame."""

    def __init__(self, structure):
        cell = np.array(structure["cell"], dtype=float)
        if not all(structure["pbc"]):
            raise ValueError(f"{structure.get('name')}: only fully periodic structures are supported")
        q, r = np.linalg.qr(cell.T)
        # Make the diagonal of r positive: flip the signs of q's columns.
        signs = np.sign(np.diag(r))
        signs[signs == 0] = 1.0
        q = q * signs
        lower = cell @ q  # rows: lattice vectors in the LAMMPS frame
        a, b, c = lower.copy()
        # Lattice reduction: |xy| <= lx/2, |xz| <= lx/2, |yz| <= ly/2.
        c = c - np.round(c[1] / b[1]) * b
        c = c - np.round(c[0] / a[0]) * a
        b = b - np.round(b[0] / a[0]) * a
        self.q = q
        self.a, self.b, self.c = a, b, c
        self.positions = np.array(structure["positions"], dtype=float) @ q
        self.numbers = list(structure["numbers"])
        self.volume = abs(np.linalg.det(cell))
        self.extra = np.zeros((0, 3))

    def types(self, elements):
        """LAMMPS type (1-based index into elements) of every atom."""
        from_z = {_atomic_number(e): i + 1 for i, e in enumerate(elements) if e != "NULL"}
        return [from_z[z] for z in self.numbers]

    def add_null_atoms(self, count, seed):
        """Appends `count` atoms at random places, of the type mapped to NULL
        (left to another pair style): they must not change the results."""
        frac = np.random.default_rng(seed).random((count, 3))
        self.extra = frac @ np.array([self.a, self.b, self.c])

    def write_data(self, path, elements):
        a, b, c = self.a, self.b, self.c
        lines = [
            "equinet test structure",
            "",
            f"{len(self.numbers) + len(self.extra)} atoms",
            f"{len(elements)} atom types",
            "",
            f"0.0 {a[0]:.17g} xlo xhi",
            f"0.0 {b[1]:.17g} ylo yhi",
            f"0.0 {c[2]:.17g} zlo zhi",
        ]
        # Orthogonal cells stay orthogonal boxes (LAMMPS's other code path).
        if any(t != 0.0 for t in (b[0], c[0], c[1])):
            lines.append(f"{b[0]:.17g} {c[0]:.17g} {c[1]:.17g} xy xz yz")
        lines += [
            "",
            "Masses",
            "",
        ]
        lines += [f"{i + 1} {MASSES[_atomic_number(e)] if e != 'NULL' else 1.0}"
                  for i, e in enumerate(elements)]
        lines += ["", "Atoms # atomic", ""]
        types = self.types(elements)
        positions = self.positions
        if len(self.extra):
            types = types + [elements.index("NULL") + 1] * len(self.extra)
            positions = np.concatenate([positions, self.extra])
        for i, (t, x) in enumerate(zip(types, positions)):
            lines.append(f"{i + 1} {t} {x[0]:.17g} {x[1]:.17g} {x[2]:.17g}")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def forces_to_reference(self, forces):
        return np.asarray(forces) @ self.q.T

    def virial_to_reference(self, w):
        return self.q @ np.asarray(w) @ self.q.T


def virial_from_pressure(pressure6, volume):
    """compute pressure (bar; xx yy zz xy xz yz) of the virial only -> W (eV, 3x3)."""
    xx, yy, zz, xy, xz, yz = (p * volume / NKTV2P_METAL for p in pressure6)
    return np.array([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]])


def virial_from_stress_atom(stress6):
    """Sum of compute stress/atom (virial only, bar*A^3) -> W (eV, 3x3)."""
    xx, yy, zz, xy, xz, yz = (-s / NKTV2P_METAL for s in np.sum(stress6, axis=0))
    return np.array([[xx, xy, xz], [xy, yy, yz], [xz, yz, zz]])


def virial_from_centroid_stress_atom(stress9):
    """Sum of compute centroid/stress/atom (xx yy zz xy xz yz yx zx zy) -> W."""
    s = -np.sum(stress9, axis=0) / NKTV2P_METAL
    return np.array([[s[0], s[3], s[4]], [s[6], s[1], s[5]], [s[7], s[8], s[2]]])


_SYMBOLS = {"H": 1, "C": 6, "N": 7, "O": 8, "Si": 14}


def _atomic_number(symbol):
    return _SYMBOLS[symbol]
