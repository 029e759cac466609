"""BLAS on one thread inside the small-matrix reductions (private).

The reductions multiply thin matrices (``Xᵀ X`` of a chunk with k ≤ ~40 columns, a block
of resample counts by a few vectors). Multithreaded OpenBLAS splits such products into
pieces too small to pay for waking its threads, and on a busy 2-core machine its
spin-waiting threads stall the caller (measured: 0.23 s single-threaded against 0.5–14 s
with the default pool). :func:`single_threaded_blas` limits BLAS to one thread for the
duration of a call, through threadpoolctl when it is installed (``servqual[fast]``), and
does nothing otherwise: the numbers are the same either way, only the time differs.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

__all__ = ["single_threaded_blas"]


@functools.cache
def _controller() -> Any:
    """Threadpoolctl's view of the loaded BLAS libraries, found once (or ``None``)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with BLAS limited to one thread (restored afterwards).

    Usable as a decorator too. Without threadpoolctl, the block runs unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from servqual.stats._threads import single_threaded_blas
    >>> x = np.arange(12.0).reshape(6, 2)
    >>> with single_threaded_blas():
    ...     (x.T @ x).tolist()
    [[220.0, 250.0], [250.0, 286.0]]
    """
    controller = _controller()
    if controller is None:
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield
