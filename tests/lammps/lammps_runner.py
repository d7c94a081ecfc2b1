"""Writes LAMMPS inputs for one test variant, runs lmp (through mpirun for
several ranks) and reads back what it printed and dumped.

A variant is a dict: style ("equinet" or "equinet/kk"), ranks, mode
("exchange" or "recompute"), precision ("float64" or "float32"), threads
(OpenMP/Kokkos threads per rank).
"""

import os
import re
import shutil
import signal
import subprocess

import numpy as np

# Per-atom columns dumped after every evaluation, and the thermo values
# printed (prefixed by a marker so that the parser finds them).
DUMP_COLUMNS = (
    "id type xu yu zu vx vy vz fx fy fz c_eq_pe c_eq_sa[1] c_eq_sa[2] c_eq_sa[3] c_eq_sa[4] "
    "c_eq_sa[5] c_eq_sa[6] c_eq_csa[1] c_eq_csa[2] c_eq_csa[3] c_eq_csa[4] c_eq_csa[5] "
    "c_eq_csa[6] c_eq_csa[7] c_eq_csa[8] c_eq_csa[9]"
)
THERMO = ["step", "pe", "ke", "etotal", "vol", "c_eq_vir[1]", "c_eq_vir[2]", "c_eq_vir[3]",
          "c_eq_vir[4]", "c_eq_vir[5]", "c_eq_vir[6]", "press"]
MARKER = "EQUINET_RESULT"


class LammpsFailed(RuntimeError):
    def __init__(self, message, output, returncode):
        super().__init__(message)
        self.output = output
        self.returncode = returncode


def describe(variant):
    return "{style} ranks={ranks} mode={mode} precision={precision} radial_table={radial_table}".format(
        **normalise(variant))


def normalise(variant):
    v = {"style": "equinet", "ranks": 1, "mode": "exchange", "precision": "float64", "threads": 1,
         "radial_table": 0}
    v.update(variant)
    return v


def pair_lines(variant, model, elements, template=None):
    """pair_style/pair_coeff lines; a case may give its own template (e.g.
    hybrid/overlay) with the fields style, options, model, elements."""
    v = normalise(variant)
    options = f"mode {v['mode']} precision {v['precision']}"
    if v["radial_table"]:
        options += f" radial_table {v['radial_table']}"
    fields = {"style": v["style"], "options": options,
              "model": model, "elements": " ".join(elements)}
    template = template or ["pair_style {style} {options}",
                            "pair_coeff * * {model} {elements}"]
    return [line.format(**fields) for line in template]


def setup_lines(plugin):
    return ["units metal", "atom_style atomic", "boundary p p p", "newton on",
            f"plugin load {plugin}"]


def output_lines(dump_every):
    """Per-atom computes, a dump every `dump_every` steps and a result print."""
    return [
        "compute eq_pe all pe/atom",
        "compute eq_sa all stress/atom NULL virial",
        "compute eq_csa all centroid/stress/atom NULL virial",
        "compute eq_vir all pressure NULL virial",
        "thermo_style custom step pe ke etotal press " +
        " ".join(f"c_eq_vir[{k}]" for k in range(1, 7)),
        f"dump eq_dump all custom {dump_every} dump.atoms {DUMP_COLUMNS}",
        "dump_modify eq_dump sort id format float %.17g",
    ]


def print_line():
    values = " ".join(f"{name} $({name}:%.17g)" for name in THERMO)
    return f'print "{MARKER} {values}"'


def command(lmp, variant, input_file):
    v = normalise(variant)
    args = [lmp, "-in", input_file, "-log", "log.lammps", "-echo", "screen"]
    if v["style"].startswith("equinet/kk"):
        args += ["-k", "on", "t", str(v["threads"]), "-sf", "kk",
                 "-pk", "kokkos", "newton", "on", "neigh", "full"]
    if v["ranks"] > 1:
        mpirun = shutil.which("mpirun") or "mpirun"
        args = [mpirun, "--allow-run-as-root", "--oversubscribe", "-np", str(v["ranks"])] + args
    return args


def run(lmp, variant, workdir, lines, timeout=600):
    """Runs lmp on `lines` in workdir; returns its combined output. Raises
    LammpsFailed on a non-zero exit or timeout (the process group is killed)."""
    os.makedirs(workdir, exist_ok=True)
    input_file = os.path.join(workdir, "in.lammps")
    with open(input_file, "w") as f:
        f.write("\n".join(lines) + "\n")
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(normalise(variant)["threads"])
    env.setdefault("OMP_PROC_BIND", "false")
    env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
    proc = subprocess.Popen(command(lmp, variant, "in.lammps"), cwd=workdir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()
        raise LammpsFailed(f"timed out after {timeout} s (hang?)", output, None)
    if proc.returncode != 0:
        raise LammpsFailed(f"exit code {proc.returncode}", output, proc.returncode)
    return output


def parse_prints(output):
    """Every result line as a dict name -> float, in order."""
    results = []
    for line in output.splitlines():
        if line.startswith(MARKER + " "):
            fields = line.split()[1:]
            results.append({fields[i]: float(fields[i + 1]) for i in range(0, len(fields), 2)})
    return results


def parse_dump(path):
    """All frames of a custom dump: dict timestep -> dict column -> numpy
    array (rows sorted by atom id)."""
    with open(path) as f:
        text = f.read()
    frames = {}
    for frame in text.split("ITEM: TIMESTEP")[1:]:
        lines = frame.strip().splitlines()
        step = int(lines[0])
        header_at = next(i for i, l in enumerate(lines) if l.startswith("ITEM: ATOMS"))
        columns = lines[header_at].split()[2:]
        data = np.array([[float(x) for x in l.split()] for l in lines[header_at + 1:]])
        frames[step] = {name: data[:, k] for k, name in enumerate(columns)}
    if not frames:
        raise ValueError(f"{path}: no frames")
    return frames


def per_atom(dump, prefix, count):
    return np.stack([dump[f"{prefix}[{k}]"] for k in range(1, count + 1)], axis=1)


def vectors(dump, names):
    return np.stack([dump[n] for n in names], axis=1)


# Signals that mean a crash (abort, bus error, floating point, segfault);
# other ranks killed by mpirun after an MPI_Abort are not crashes.
CRASH_SIGNALS = (6, 7, 8, 11)


def signalled(returncode, output):
    """True if lmp (or an MPI rank) died from a crash signal such as SIGSEGV."""
    if returncode is not None and (-returncode in CRASH_SIGNALS or
                                   returncode - 128 in CRASH_SIGNALS):
        return True
    pattern = r"signal (%s)\b|Segmentation fault|core dumped" % "|".join(map(str, CRASH_SIGNALS))
    return bool(re.search(pattern, output))
