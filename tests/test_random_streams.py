"""Seeded random streams equal torch's, value for value (NOTE [ Torch's CPU random streams ]).

Every sampler runs under the same seed in both libraries, on every dtype it accepts, on
contiguous, permuted and sliced layouts, and the results must be identical (normals too:
NOTE [ Torch's float32 Box-Muller ])."""

import numpy as np
import pytest
import rtorch

torch = pytest.importorskip("torch")

FLOATS = ["float16", "bfloat16", "float32", "float64"]
INTS = ["bool", "uint8", "int8", "int16", "int32", "int64"]

# (shape, how to lay the tensor out): `t` transposes, `s` slices every other column.
LAYOUTS = [
    ((), ""),
    ((5,), ""),
    ((37,), ""),
    ((48,), ""),
    ((6, 7), "t"),
    ((4, 10), "s"),
    ((3, 4, 5), "p"),
]


def _make(m, shape, how, dtype):
    dt = getattr(m, dtype)
    if how == "t":
        return m.empty(*reversed(shape), dtype=dt).t()
    if how == "s":
        return m.empty(shape[0], shape[1] * 2, dtype=dt)[:, ::2]
    if how == "p":
        return m.empty(shape[2], shape[0], shape[1], dtype=dt).permute(1, 2, 0)
    return m.empty(shape, dtype=dt)


def _np(t):
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.float().numpy()
    if isinstance(t, torch.Tensor):
        return t.numpy()
    if t.dtype in (rtorch.float16, rtorch.bfloat16):
        return np.array(t.float().tolist(), dtype=np.float32)
    return np.array(t.tolist())


def _run(fn, seed=1234):
    torch.manual_seed(seed)
    rtorch.manual_seed(seed)
    a, b = fn(torch), fn(rtorch)
    return _np(a), _np(b), tuple(a.stride()), tuple(b.stride())


def _assert_same(a, b):
    assert a.shape == b.shape
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,how", LAYOUTS)
@pytest.mark.parametrize("bounds", [(0.0, 1.0), (-3.3, 5.7), (0.1, 1000.3), (1e7, 1e7 + 4)])
def test_uniform(dtype, shape, how, bounds):
    if dtype in ("float16", "bfloat16") and bounds[0] > 1e4:
        return
    a, b, sa, sb = _run(lambda m: _make(m, shape, how, dtype).uniform_(*bounds))
    _assert_same(a, b)
    assert sa == sb


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape,how", LAYOUTS + [((16,), ""), ((17,), ""), ((4100,), "")])
def test_normal(dtype, shape, how):
    a, b, _, _ = _run(lambda m: _make(m, shape, how, dtype).normal_(2.0, 3.0))
    _assert_same(a, b)


@pytest.mark.parametrize("dtype", FLOATS)
def test_rand_randn_factories(dtype):
    for n in (1, 15, 16, 33, 1000):
        a, b, _, _ = _run(lambda m, n=n: m.rand(n, dtype=getattr(m, dtype)))
        _assert_same(a, b)
        a, b, _, _ = _run(lambda m, n=n: m.randn(n, dtype=getattr(m, dtype)))
        _assert_same(a, b)


@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize("shape,how", LAYOUTS)
def test_random_full_range(dtype, shape, how):
    a, b, _, _ = _run(lambda m: _make(m, shape, how, dtype).random_())
    _assert_same(a, b)


@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize(
    "args", [(10,), (3, 10), (-5, 5), (0, 2**33), (2**40, None), (7, None), (-(2**63), None)]
)
def test_random_ranges(dtype, args):
    def run(m):
        return _make(m, (6, 7), "t", dtype).random_(*args)

    torch.manual_seed(5)
    rtorch.manual_seed(5)
    try:
        a = run(torch)
    except Exception as e:  # noqa: BLE001 - any torch error must be rtorch's too
        with pytest.raises(type(e)) as info:
            run(rtorch)
        assert str(info.value) == str(e).split("\n")[0]
        return
    _assert_same(_np(a), _np(run(rtorch)))


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "float32", "float64"])
def test_randint(dtype):
    for lo, hi in [(0, 10), (-7, 7), (0, 2**40), (5, 6)]:
        if dtype in ("int32", "uint8") and hi > 2**31 or dtype == "uint8" and lo < 0:
            continue
        a, b, _, _ = _run(
            lambda m, lo=lo, hi=hi: m.randint(lo, hi, (5, 9), dtype=getattr(m, dtype))
        )
        _assert_same(a, b)


@pytest.mark.parametrize("dtype", FLOATS + INTS)
@pytest.mark.parametrize("shape,how", LAYOUTS)
def test_bernoulli_scalar(dtype, shape, how):
    a, b, _, _ = _run(lambda m: _make(m, shape, how, dtype).bernoulli_(0.3))
    _assert_same(a, b)


@pytest.mark.parametrize("pdtype", FLOATS)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_bernoulli_tensor(pdtype, dtype):
    def run(m):
        p = m.linspace(0, 1, 7, dtype=getattr(m, pdtype))[:, None]
        return _make(m, (7, 6), "t", dtype).bernoulli_(p)

    a, b, _, _ = _run(run)
    _assert_same(a, b)
    for fn in (
        lambda m: m.bernoulli(m.full((40,), 0.4, dtype=getattr(m, pdtype))),
        lambda m: m.full((9,), 0.5, dtype=getattr(m, pdtype)).bernoulli(0.25),
    ):
        a, b, _, _ = _run(fn)
        _assert_same(a, b)


def test_like_factories_keep_layout_and_stream():
    for fn in (
        lambda m: m.rand_like(m.empty(4, 6).t()),
        lambda m: m.randn_like(m.empty(4, 6, dtype=m.float64).t()),
        lambda m: m.randint_like(m.empty(4, 6).t(), 3, 9),
        lambda m: m.rand_like(m.empty(8, 6, dtype=m.float16)),
    ):
        a, b, sa, sb = _run(fn)
        _assert_same(a, b)
        assert sa == sb


def test_streams_continue_across_calls():
    # The cached second normal and the word position carry over from call to call.
    def run(m):
        return m.cat(
            [
                m.randn(3, dtype=m.float64),
                m.rand(5),
                m.randn(20),
                m.randperm(9).float(),
                m.empty(3).random_(100),
                m.randn(1, dtype=m.float64),
            ]
        )

    a, b, _, _ = _run(run)
    _assert_same(a, b)


BAD = [
    "m.empty(3, dtype=m.int64).uniform_()",
    "m.empty(20, dtype=m.int64).normal_()",
    "m.randn(3, dtype=m.bool)",
    "m.rand_like(m.zeros(3, dtype=m.int32))",
    "m.bernoulli(m.zeros(3, dtype=m.int64))",
    "m.empty(3).bernoulli_(1.5)",
    "m.empty(3).bernoulli_(m.full((3,), 1.5))",
    "m.empty(3).uniform_(2, 1)",
    "m.empty(3).normal_(0, -1)",
    "m.empty(3, dtype=m.uint8).random_(-1, 5)",
    "m.empty(3, dtype=m.uint8).random_(0, 257)",
    "m.empty(3, dtype=m.float16).random_(0, 70000)",
    "m.empty(3, dtype=m.int8).random_(5, 5)",
    "m.empty(3, dtype=m.int8).random_(0)",
    "m.empty(0, dtype=m.uint8).random_(-1, 5)",
    "m.empty(3).expand(2, 3).uniform_()",
    "m.empty(3, dtype=m.int32).random_(-(2**63), None)",
    "m.zeros(3, requires_grad=True).uniform_()",
]


@pytest.mark.parametrize("expr", BAD)
def test_bad_calls_raise_like_torch(expr):
    with pytest.raises(Exception) as want:
        eval(expr, {"m": torch})
    with pytest.raises(type(want.value)) as got:
        eval(expr, {"m": rtorch})
    assert str(got.value) == str(want.value).split("\n")[0] or type(want.value) is not RuntimeError


def test_history_of_sampled_tensors():
    for m in (torch, rtorch):
        y = m.zeros(3, requires_grad=True) * 2
        names = []
        for f in (
            lambda y=y: y.uniform_(),
            lambda y=y: y.normal_(),
            lambda y=y: y.random_(),
            lambda y=y: y.random_(5),
            lambda y=y: y.random_(1, 5),
            lambda y=y: y.bernoulli_(0.5),
        ):
            f()
            names.append(y.grad_fn.name())
        y.sum().backward()
        p = m.full((3,), 0.5, requires_grad=True)
        out = m.bernoulli(p)
        names.append(out.grad_fn.name())
        out.sum().backward()
        names.append(p.grad.tolist())
        if m is torch:
            want = names
    assert names == want


# ----- generator state in torch's byte layout -----

STATE_DRAWS = {
    "fresh": lambda m: None,
    "three_words": lambda m: m.rand(3),
    "cached_normal": lambda m: m.randn(1, dtype=m.float64),
    "past_a_block": lambda m: m.rand(700),
    "small_randn": lambda m: m.randn(5),
    "big_randn": lambda m: m.randn(40),
}


@pytest.mark.parametrize("seed", [0, 42, 2**40 + 7])
@pytest.mark.parametrize("draw", sorted(STATE_DRAWS))
def test_rng_state_bytes_match_torch_and_restore_across(seed, draw):
    torch.manual_seed(seed)
    rtorch.manual_seed(seed)
    STATE_DRAWS[draw](torch)
    STATE_DRAWS[draw](rtorch)
    ts, rs = torch.get_rng_state(), rtorch.get_rng_state()
    assert rs.dtype == rtorch.uint8 and rs.shape == (5056,)
    assert rs.numpy().tobytes() == ts.numpy().tobytes()
    # A state saved by one library continues the other's stream.
    torch.set_rng_state(torch.from_numpy(rs.numpy().copy()))
    rtorch.set_rng_state(rtorch.from_numpy(ts.numpy().copy()))
    want = torch.randn(7, dtype=torch.float64).numpy()
    got = rtorch.randn(7, dtype=rtorch.float64).numpy()
    np.testing.assert_array_equal(got, want)


def test_rng_state_round_trip_and_generator_objects():
    g = rtorch.Generator().manual_seed(3)
    state = g.get_state()
    a = rtorch.rand(5, generator=g)
    g.set_state(state)
    np.testing.assert_array_equal(rtorch.rand(5, generator=g).numpy(), a.numpy())


def test_set_rng_state_errors_match_torch():
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        rtorch.set_rng_state(rtorch.zeros(5056))
    with pytest.raises(RuntimeError, match="CPUGeneratorImplState of size 5056 .* 50$"):
        rtorch.set_rng_state(rtorch.zeros(50, dtype=rtorch.uint8))
