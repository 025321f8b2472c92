"""`make bench`: every benchmark in its own process, one JSON line per figure."""

import subprocess
import sys

BENCHMARKS = ["bench.bench_import", "bench.bench_person_list", "bench.bench_codec", "bench.bench_sync",
              "bench.bench_registration", "bench.bench_roster", "bench.bench_replan", "bench.bench_report",
              "bench.bench_fieldwork", "bench.bench_delivery", "bench.bench_supplies"]


def main() -> int:
    failed = 0
    for module in BENCHMARKS:
        result = subprocess.run([sys.executable, "-m", module])
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
