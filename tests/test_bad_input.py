"""Odd and impossible inputs: rtorch must raise the exception type torch raises (or
succeed where torch does), and never let a Rust panic through."""

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch
from conftest import exc_type

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")

# name -> call(lib); x is a 3x4 float tensor of lib.
CASES = {
    "idx_huge": lambda lib, x: x[2**70],
    "idx_big": lambda lib, x: x[2**40],
    "slice_huge": lambda lib, x: x[2**70 :],
    "slice_step0": lambda lib, x: x[::0],
    "slice_negstep": lambda lib, x: x[::-1],
    "view_overflow": lambda lib, x: x.view(2**62, 2**62, 0),
    "reshape_neg": lambda lib, x: x.reshape(-2, 6),
    "narrow_huge": lambda lib, x: x.narrow(0, 0, 2**62),
    "as_strided_neg_off": lambda lib, x: x.as_strided((2,), (1,), -1),
    "randint_bad": lambda lib, x: lib.randint(5, 3, (2,)),
    "arange_nan": lambda lib, x: lib.arange(0, float("nan")),
    "arange_inf": lambda lib, x: lib.arange(0, float("inf")),
    "arange_step0": lambda lib, x: lib.arange(0, 5, 0),
    "linspace_neg": lambda lib, x: lib.linspace(0, 1, -1),
    "ragged": lambda lib, x: lib.tensor([[1, 2], [3]]),
    "bigint": lambda lib, x: lib.tensor([2**70]),
    "bigint_fill": lambda lib, x: lib.full((2,), 2**70),
    "int8_overflow": lambda lib, x: lib.tensor([300], dtype=lib.int8),
    "select_huge": lambda lib, x: x.select(0, 2**62),
    "sum_dim_huge": lambda lib, x: x.sum(2**62),
    "transpose_huge": lambda lib, x: x.transpose(0, 2**40),
    "permute_dup": lambda lib, x: x.permute(0, 0),
    "unflatten_bad": lambda lib, x: x.unflatten(1, (3, 3)),
    "split_zero": lambda lib, x: x.split(0),
    "chunk_zero": lambda lib, x: x.chunk(0),
    "expand_neg": lambda lib, x: x.expand(-2, 4),
    "repeat_neg": lambda lib, x: lib.ones(2).expand(3, -1, 2),
    "squeeze_huge": lambda lib, x: x.squeeze(2**40),
    "flip_dup": lambda lib, x: x.flip(0, 0),
    "cumsum_dim": lambda lib, x: x.cumsum(5),
    "mm_shape": lambda lib, x: lib.mm(x, x),
    "item_multi": lambda lib, x: x.item(),
    "float_multi": lambda lib, x: float(x),
    "bool_multi": lambda lib, x: bool(x),
    "index_float": lambda lib, x: x[1.5],
    "setitem_shape": lambda lib, x: x.__setitem__(0, lib.ones(3)),
    "set_grad_int": lambda lib, x: lib.ones(2, dtype=lib.int64).requires_grad_(),
    "pow_neg_int": lambda lib, x: lib.tensor([2]) ** -1,
    "div_int_zero": lambda lib, x: lib.tensor([1]) // 0,
    "rem_int_zero": lambda lib, x: lib.tensor([1]) % 0,
    "manual_seed_neg": lambda lib, x: lib.manual_seed(-1),
    "manual_seed_huge": lambda lib, x: lib.manual_seed(2**70),
    "randperm_neg": lambda lib, x: lib.randperm(-1),
    "randn_neg": lambda lib, x: lib.randn(-1),
    "normal_neg_std": lambda lib, x: lib.zeros(2).normal_(0, -1),
    "uniform_bad": lambda lib, x: lib.zeros(2).uniform_(1, 0),
    "bernoulli_p": lambda lib, x: lib.zeros(2).bernoulli_(1.5),
    "clamp_none": lambda lib, x: x.clamp(),
    "to_bad": lambda lib, x: x.to("xpu"),
    "device_bad": lambda lib, x: lib.device("cuda:-2"),
    "size_bad": lambda lib, x: x.size(5),
    "stride_bad": lambda lib, x: x.stride(5),
    "cat_empty": lambda lib, x: lib.cat([]),
    "stack_shape": lambda lib, x: lib.stack([x, x.t()]),
    "tensor_str": lambda lib, x: lib.tensor("abc"),
    "tensor_none": lambda lib, x: lib.tensor([None]),
    "nan_to_num_int": lambda lib, x: lib.tensor([1]).nan_to_num(nan=2.5),
    "numpy_grad": lambda lib, x: lib.ones(2, requires_grad=True).numpy(),
    "linspace_huge_steps": lambda lib, x: lib.linspace(0, 1, 2**62),
    "eye_neg": lambda lib, x: lib.eye(-1),
    "full_bad": lambda lib, x: lib.full((2,), "a"),
}

# Where rtorch deliberately or knowingly differs (exception type only; all still raise).
KNOWN = {
    "idx_huge": "torch raises ValueError for a Python int index beyond 64 bits; rtorch IndexError",
    "bigint": "torch raises ValueError for ints beyond 64 bits in data; rtorch RuntimeError",
    "bigint_fill": "torch raises OverflowError; rtorch RuntimeError",
    "manual_seed_huge": "torch raises ValueError; rtorch TypeError",
    "to_bad": "torch fails an internal assert (AssertionError) for an unknown device string",
    "tensor_none": "torch raises RuntimeError for None in data; rtorch TypeError",
}


def outcome(lib, call):
    x = lib.arange(12.0).reshape(3, 4)
    try:
        call(lib, x)
        return "ok"
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return exc_type(e).__name__


@pytest.mark.parametrize("name", sorted(CASES))
def test_never_panics(name):
    # A PanicException derives from BaseException, so it would escape `except Exception`.
    outcome(rtorch, CASES[name])


@pytest.mark.skipif(torch is None, reason="torch (the oracle) is not installed")
@pytest.mark.parametrize("name", sorted(CASES))
def test_same_outcome_as_torch(name):
    if name in KNOWN:
        pytest.skip(KNOWN[name])
    assert outcome(rtorch, CASES[name]) == outcome(torch, CASES[name])


@pytest.mark.parametrize("name", ["rand", "randn", "zeros", "ones", "empty"])
def test_factory_without_size_names_itself(name):
    with pytest.raises(TypeError, match=f"^{name}\\("):
        getattr(rtorch, name)()
