#!/usr/bin/env python3
"""Checks the include layering of equinet (docs/architecture.md).

Every `#include "equinet/..."` in src/, tools/, lammps_plugin/, openmm_plugin/
and benchmarks/ must point to the same layer or a lower one:

  0 ground     equinet/error.hpp, equinet/detail/
  1 math       equinet/so3/
  2 blocks     equinet/io/, equinet/nn/, equinet/tp/, equinet/neighbor/
  3 interface  equinet/potential.hpp (declarations only)
  4 families   equinet/models/ (common/ first; a family never includes another)
  5 runtime    equinet/runtime/ (load, family registry, instruction-set dispatch)
  6 front ends tools/, lammps_plugin/, openmm_plugin/

Front ends reach the core through potential.hpp (and io/ for file formats):
never models/, runtime/ or detail/. runtime/ and potential.hpp name no family.
Prints every violation and exits 1 if there is one.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^\s*#\s*include\s+[<"](equinet/[^">]+)[">]', re.M)
BLOCKS = ("io", "nn", "tp", "neighbor")
FRONT_ENDS = ("tools", "lammps_plugin", "openmm_plugin")
FAMILY_WORDS = re.compile(r"\bmace\b", re.I)


def layer_of(header):
    """(layer, family) of a path relative to src/, e.g. 'equinet/so3/irreps.hpp'."""
    parts = header.split("/")
    if header == "equinet/error.hpp" or parts[1] == "detail":
        return 0, None
    if parts[1] == "so3":
        return 1, None
    if parts[1] in BLOCKS:
        return 2, None
    if header == "equinet/potential.hpp":
        return 3, None
    if parts[1] == "models":
        family = parts[2] if len(parts) > 3 else None  # None: models/families.*
        return 4, family
    if parts[1] == "runtime":
        return 5, None
    raise ValueError(f"{header}: in no layer (add it to scripts/check_layers.py)")


def sources():
    for top in ("src",) + FRONT_ENDS:  # benchmarks/ and tests/ may use any layer
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in (".hpp", ".cpp", ".h", ".i") and "build" not in path.parts:
                yield path


def main():
    problems = []
    for path in sources():
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel.startswith("src/equinet/"):
            me, my_family = layer_of(rel[len("src/"):])
        else:
            me, my_family = 6, None
        for target in INCLUDE.findall(text):
            them, their_family = layer_of(target)
            if me == 6 and target != "equinet/potential.hpp" and target.split("/")[1] != "io":
                problems.append(f"{rel}: front end includes {target} (only potential.hpp and io/)")
            elif them > me:
                problems.append(f"{rel}: includes {target}, a higher layer ({them} > {me})")
            elif (me == 4 and them == 4 and my_family not in (None, "common")
                  and their_family not in ("common", my_family)):
                problems.append(f"{rel}: family {my_family} includes family {their_family}")
            elif me == 4 and my_family == "common" and them == 4 and their_family != "common":
                problems.append(f"{rel}: models/common includes {target}")
        if rel.startswith("src/equinet/runtime/") or rel == "src/equinet/potential.hpp":
            for n, line in enumerate(text.splitlines(), 1):
                if FAMILY_WORDS.search(line):
                    problems.append(f"{rel}:{n}: names a model family: {line.strip()}")
    for p in problems:
        print(p)
    print(f"check_layers: {len(problems)} problem(s) in {sum(1 for _ in sources())} files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
