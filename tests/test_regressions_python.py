"""Regression tests for findings of the differential fuzz against torch in the Python layer
(`python/rtorch`): numbers as the first argument of module functions, movedim of 0-dim
tensors, H/mH/mT and type(), devices of the Python-level factories and `new_*`, and
pickling (multiprocessing queues). Each case runs the reproducer through rtorch and torch
and compares values, dtypes, shapes and exception classes."""

import copy
import gc
import pickle
import queue
import warnings
import weakref

import numpy as np
import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch
from conftest import dtype_name, exc_type, is_tensor, to_numpy

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
needs_torch = pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")

DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8"]
DTYPES += ["uint8", "bool"]


def outcome(fn, lib, *args):
    """What `fn(lib, *args)` gives: ('raise', builtin exception class) or the result."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(lib, *args)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return ("raise", exc_type(e))


def assert_same(got, want):
    if isinstance(want, tuple) and len(want) == 2 and want[0] == "raise":
        assert isinstance(got, tuple) and got[:1] == ("raise",), f"torch raised {want}, got {got}"
        assert got[1] is want[1], f"torch raised {want[1]}, rtorch {got[1]}"
        return
    if is_tensor(want):
        assert is_tensor(got), f"expected a tensor, got {got!r}"
        assert dtype_name(got.dtype) == dtype_name(want.dtype)
        assert tuple(got.shape) == tuple(want.shape)
        assert got.requires_grad == want.requires_grad
        np.testing.assert_array_equal(to_numpy(got), to_numpy(want))
        return
    assert type(got) is type(want) and got == want, f"{got!r} vs {want!r}"


def check(fn, *args):
    assert_same(outcome(fn, rtorch, *args), outcome(fn, torch, *args))


# ---- E3: a number as the first argument of module functions ----

NUMBER_FIRST = ["add", "sub", "mul", "div", "true_divide", "floor_divide", "multiply"]
NUMBER_FIRST += ["subtract", "divide", "pow", "remainder", "bitwise_and", "bitwise_or"]
NUMBER_FIRST += ["bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"]
NUMBERS = [3, -2, 0, 2.5, True, False, np.float64(1.5), np.int32(2)]


def _operand(lib, dt, shape):
    values = [1, 2, 3] if shape else 3
    return lib.tensor(values, dtype=getattr(lib, dt))


@needs_torch
@pytest.mark.parametrize("name", NUMBER_FIRST)
def test_number_first_matches_torch(name):
    # rtorch.add(3, t) raised "descriptor 'add' ... doesn't apply to a 'int' object"; torch
    # wraps the number. Integer-valued data keeps the comparison exact.
    kwargs = [{}]
    if name in ("add", "sub"):
        kwargs.append({"alpha": 2})
    if name == "div":
        kwargs += [{"rounding_mode": "floor"}, {"rounding_mode": "trunc"}]

    def call(lib, number, dt, shape, kw):
        return getattr(lib, name)(number, _operand(lib, dt, shape), **kw)

    for number in NUMBERS:
        for dt in DTYPES:
            for shape in ((), (3,)):
                for kw in kwargs:
                    check(call, number, dt, shape, kw)


@needs_torch
def test_number_first_value_is_converted_once():
    # torch.div(-2, uint8 tensor) is -2 / t: the number is not wrapped around to 254 first.
    check(lambda lib: lib.div(-2, lib.tensor([1, 2, 3], dtype=lib.uint8)))
    check(lambda lib: lib.div(-2, lib.tensor([1, 2, 3], dtype=lib.uint8), rounding_mode="floor"))
    check(lambda lib: lib.mul(3.5, lib.tensor(2.0, dtype=lib.float16)))  # 0-dim stays half
    check(lambda lib: lib.add(300, lib.tensor([1, 2], dtype=lib.uint8)))


@needs_torch
def test_number_first_forms_and_errors():
    def t(lib):
        return lib.tensor([1.0, 2.0, 3.0])

    check(lambda lib: lib.add(3, 4))
    check(lambda lib: lib.add(3.5, 4))
    check(lambda lib: lib.div(3, 4))
    check(lambda lib: lib.mul(True, False))
    check(lambda lib: lib.add(input=3, other=t(lib)))
    check(lambda lib: lib.add(3, other=t(lib)))
    check(lambda lib: lib.pow(t(lib), exponent=2))
    check(lambda lib: lib.sub(True, lib.tensor([1, 2])))  # bool subtraction is refused
    check(lambda lib: lib.pow(2, 3))  # `Number self` overloads need a tensor second
    check(lambda lib: lib.remainder(2, 3))
    check(lambda lib: lib.bitwise_and(2, 3))
    check(lambda lib: lib.add([1, 2], t(lib)))
    check(lambda lib: lib.add(None, t(lib)))
    check(lambda lib: lib.add(np.array(3), t(lib)))
    check(lambda lib: lib.add(3, [1, 2]))
    check(lambda lib: lib.exp(3))
    with pytest.raises(TypeError, match=r"add\(\): argument 'input' \(position 1\) must be"):
        rtorch.add("x", rtorch.ones(2))


@needs_torch
def test_number_first_autograd():
    for lib in (rtorch, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.sub(3, x, alpha=2).sum().backward()
        assert x.grad.tolist() == [-2.0, -2.0]


# ---- E6: movedim / moveaxis of a 0-dim tensor ----

MOVEDIM_0D = [(0, 0), (-1, 0), (0, -1), ([0], [0]), ([], []), ((0,), (-1,)), (1, 0), (0, 1)]
MOVEDIM_0D += [(-2, 0), ([0, 0], [0, 0]), ([0, -1], [0, 0])]


@needs_torch
@pytest.mark.parametrize("fn", ["movedim", "moveaxis"])
def test_movedim_0d(fn):
    for source, destination in MOVEDIM_0D:
        check(lambda lib, s, d: getattr(lib, fn)(lib.tensor(5.0), s, d), source, destination)
        check(lambda lib, s, d: getattr(lib.tensor(5.0), fn)(s, d), source, destination)


def test_movedim_0d_is_a_view():
    x = rtorch.tensor(5.0)
    y = rtorch.movedim(x, 0, -1)
    assert y._is_view() and y._storage_id() == x._storage_id()


# ---- Tensor.H / mH / mT and Tensor.type ----


@needs_torch
@pytest.mark.parametrize("attr", ["T", "H", "mT", "mH"])
def test_transpose_properties(attr):
    for make in (
        lambda lib: lib.tensor(5.0),
        lambda lib: lib.tensor([1.0, 2.0]),
        lambda lib: lib.arange(6.0).reshape(2, 3),
        lambda lib: lib.arange(24).reshape(2, 3, 4),
    ):
        check(lambda lib, make: getattr(make(lib), attr), make)
    check(lambda lib: getattr(lib.arange(6.0).reshape(2, 3), attr).stride())


@needs_torch
def test_adjoint_autograd_and_views():
    for attr in ("H", "mH"):
        x = rtorch.ones(2, 3, requires_grad=True)
        y = getattr(x, attr)
        assert y._is_view() and y.grad_fn.name() == "TransposeBackward0"
    x = rtorch.tensor(1.0)
    with pytest.warns(UserWarning, match="Tensor.mH is deprecated on 0-D tensors"):
        y = x.mH
    assert y is x


TYPE_ARGS = [
    None,
    "torch.FloatTensor",
    "torch.DoubleTensor",
    "torch.HalfTensor",
    "torch.BFloat16Tensor",
    "torch.CharTensor",
    "torch.ByteTensor",
    "torch.ShortTensor",
    "torch.IntTensor",
    "torch.LongTensor",
    "torch.BoolTensor",
    "torch.Foo",
    "float",
    "torch.float64",
    3,
]


@needs_torch
def test_type_matches_torch():
    for dt in DTYPES:
        check(lambda lib, dt: lib.zeros(2, dtype=getattr(lib, dt)).type(), dt)
        check(lambda lib, dt: lib.arange(6.0).type(getattr(lib, dt)), dt)
        check(lambda lib, dt: lib.arange(6.0).type(dtype=getattr(lib, dt), non_blocking=True), dt)
    for arg in TYPE_ARGS:
        check(lambda lib, arg: lib.arange(6.0).reshape(2, 3).type(arg), arg)
    check(lambda lib: lib.typename(lib.zeros(2, dtype=lib.int8)))


def test_type_identity_and_errors():
    x = rtorch.arange(6.0)
    assert x.type("torch.FloatTensor") is x and x.type(rtorch.float32) is x
    with pytest.raises(ValueError, match="invalid type: 'torch.Foo'"):
        x.type("torch.Foo")
    with pytest.raises(TypeError, match="dtype must be a type, str, or dtype object"):
        x.type(3)
    y = rtorch.ones(2, requires_grad=True).type("torch.DoubleTensor")
    assert y.dtype == rtorch.float64 and y.grad_fn.name() == "ToCopyBackward0"


# ---- devices of the Python-level factories; new_* arguments ----


def _cuda_outcome():
    """What rtorch.zeros(device='cuda') does here: the reference for every factory."""
    try:
        return ("ok", rtorch.zeros(1, device="cuda").device)
    except Exception as e:  # noqa: BLE001
        return ("raise", type(e), str(e))


def _device_outcome(fn):
    try:
        return ("ok", fn().device)
    except Exception as e:  # noqa: BLE001
        return ("raise", type(e), str(e))


DEVICE_FACTORIES = {
    "new_zeros": lambda x, d: x.new_zeros(2, device=d),
    "new_ones": lambda x, d: x.new_ones((2, 3), device=d),
    "new_empty": lambda x, d: x.new_empty([2], device=d),
    "new_full": lambda x, d: x.new_full((2,), 1.5, device=d),
    "new_tensor": lambda x, d: x.new_tensor([1.0, 2.0], device=d),
    "rand_like": lambda x, d: rtorch.rand_like(x, device=d),
    "randn_like": lambda x, d: rtorch.randn_like(x, device=d),
    "randint_like": lambda x, d: rtorch.randint_like(x, 5, device=d),
    "zeros_like": lambda x, d: rtorch.zeros_like(x, device=d),
}


@pytest.mark.parametrize("name", sorted(DEVICE_FACTORIES))
def test_factories_honour_device(name):
    # x.new_zeros(3, device='cuda') silently gave a CPU tensor.
    x = rtorch.ones(2, 2, dtype=rtorch.float64)
    make = DEVICE_FACTORIES[name]
    assert _device_outcome(lambda: make(x, "cuda")) == _cuda_outcome()
    assert _device_outcome(lambda: make(x, "cpu")) == ("ok", rtorch.device("cpu"))
    assert _device_outcome(lambda: make(x, None)) == ("ok", x.device)
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda device type"):
        make(x, "meta")


NEW_CALLS = {
    "no size": lambda x, n: getattr(x, n)(),
    "empty tuple": lambda x, n: getattr(x, n)(()),
    "varargs": lambda x, n: getattr(x, n)(2, 3),
    "tuple": lambda x, n: getattr(x, n)((2, 3)),
    "size kw": lambda x, n: getattr(x, n)(size=(2, 3)),
    "shape": lambda x, n: getattr(x, n)(x.shape),
    "dtype": lambda x, n: getattr(x, n)(2, dtype=x.int().dtype),
    "requires_grad": lambda x, n: getattr(x, n)(2, requires_grad=True),
    "int requires_grad": lambda x, n: getattr(x, n)(2, dtype=x.int().dtype, requires_grad=True),
    "negative": lambda x, n: getattr(x, n)(-1),
    "float size": lambda x, n: getattr(x, n)(2.5),
    "unknown kw": lambda x, n: getattr(x, n)(2, foo=1),
}


@needs_torch
@pytest.mark.parametrize("name", ["new_zeros", "new_ones", "new_empty"])
@pytest.mark.parametrize("call", sorted(NEW_CALLS))
def test_new_constructors_match_torch(name, call):
    def fn(lib):
        result = NEW_CALLS[call](lib.tensor([[1.0, 2.0]], dtype=lib.float64), name)
        if name == "new_empty":  # the values are whatever the memory held
            return (dtype_name(result.dtype), tuple(result.shape), result.requires_grad)
        return result

    check(fn)


@needs_torch
def test_random_like_arguments():
    check(lambda lib: lib.randint_like(lib.ones(2), 3, requires_grad=True).detach().zero_())
    check(lambda lib: lib.randint_like(lib.ones(2), 3, dtype=lib.int32).zero_())
    check(lambda lib: lib.randint_like(lib.ones(2), 3, requires_grad=True).requires_grad)
    x = rtorch.ones(8)
    gen = rtorch.Generator()
    a = rtorch.randint_like(x, 10**6, generator=gen.manual_seed(0))
    b = rtorch.randint_like(x, 10**6, generator=gen.manual_seed(0))
    assert a.tolist() == b.tolist()


# ---- pickling; multiprocessing queues ----


def _pickle_cases(lib):
    return [
        lib.arange(6.0).reshape(2, 3),
        lib.tensor([1.5, float("nan"), -0.0, float("inf")], dtype=lib.bfloat16),
        lib.tensor(2.5, dtype=lib.bfloat16),
        lib.tensor(3),
        lib.zeros(0, 3),
        lib.arange(10)[::3],
        lib.arange(6.0).reshape(2, 3).t(),
        lib.tensor([True, False]),
        lib.tensor([1.5, -2.0], dtype=lib.float16),
        lib.tensor([1, 255], dtype=lib.uint8),
        lib.tensor([-128, 127], dtype=lib.int8),
        lib.tensor([1, 2], dtype=lib.int16),
        lib.tensor([1, 2], dtype=lib.int32),
        lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True),
        lib.ones(2, requires_grad=True) * 2,  # a non-leaf arrives as a leaf requiring grad
    ]


@needs_torch
@pytest.mark.parametrize("protocol", [2, pickle.HIGHEST_PROTOCOL])
def test_pickle_round_trip_matches_torch(protocol):
    def round_trip(lib, i):
        t = pickle.loads(pickle.dumps(_pickle_cases(lib)[i], protocol=protocol))
        assert t.is_leaf and t.grad_fn is None
        return t

    for i in range(len(_pickle_cases(rtorch))):
        check(round_trip, i)


def test_pickled_view_is_an_independent_contiguous_tensor():
    base = rtorch.arange(12.0)
    view = base[1::3]
    t = pickle.loads(pickle.dumps(view))
    assert t.is_contiguous() and t.tolist() == [1.0, 4.0, 7.0, 10.0]
    base.zero_()
    assert t.tolist() == [1.0, 4.0, 7.0, 10.0]


@needs_torch
def test_copy_copy_shares_data_like_torch():
    for lib in (rtorch, torch):
        x = lib.ones(3, requires_grad=True)
        for t in (x, x * 2, lib.arange(4.0)[::2], lib.tensor(3)):
            c = copy.copy(t)
            assert c.is_leaf and c.requires_grad == t.requires_grad
            assert c.data_ptr() == t.data_ptr() and c.stride() == t.stride()


def _echo(q_in, q_out):
    t = q_in.get(timeout=60)
    q_out.put((t, t.tolist(), str(t.dtype)))


def test_multiprocessing_queue_round_trip():
    # mp.Queue().put(tensor) used to fail in the feeder thread (the error only went to
    # stderr), so the child's get() waited forever.
    import rtorch.multiprocessing as mp

    ctx = mp.get_context("spawn")
    q_in, q_out = ctx.Queue(), ctx.Queue()
    child = ctx.Process(target=_echo, args=(q_in, q_out), daemon=True)
    child.start()
    try:
        sent = rtorch.tensor([[1.5, -2.25], [3.0, 4.0]], dtype=rtorch.bfloat16)
        q_in.put(sent)
        try:
            back, values, dtype = q_out.get(timeout=60)
        except queue.Empty:
            pytest.fail("the child never received the tensor")
        assert dtype == "torch.bfloat16" and values == sent.tolist()
        assert back.dtype == rtorch.bfloat16 and back.tolist() == sent.tolist()
        child.join(60)
        assert child.exitcode == 0
    finally:
        if child.is_alive():
            child.kill()


def test_rtorch_multiprocessing_is_the_stdlib_module():
    import multiprocessing

    import rtorch.multiprocessing as mp

    assert mp.Queue == multiprocessing.Queue and mp.get_context is multiprocessing.get_context


# ---- open: left to the bindings (see the report of this change) ----


def test_to_cpu0_copies():
    # W10: 'cpu:0' is not the device of a CPU tensor ('cpu'), so torch copies.
    t = rtorch.zeros(2)
    assert t.to("cpu:0")._storage_id() != t._storage_id()
    assert t.to(rtorch.device("cpu", 0))._storage_id() != t._storage_id()
    assert t.to("cpu")._storage_id() == t._storage_id()
    assert str(t.to("cpu:0").device) == "cpu"


@pytest.mark.parametrize(
    "spec", [("cpu",), ("cpu:0",), ("cpu", 0), ("cuda",), ("cuda:1",), ("cuda", 2)]
)
def test_device_objects_match_torch(spec):
    torch = pytest.importorskip("torch")
    a, b = torch.device(*spec), rtorch.device(*spec)
    assert (str(a), repr(a), a.type, a.index) == (str(b), repr(b), b.type, b.index)
    for other in [("cpu",), ("cpu:0",), ("cuda:0",), ("cuda:1",)]:
        assert (a == torch.device(*other)) == (b == rtorch.device(*other))


def test_leaf_hook_cycle_is_collected():
    def make():
        x = rtorch.zeros(4, requires_grad=True)
        x.register_hook(lambda g: g + 0 * x.sum())  # the closure refers to the leaf
        return weakref.ref(x)

    ref = make()
    gc.collect()
    assert ref() is None
