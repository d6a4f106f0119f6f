"""Big buffers (NOTE [ Huge pages ], NOTE [ Big-buffer cache ]): buffers of 4 MiB and
more are mapped directly and reused after they are freed, so a reused buffer must never
show its previous contents through `zeros`/`empty`, and the reuse itself must happen."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import rtorch

BIG = 1 << 22  # 16 MiB of float32: above the 4 MiB threshold


def dirty_then_free(n):
    x = rtorch.full((n,), 7.5)
    ptr = x.data_ptr()
    del x
    return ptr


def test_a_freed_big_buffer_is_reused():
    ptr = dirty_then_free(BIG)
    y = rtorch.empty(BIG)
    assert y.data_ptr() == ptr


@pytest.mark.parametrize(
    "make",
    [
        lambda n: rtorch.zeros(n),
        lambda n: rtorch.empty(n),
        lambda n: rtorch.zeros(n, dtype=rtorch.float64),
        lambda n: rtorch.zeros_like(rtorch.ones(1)).new_zeros(n),
        lambda n: rtorch.zeros(n // 4, 4),
    ],
    ids=["zeros", "empty", "zeros_f64", "new_zeros", "zeros_2d"],
)
@pytest.mark.parametrize("n", [BIG, BIG - 1000, BIG + 3, (1 << 20) + 4096])
def test_reused_buffers_come_back_zeroed(make, n):
    # Dirty buffers of several nearby sizes, so whichever one the cache picks is dirty.
    for m in (n, n + n // 8, BIG, 2 * BIG):
        dirty_then_free(m)
    z = make(n)
    assert float(z.abs().sum()) == 0.0


def test_op_outputs_in_reused_buffers_are_right():
    g = np.random.default_rng(0)
    a = g.standard_normal(BIG).astype(np.float32)
    x = rtorch.from_numpy(a)
    for _ in range(3):
        dirty_then_free(BIG)
        np.testing.assert_array_equal((x + x).numpy(), a + a)
        np.testing.assert_array_equal((x * 3).numpy(), a * 3)


def test_many_live_big_buffers_and_frees():
    live = [rtorch.full((BIG + k * 4096,), float(k)) for k in range(12)]
    for k, t in enumerate(live):
        assert float(t[-1]) == k and float(t[0]) == k
    del live[::2]
    more = [rtorch.zeros(BIG + k * 4096) for k in range(12)]
    assert all(float(t.abs().sum()) == 0.0 for t in more)
    assert [float(t[5]) for t in live] == [float(k) for k in range(1, 12, 2)]


@pytest.mark.parametrize("advise", ["0", "1"])
def test_huge_page_advice_either_way(advise):
    """RTORCH_HUGE_PAGES=1 asks for MADV_HUGEPAGE; results are the same either way."""
    code = (
        "import rtorch; x = rtorch.ones(1 << 23); y = (x * 2).sum(); z = rtorch.zeros(1 << 23);"
        "print(float(y), float(z.sum()))"
    )
    env = dict(os.environ, RTORCH_HUGE_PAGES=advise)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == [str(float(2 << 23)), "0.0"]


def test_a_too_large_buffer_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="not enough memory"):
        rtorch.empty(1 << 47, dtype=rtorch.uint8)  # past the address space
