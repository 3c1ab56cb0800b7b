"""``python -m benchmarks``: run every benchmark, print a table each and a summary of targets met.

Exit status 0 when every benchmark ran (whether or not its targets were met: a benchmark reports,
it does not test), 1 when one raised. Results go to ``benchmarks/results/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import re
import sys
import time
import traceback
from pathlib import Path

from . import BENCHMARKS
from ._common import ROW_HEADERS, Context, render_table, row_cells

RESULTS = Path(__file__).resolve().parent / "results"
ENV_VARS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes and few repeats: a smoke run of a few seconds (figures meaningless)",
    )
    parser.add_argument(
        "--no-torch",
        action="store_true",
        help="run as if PyTorch were not installed (tensorkit against NumPy only)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only the benchmarks whose name contains NAME (repeatable); names: "
        + ", ".join(b.NAME for b in BENCHMARKS),
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also cProfile the per-op workload and list tensorkit's top functions",
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        metavar="N",
        help="torch.set_num_threads(N) (default: leave PyTorch's own default)",
    )
    parser.add_argument(
        "--no-save", action="store_true", help="do not write results to benchmarks/results/"
    )
    return parser.parse_args(argv)


def import_torch(disabled: bool):
    if disabled:
        return None, "disabled by --no-torch"
    try:
        import torch
    except ImportError as error:  # pragma: no cover - depends on the environment
        return None, f"not importable ({error})"
    return torch, None


def environment(torch, torch_missing, np, tk) -> dict:
    info = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "numpy": np.__version__,
        "numpy_blas": _numpy_blas(np),
        "tensorkit": getattr(tk, "__version__", "?"),
        "torch": torch.__version__ if torch is not None else f"n/a: {torch_missing}",
        "torch_threads": torch.get_num_threads() if torch is not None else None,
        "torch_blas": _torch_blas(torch) if torch is not None else None,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "env": {var: os.environ.get(var) for var in ENV_VARS},
    }
    return info


def _numpy_blas(np) -> str:
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        text = f"{blas.get('name')} {blas.get('version')}"
        detail = blas.get("openblas configuration")
        return f"{text} ({detail})" if detail else text
    except Exception:  # older NumPy: show_config has no mode, or other layout
        return "unknown (numpy.show_config(mode='dicts') unavailable)"


def _torch_blas(torch) -> str:
    try:
        text = torch.__config__.show()
    except Exception:
        return "unknown"
    blas = re.search(r"BLAS_INFO=(\w+)", text)
    cpu = re.search(r"CPU capability usage: (\w+)", text)
    return (blas.group(1) if blas else "unknown") + (
        f", CPU capability {cpu.group(1)}" if cpu else ""
    )


def _load_warning(info: dict) -> str:
    load = info.get("load_average")
    cpus = info.get("cpus_usable") or info.get("cpus") or 1
    if load is not None and load[0] > 0.75 * cpus:
        return (
            f"  WARNING: the machine is busy (1-min load average {load[0]:.1f} on {cpus} CPUs): "
            "timings, multi-threaded ones above all, will be noisy and slow"
        )
    return ""


def print_environment(info: dict) -> None:
    print("tensorkit benchmarks")
    print(
        f"  python {info['python']} on {info['platform']}; CPUs: {info['cpus']} "
        f"(usable: {info['cpus_usable']})"
    )
    print(f"  numpy {info['numpy']}, BLAS: {info['numpy_blas']}")
    if info["torch_threads"] is not None:
        print(
            f"  torch {info['torch']}, threads: {info['torch_threads']} (default, left as is), "
            f"BLAS: {info['torch_blas']}"
        )
    else:
        print(f"  torch {info['torch']}: reporting tensorkit against NumPy only")
    print(f"  tensorkit {info['tensorkit']}")
    if info["load_average"] is not None:
        print("  load average: " + " ".join(f"{v:.2f}" for v in info["load_average"]))
    print(
        "  environment: "
        + ", ".join(f"{k}={'not set' if v is None else repr(v)}" for k, v in info["env"].items())
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    import numpy as np

    import tensorkit

    torch, torch_missing = import_torch(args.no_torch)
    if torch is not None and args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    info = environment(torch, torch_missing, np, tensorkit)
    info["torch_threads_set"] = bool(torch is not None and args.torch_threads)
    print_environment(info)
    if args.quick:
        print("  --quick: tiny sizes, few repeats; the figures are not meaningful")

    load = _load_warning(info)
    if load:
        print(load)
    # Move everything imported so far (torch, numpy, tensorkit) out of the collector's way, so a
    # collection during a timed region costs what the workload's own objects cost.
    gc.collect()
    gc.freeze()

    ctx = Context(
        quick=args.quick,
        torch=torch,
        tensorkit=tensorkit,
        numpy=np,
        profile=args.profile,
        log=lambda line: print(line, flush=True),
    )
    selected = [b for b in BENCHMARKS if not args.only or any(o in b.NAME for o in args.only)]
    if not selected:
        print(f"no benchmark matches {args.only}", file=sys.stderr)
        return 2

    all_rows, failed, durations = [], [], {}
    t_start = time.perf_counter()
    for bench in selected:
        print(f"\n== {bench.TITLE} [{bench.NAME}]", flush=True)
        t0 = time.perf_counter()
        try:
            all_rows.extend(bench.run(ctx))
        except Exception:
            traceback.print_exc()
            failed.append(bench.NAME)
            print(f"  !! {bench.NAME} FAILED (see the traceback above)", flush=True)
        durations[bench.NAME] = time.perf_counter() - t0
        print(f"  ({durations[bench.NAME]:.1f} s)", flush=True)

    print(
        "\n== summary (times are min over repeats; tk = tensorkit; met: yes/NO, '-' = informational)"
    )
    headers = ["benchmark", *ROW_HEADERS]
    print(
        render_table(
            headers, [row_cells(r, with_bench=True) for r in all_rows], "lll" + "r" * 6 + "lr"
        )
    )
    judged = [r for r in all_rows if r.met is not None]
    met = sum(1 for r in judged if r.met)
    print(
        f"\ntargets met: {met}/{len(judged)}"
        + (
            f"; not met: {', '.join(f'{r.bench}: {r.figure}' for r in judged if not r.met)}"
            if met < len(judged)
            else ""
        )
    )
    if torch is None:
        print("(torch not available: targets against torch not judged)")
    if failed:
        print(f"benchmarks that FAILED to run: {', '.join(failed)}")
    print(f"total time {time.perf_counter() - t_start:.1f} s")

    if not args.no_save:
        save(info, args, all_rows, failed, durations)
    return 1 if failed else 0


def save(info, args, rows, failed, durations) -> None:
    try:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        kind = "quick" if args.quick else "full"
        payload = {
            "when": stamp,
            "kind": kind,
            "environment": info,
            "failed": failed,
            "durations_s": durations,
            "rows": [r.as_dict() for r in rows],
        }
        path = RESULTS / f"{stamp}-{kind}.json"
        path.write_text(json.dumps(payload, indent=1, default=str))
        (RESULTS / f"latest-{kind}.json").write_text(json.dumps(payload, indent=1, default=str))
        print(
            f"results saved to {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
        )
    except OSError as error:
        print(f"(could not save results: {error})")


if __name__ == "__main__":
    sys.exit(main())
