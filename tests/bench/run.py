"""Run every benchmark offscreen and print a table.

    uv run python tests/bench/run.py            # full sizes (several minutes)
    uv run python tests/bench/run.py --quick    # smaller sizes, under a minute or so
    uv run python tests/bench/run.py --json out.json
    uv run python tests/bench/run.py --only big_document

Each benchmark runs in a fresh process, so start-up and memory figures are its own.
Latencies are medians with a p95 beside them; the data is generated (tests/bench/generate.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGETS = {
    "cold_start_s": ("<=", 0.8),
    "open_5mb_50k_s": ("<=", 0.5),
    "new_span_ms_median": ("<=", 10),
    "new_span_ms_p95": ("<=", 16),
    "undo_ms_p95": ("<=", 16),
    "redo_ms_p95": ("<=", 16),
    "scroll_frame_ms_p95": ("<=", 16),
    "switch_document_10k_docs_ms_median": ("<=", 100),
    "import_10k_small_docs_per_s": (">=", 500),
    "import_5mb_s": ("<=", 2),
    "export_csv_ratio_to_sqlite3": (">=", 0.4),
    "rss_5mb_50k_open_mb": ("<=", 300),
}


def registry() -> dict[str, object]:
    import bench_core
    import bench_ui

    return {**bench_ui.BENCHMARKS, **bench_core.BENCHMARKS}


def child(name: str, quick: bool) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    figures = registry()[name](quick)  # type: ignore[operator]
    print("FIGURES " + json.dumps(figures))


def verdict(name: str, value: float) -> str:
    if name not in TARGETS:
        return ""
    op, target = TARGETS[name]
    ok = value <= target if op == "<=" else value >= target
    return f"{'met' if ok else 'MISSED'} ({op} {target:g})"


def reference_loop_ms() -> float:
    """How fast this machine is right now: a fixed pure-Python workload (three million
    multiply-adds), the median of five runs. A VM's speed swings by a third or more
    from minute to minute; figures are comparable between runs at a similar reference."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i * i
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)[2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    parser.add_argument("--json", type=Path, help="write {name: value} to this file")
    parser.add_argument("--only", action="append", help="run only these benchmarks")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.quick)
        return 0
    names = args.only or list(registry())
    results: dict[str, float] = {}
    started = time.perf_counter()
    before = reference_loop_ms()
    for name in names:
        cmd = [sys.executable, str(Path(__file__)), "--child", name]
        if args.quick:
            cmd.append("--quick")
        print(f"... {name}", file=sys.stderr, flush=True)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        line = next((x for x in proc.stdout.splitlines() if x.startswith("FIGURES ")), None)
        if proc.returncode != 0 or line is None:
            print(f"{name} failed:\n{proc.stdout}\n{proc.stderr}", file=sys.stderr)
            continue
        results.update(json.loads(line[len("FIGURES ") :]))
    results["reference_loop_ms_before"] = before
    results["reference_loop_ms_after"] = reference_loop_ms()
    cpu = platform.processor() or platform.machine()
    print(
        f"\nmachine: {platform.system()} {platform.machine()} {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, offscreen; {'quick' if args.quick else 'full'} "
        f"run in {time.perf_counter() - started:.0f} s\n"
    )
    print(f"| {'figure':<40} | {'value':>12} | target |")
    print(f"|{'-' * 42}|{'-' * 14}|--------|")
    for name, value in results.items():
        print(f"| {name:<40} | {value:>12.3f} | {verdict(name, value)} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
