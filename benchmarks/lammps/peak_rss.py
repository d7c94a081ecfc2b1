#!/usr/bin/python3
"""Runs a command and reports its peak resident memory, tagged with the MPI
rank: mpirun -np 4 peak_rss.py lmp -in ... (each rank's lmp is a child of
one wrapper). Prints 'EQUINET_PEAK_RSS rank <r> kb <k>' to stderr."""
import os
import resource
import subprocess
import sys

rc = subprocess.call(sys.argv[1:])
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
rank = os.environ.get("OMPI_COMM_WORLD_RANK", os.environ.get("PMI_RANK", "0"))
print(f"EQUINET_PEAK_RSS rank {rank} kb {kb}", file=sys.stderr, flush=True)
sys.exit(rc)
