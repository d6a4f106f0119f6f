"""`empty_strided` / `new_empty_strided` against torch: layout, storage size, options, errors."""

import pytest
import rtorch

torch = pytest.importorskip("torch")

LAYOUTS = [
    ((2, 3), (3, 1)),
    ((2, 3), (1, 2)),  # column-major
    ((2, 3, 4), (1, 8, 2)),  # permuted
    ((4, 5), (0, 1)),  # broadcast row
    ((3, 3), (1, 1)),  # overlapping
    ((2, 0, 3), (5, 7, 1)),  # empty
    ((), ()),
    ((5,), (3,)),  # gaps
]


@pytest.mark.parametrize("size,stride", LAYOUTS)
def test_layout_and_storage_match_torch(size, stride):
    mine = rtorch.empty_strided(size, stride)
    theirs = torch.empty_strided(size, stride)
    assert tuple(mine.shape) == tuple(theirs.shape)
    assert mine.stride() == theirs.stride()
    assert mine.storage_offset() == 0
    assert mine._base is None and mine.is_leaf
    assert mine.is_contiguous() == theirs.is_contiguous()
    # The storage holds exactly the elements the layout can reach: a flat view of that
    # many fits, one more does not.
    extent = theirs.untyped_storage().nbytes() // theirs.element_size()
    mine.as_strided((extent,), (1,))
    with pytest.raises(RuntimeError, match="out of bounds for storage"):
        mine.as_strided((extent + 1,), (1,))


@pytest.mark.parametrize("size,stride", LAYOUTS[:3])
def test_writes_land_through_the_layout(size, stride):
    t = rtorch.empty_strided(size, stride, dtype=rtorch.float64)
    src = rtorch.arange(t.numel(), dtype=rtorch.float64).reshape(size)
    t.copy_(src)
    assert rtorch.equal(t, src)
    assert (t + 1).tolist() == (src + 1).tolist()


def test_options():
    t = rtorch.empty_strided((2, 2), (1, 2), dtype=rtorch.int32, requires_grad=False)
    assert t.dtype == rtorch.int32
    g = rtorch.empty_strided((2, 2), (1, 2), requires_grad=True)
    assert g.requires_grad and g.is_leaf and g.dtype == rtorch.float32
    x = rtorch.ones(3, dtype=rtorch.float64)
    y = x.new_empty_strided((2, 2), (0, 1))
    assert y.dtype == rtorch.float64 and y.stride() == (0, 1)
    assert x.new_empty_strided((2,), (1,), dtype=rtorch.int64).dtype == rtorch.int64


BAD = [
    lambda m: m.empty_strided((2, 3), (1,)),
    lambda m: m.empty_strided((2, 3), (-1, 2)),
    lambda m: m.empty_strided((2, 3), 1),
    lambda m: m.empty_strided(2, (1,)),
    lambda m: m.empty_strided((2, 3), (1, 2), memory_format=m.channels_last),
]


@pytest.mark.parametrize("i", range(len(BAD)))
def test_errors_match_torch(i):
    def outcome(m):
        try:
            BAD[i](m)
        except Exception as e:  # noqa: BLE001 - compared
            return type(e).__name__, str(e)
        return "ok", ""

    mine, theirs = outcome(rtorch), outcome(torch)
    assert theirs[0] != "ok"
    assert mine == theirs


def test_negative_size_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="negative dimension -2"):
        rtorch.empty_strided((-2, 3), (1, 1))
