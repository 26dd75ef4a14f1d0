"""What one password check costs a web worker: the configured hasher (Argon2id) with its parameters,
wall-clock and CPU milliseconds per hash. Prints figures, asserts nothing.

    .venv/bin/python bench/password_hash.py          # 20 hashes
    .venv/bin/python bench/password_hash.py -n 50

A login verifies one hash; creating or resetting an account, or changing a password, makes one.
Argon2's lanes run in threads, so CPU time can exceed wall-clock time on a machine with several
cores: CPU ms is what the other requests of the same machine lose.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="hashes to time (default 20)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import get_hasher

    hasher = get_hasher()
    print(f"hasher: {hasher.algorithm} ({type(hasher).__module__}.{type(hasher).__name__})")
    if hasher.algorithm == "argon2":
        print(f"parameters: time_cost={hasher.time_cost} memory_cost={hasher.memory_cost} KiB "
              f"({hasher.memory_cost // 1024} MiB) parallelism={hasher.parallelism}")
    encoded = hasher.encode("demo-pass-2023", hasher.salt())
    hasher.verify("demo-pass-2023", encoded)  # warm: the library's first call loads what later ones reuse
    walls, cpus = [], []
    for _ in range(args.n):
        wall, cpu = time.perf_counter(), time.process_time()
        assert hasher.verify("demo-pass-2023", encoded)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    print(f"verify (a login), {args.n} hashes: wall ms median {statistics.median(walls):.0f} "
          f"(min {min(walls):.0f}, max {max(walls):.0f}); CPU ms median {statistics.median(cpus):.0f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
