"""Advanced indexing and the index family beyond op_db: subscripts against torch,
autograd through `x[...]` and `x[...] = v`, the write rules (checked before writing,
last write wins, no writes into overlapping memory) and thread-count independence."""

import numpy as np
import pytest
import rtorch

torch = pytest.importorskip("torch")


def both(f):
    out = []
    for lib in (torch, rtorch):
        try:
            r = f(lib)
            out.append(r.tolist() if hasattr(r, "tolist") else r)
        except Exception as e:  # noqa: BLE001 - the exception type is the outcome
            out.append((type(e).__name__, str(e)))
    return out


KEYS = [
    "x[lib.tensor([1, 0])]",
    "x[[1, 0]]",
    "x[:, [0, 2]]",
    "x[:, lib.tensor([[0, 1], [2, 0]])]",
    "x[lib.tensor([0, 1]), :, lib.tensor([1, 3])]",
    "x[lib.tensor([0, 1]), lib.tensor([1, 2])]",
    "x[x > 5]",
    "x[0][x[0] > 5]",
    "x[lib.tensor([True, False])]",
    "x[..., [1]]",
    "x[None, [1]]",
    "x[1:, [0, 2], 1:3]",
    "x[[0, 1], [1, 2], [3, 0]]",
    "x[lib.tensor([[0], [1]]), lib.tensor([1, 2])]",
    "x[[True, False]]",
    "x[lib.tensor([3])]",
    "x[lib.tensor([1.0])]",
    "x[lib.tensor([0, 1]), lib.tensor([0, 1, 2])]",
    "x[[]]",
    "x[np.array([1, 0])]",
    "x[lib.tensor([-1])]",
    "x[0, [0, 1, 2], [3, 2, 1]]",
    "x[True, [0]]",
    "x[:, [0, 0]]",
    "x[lib.tensor([[True, False, True], [False, False, True]])]",
    "x[lib.tensor([0, 1]).int()]",
    "x[lib.tensor([1, 0], dtype=lib.uint8)]",
]


@pytest.mark.parametrize("key", KEYS)
def test_getitem_matches_torch(key):
    t, r = both(lambda lib: eval(key, {"lib": lib, "np": np, "x": lib.arange(24.0).view(2, 3, 4)}))
    assert t == r


SETS = [
    "x[x > 5] = 0",
    "x[[0, 1]] = lib.ones(3, 4)",
    "x[:, [0, 2]] = 7",
    "x[lib.tensor([0, 0]), 1] = lib.tensor([[1.0, 2, 3, 4], [5, 6, 7, 8]])",
    "x[x > 100] = 1",
    "x[[0], [1], [2]] = -1",
    "x[lib.tensor([[True, False, True], [False, False, True]])] = lib.arange(3.0).view(3, 1)",
    "x[[0, 1], 0] = lib.tensor([1, 2])",  # an int value into a float tensor
    "x[lib.tensor([2])] = 1",
    "x[[0, 1]] = lib.ones(2)",
]


@pytest.mark.parametrize("code", SETS)
def test_setitem_matches_torch(code):
    def run(lib):
        x = lib.arange(24.0).view(2, 3, 4).clone()
        exec(code, {"lib": lib, "x": x})  # noqa: S102 - the cases are this file's own
        return x

    t, r = both(run)
    assert t == r


def test_repeated_index_last_write_wins():
    x = rtorch.zeros(3)
    x[rtorch.tensor([0, 0, 0])] = rtorch.tensor([1.0, 2.0, 3.0])
    assert x.tolist() == [3.0, 0.0, 0.0]
    y = rtorch.zeros(3).index_put_((rtorch.tensor([1, 1]),), rtorch.tensor([1.0, 2.0]), True)
    assert y.tolist() == [0.0, 3.0, 0.0]


@pytest.mark.parametrize(
    "write",
    [
        lambda x: x.index_put_((rtorch.tensor([0, 5]),), rtorch.tensor(1.0)),
        lambda x: x.scatter_(0, rtorch.tensor([1, 0, 7]), rtorch.ones(3)),
        lambda x: x.index_add_(0, rtorch.tensor([2, 9]), rtorch.ones(2)),
        lambda x: x.index_copy_(0, rtorch.tensor([2, -9]), rtorch.ones(2)),
        lambda x: x.put_(rtorch.tensor([1, 40]), rtorch.ones(2)),
        lambda x: x.index_fill_(0, rtorch.tensor([1, 4]), 2.0),
        lambda x: x.__setitem__(rtorch.tensor([1, 4]), 2.0),
    ],
)
def test_a_write_that_raises_leaves_the_tensor_as_it_was(write):
    x = rtorch.arange(4.0)
    with pytest.raises((IndexError, RuntimeError), match="out of|out of range"):
        write(x)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    "write",
    [
        lambda x: x.index_put_((rtorch.tensor([0]),), rtorch.tensor(1.0)),
        lambda x: x.scatter_(1, rtorch.tensor([[0]]), 1.0),
        lambda x: x.index_add_(1, rtorch.tensor([0]), rtorch.ones(2, 1)),
        lambda x: x.masked_scatter_(rtorch.ones(2, 3, dtype=rtorch.bool), rtorch.ones(6)),
    ],
)
def test_writes_into_overlapping_memory_raise(write):
    x = rtorch.zeros(3).expand(2, 3)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        write(x)


def _grads(lib, f, *shapes):
    g = np.random.default_rng(0)
    leaves = [
        lib.tensor(g.standard_normal(s), dtype=lib.float64, requires_grad=True) for s in shapes
    ]
    out = f(lib, *leaves)
    go = lib.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)), dtype=lib.float64)
    return [t.tolist() for t in lib.autograd.grad(out, leaves, go)]


GRADS = [
    (lambda lib, x: x[lib.tensor([0, 2, 0, 0])], [(3, 4)]),
    (lambda lib, x: x[:, [1, 1, 3]], [(3, 4)]),
    (lambda lib, x: x[lib.tensor([0, 2, 0]), lib.tensor([1, 1, 1])], [(3, 4)]),
    (lambda lib, x: x[x > 0], [(3, 4)]),
    (lambda lib, x: x[1:, [0, 0]] * 2, [(3, 4)]),
]


@pytest.mark.parametrize("case", range(len(GRADS)))
def test_getitem_gradients_match_torch_and_gradcheck(case):
    f, shapes = GRADS[case]
    for a, b in zip(_grads(torch, f, *shapes), _grads(rtorch, f, *shapes)):
        np.testing.assert_allclose(a, b)
    x = rtorch.randn(*shapes[0], dtype=rtorch.float64, requires_grad=True)
    assert rtorch.autograd.gradcheck(lambda t: f(rtorch, t), (x,))
    assert rtorch.autograd.gradgradcheck(lambda t: f(rtorch, t), (x,))


def _set_and_grad(lib):
    g = np.random.default_rng(2)
    x = lib.tensor(g.standard_normal((3, 4)), dtype=lib.float64, requires_grad=True)
    v = lib.tensor(g.standard_normal((2, 4)), dtype=lib.float64, requires_grad=True)
    y = x * 1
    y[lib.tensor([2, 0])] = v
    y[:, [1]] = 5.0
    (y * lib.arange(12.0, dtype=lib.float64).view(3, 4)).sum().backward()
    return [x.grad.tolist(), v.grad.tolist(), type(y.grad_fn).__name__]


def test_setitem_gradients_match_torch():
    t, r = _set_and_grad(torch), _set_and_grad(rtorch)
    assert t[2] == r[2]
    np.testing.assert_allclose(t[0], r[0])
    np.testing.assert_allclose(t[1], r[1])


def test_accumulating_writes_do_not_depend_on_threads():
    g = np.random.default_rng(3)
    idx = rtorch.tensor(g.integers(0, 50, (200, 300)))
    src = rtorch.tensor(g.standard_normal((200, 300)).astype(np.float32))
    base = rtorch.zeros(200, 50)
    old = rtorch.get_num_threads()
    try:
        rtorch.set_num_threads(1)
        one = base.scatter_add(1, idx, src)
        rtorch.set_num_threads(2)
        two = base.scatter_add(1, idx, src)
    finally:
        rtorch.set_num_threads(old)
    assert one.tolist() == two.tolist()


def test_index_put_matches_numpy_add_at():
    g = np.random.default_rng(4)
    i = g.integers(-7, 7, 500)
    v = g.standard_normal(500)
    want = np.zeros(7)
    np.add.at(want, i, v)
    got = rtorch.zeros(7, dtype=rtorch.float64).index_put_(
        (rtorch.tensor(i),), rtorch.tensor(v), accumulate=True
    )
    np.testing.assert_allclose(got.numpy(), want)


def test_scatter_reduce_matches_numpy_maximum_at():
    g = np.random.default_rng(5)
    i = g.integers(0, 6, 300)
    v = g.standard_normal(300)
    want = np.full(6, -np.inf)
    np.maximum.at(want, i, v)
    got = rtorch.full((6,), -float("inf"), dtype=rtorch.float64).scatter_reduce(
        0, rtorch.tensor(i), rtorch.tensor(v), "amax"
    )
    np.testing.assert_allclose(got.numpy(), want)


def test_scatter_with_reduce_warns_as_torch():
    # torch warns once per process; rtorch too, so only the first call is checked.
    x = rtorch.zeros(3)
    with pytest.warns(UserWarning, match="reduce argument of torch.scatter"):
        x.scatter(0, rtorch.tensor([1]), rtorch.ones(1), reduce="add")


def test_scatter_lines_split_among_threads_match_one_thread_and_numpy():
    # NOTE [ Scatter check and lines ]: dim 1 splits rows among threads, dim 0 (rows
    # sharing columns) and index_add_ along dim 1 go through their own paths.
    g = np.random.default_rng(5)
    idx = g.integers(0, 40, (300, 400))
    src = g.standard_normal((300, 400))
    old = rtorch.get_num_threads()
    try:
        for dim in (0, 1):
            outs = []
            for n in (1, 2):
                rtorch.set_num_threads(n)
                base = rtorch.zeros(300, 400, dtype=rtorch.float64)
                outs.append(base.scatter_add(dim, rtorch.tensor(idx), rtorch.tensor(src)))
            assert outs[0].tolist() == outs[1].tolist()
            want = np.zeros((300, 400))
            rows, cols = np.indices(idx.shape)
            np.add.at(want, (idx, cols) if dim == 0 else (rows, idx), src)
            np.testing.assert_allclose(outs[0].numpy(), want, rtol=1e-12, atol=1e-12)
        sel = rtorch.tensor(g.integers(0, 50, 400))
        vals = rtorch.tensor(g.standard_normal((300, 400)))
        rtorch.set_num_threads(1)
        one = rtorch.zeros(300, 50, dtype=rtorch.float64).index_add_(1, sel, vals)
        rtorch.set_num_threads(2)
        two = rtorch.zeros(300, 50, dtype=rtorch.float64).index_add_(1, sel, vals)
        assert one.tolist() == two.tolist()
    finally:
        rtorch.set_num_threads(old)


@pytest.mark.parametrize("bad", [400, -1])
def test_large_scatter_with_one_bad_index_writes_nothing(bad):
    idx = np.random.default_rng(6).integers(0, 400, (300, 400))
    idx[299, 399] = bad
    x = rtorch.zeros(300, 400)
    with pytest.raises(RuntimeError, match=f"index {bad} is out of bounds"):
        x.scatter_add_(1, rtorch.tensor(idx), rtorch.ones(300, 400))
    assert x.abs().sum().item() == 0
