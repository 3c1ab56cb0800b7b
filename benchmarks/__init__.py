"""tensorkit's benchmarks: speed and memory against PyTorch and hand-written NumPy (``make bench``).

Run ``python -m benchmarks`` (``--quick`` for tiny sizes, ``--help`` for the rest). Each
benchmark is a module here with ``NAME``, ``TITLE`` and ``run(ctx)``; see ``_common.py``.
The targets are those of DESIGN.md, section "Speed".
"""

from . import (
    bench_backward_scaling,
    bench_elementwise,
    bench_gpu,
    bench_memory,
    bench_mlp,
    bench_o1_ops,
    bench_per_op,
    bench_render,
)

BENCHMARKS = [
    bench_per_op,
    bench_elementwise,
    bench_mlp,
    bench_o1_ops,
    bench_backward_scaling,
    bench_memory,
    bench_gpu,
    bench_render,
]
