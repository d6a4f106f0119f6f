"""The random family: samplers' streams against torch's, statistics, reproducibility, errors.

Streams claimed bit-identical to torch (NOTE [ Torch's CPU random streams ]) are compared
byte for byte under the same seed; the rest are checked by invariants whose bounds are at
least 5 standard errors wide."""

import numpy as np
import pytest
import rtorch

torch = pytest.importorskip("torch")

FLOATS = ["float16", "bfloat16", "float32", "float64"]


def _bits(t):
    """The raw bytes of a tensor of either library, as a flat numpy array."""
    if isinstance(t, torch.Tensor):
        t = t.contiguous()
        if t.dtype in (torch.float16, torch.bfloat16):
            return t.view(torch.int16).numpy().ravel()
        return t.numpy().ravel()
    t = t.contiguous()
    if t.dtype in (rtorch.float16, rtorch.bfloat16):
        return np.array(t.view(rtorch.int16).tolist(), dtype=np.int16).ravel()
    return t.numpy().ravel()


def _same_stream(fn, seed=1234):
    torch.manual_seed(seed)
    rtorch.manual_seed(seed)
    want, got = fn(torch), fn(rtorch)
    assert tuple(got.shape) == tuple(want.shape)
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1]
    np.testing.assert_array_equal(_bits(got), _bits(want))
    return got


# ----- normal: the 16-block Box-Muller path (NOTE [ Torch's float32 Box-Muller ]) -----


@pytest.mark.parametrize("dtype", FLOATS)
def test_randn_bit_identical_every_size(dtype):
    for n in [*range(1, 101), 127, 1000, 1001, 4097]:
        _same_stream(lambda m, n=n: m.randn(n, dtype=getattr(m, dtype)), seed=n)


@pytest.mark.parametrize("dtype", FLOATS)
def test_normal_bit_identical_layouts(dtype):
    def strided(m):
        # Non-contiguous: one double normal at a time in memory order.
        return m.empty(40, 6, dtype=getattr(m, dtype)).t().normal_(-1.5, 0.25)

    _same_stream(strided)
    _same_stream(lambda m: m.empty(3, 7, 5, dtype=getattr(m, dtype)).normal_(3.0, 2.0))
    _same_stream(lambda m: m.empty(100, 3, dtype=getattr(m, dtype))[::2].normal_())


def test_randn_large_bit_identical():
    _same_stream(lambda m: m.randn(1 << 20))
    _same_stream(lambda m: m.empty(200_003).normal_(0.5, 1e-3))
