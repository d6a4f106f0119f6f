"""Regressions from the differential fuzz against torch, engine side.

Every case is a function of the library module: it runs under rtorch and under real
torch, and both must agree exactly (dtype, shape, values with NaN in the same places)
or raise the same exception type with the same message.
"""

import warnings

import numpy as np
import pytest
from conftest import LIB, TORCH, dtype_name, exc_type, to_numpy

pytestmark = pytest.mark.skipif(
    LIB is None or TORCH is None, reason="needs rtorch and torch (the oracle)"
)

INF = float("inf")


def _outcome(lib, case):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = case(lib)
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return ("raises", exc_type(e), str(e))
    return ("value", dtype_name(r.dtype), tuple(r.shape), to_numpy(r))


def check(case):
    got, want = _outcome(LIB, case), _outcome(TORCH, case)
    if want[0] == "raises" or got[0] == "raises":
        assert got == want
    else:
        assert got[:3] == want[:3]
        np.testing.assert_array_equal(got[3], want[3])


def cases(**kw):
    return pytest.mark.parametrize("case", list(kw.values()), ids=list(kw))


def tset(lib, idx, value, dtype):
    x = lib.zeros(2, dtype=getattr(lib, dtype))
    x[idx] = value if not callable(value) else value(lib)
    return x


# W2: any/all with an empty dim list reduce over no dims; other reductions over all.
@cases(
    any_tuple=lambda L: L.any(L.tensor([[True, False], [True, True]]), dim=()),
    all_list=lambda L: L.all(L.tensor([[True, False], [True, True]]), dim=[]),
    any_uint8=lambda L: L.any(L.tensor([[1, 0]], dtype=L.uint8), dim=()),
    all_float_keepdim=lambda L: L.all(L.tensor([[1.0, 0.0]]), dim=(), keepdim=True),
    any_0dim=lambda L: L.any(L.tensor(0.0), dim=()),
    sum_tuple=lambda L: L.sum(L.tensor([[1.0, 2], [3, 4]]), dim=()),
    amax_list=lambda L: L.amax(L.tensor([[1.0, 2], [3, 4]]), dim=[]),
    mean_tuple=lambda L: L.mean(L.tensor([[1.0, 2], [3, 4]]), dim=()),
)
def test_empty_dim_list(case):
    check(case)


# W4/W5: ranges.
@cases(
    linspace_one=lambda L: L.linspace(2, 5, 1),
    logspace_one=lambda L: L.logspace(2, 5, 1),
    logspace_one_base=lambda L: L.logspace(2, 5, 1, base=2.0),
    linspace_one_int=lambda L: L.linspace(2.7, 5, 1, dtype=L.int64),
    arange_int64=lambda L: L.arange(2.3, 8.8, dtype=L.int64),
    arange_int64_step=lambda L: L.arange(-2.7, 8.8, 1.5, dtype=L.int64),
    arange_int64_neg=lambda L: L.arange(5.5, 1.2, -1.5, dtype=L.int64),
    arange_int64_span=lambda L: L.arange(-1.5, 1.5, dtype=L.int64),
    arange_int64_zero_step=lambda L: L.arange(2.3, 8.8, 0.7, dtype=L.int64),
    arange_int32_zero_step=lambda L: L.arange(2.3, 8.8, 0.7, dtype=L.int32),
    arange_uint8_wraps=lambda L: L.arange(-2.3, 8.8, 1.7, dtype=L.uint8),
    arange_int8_wraps=lambda L: L.arange(300.5, 2000.0, 100.3, dtype=L.int8),
    arange_float16=lambda L: L.arange(2.3, 8.8, 1.7, dtype=L.float16),
    arange_bad_sign=lambda L: L.arange(0, 5, -1),
    arange_bool=lambda L: L.arange(0, 5, dtype=L.bool),
    linspace_int64_odd=lambda L: L.linspace(-3.7, 8.8, 9, dtype=L.int64),
    linspace_int64_even=lambda L: L.linspace(-3.7, 8.8, 10, dtype=L.int64),
    linspace_int16=lambda L: L.linspace(-707.37, 313.6, 1001, dtype=L.int16),
    linspace_uint8_overflow=lambda L: L.linspace(0, 300, 5, dtype=L.uint8),
    linspace_float16=lambda L: L.linspace(-3.7, 8.8, 1001, dtype=L.float16),
    linspace_bfloat16=lambda L: L.linspace(-0.3, 1e4, 1001, dtype=L.bfloat16),
    linspace_float32=lambda L: L.linspace(23.2, -94.7, 3000),
    linspace_float64=lambda L: L.linspace(40.84, -95.74, 7, dtype=L.float64),
    linspace_float32_overflow=lambda L: L.linspace(0, 1e39, 3),
    linspace_bool=lambda L: L.linspace(0, 3, 4, dtype=L.bool),
    logspace_int64_truncates=lambda L: L.logspace(0.5, 3.3, 4, dtype=L.int64),
    logspace_int64_small=lambda L: L.logspace(-1, 1, 3, dtype=L.int64),
    logspace_uint8_overflow=lambda L: L.logspace(0, 300, 3, dtype=L.uint8),
)
def test_ranges(case):
    check(case)


def test_linspace_random_endpoints():
    rng = np.random.default_rng(0)
    for _ in range(60):
        a, b = (float(v) for v in rng.uniform(-1000, 1000, 2))
        n = int(rng.choice([2, 3, 7, 16, 17, 100, 1001]))
        for dt in ["float16", "bfloat16", "float32", "float64", "int64", "int32"]:
            check(lambda L, a=a, b=b, n=n, dt=dt: L.linspace(a, b, n, dtype=getattr(L, dt)))


# W6: integer addcmul keeps its dtype (the value is truncated); addcdiv of integers raises.
@cases(
    addcmul_int64_half=lambda L: L.addcmul(
        L.tensor([1, 2, 3]), L.tensor([1, 2, 3]), L.tensor([1, 2, 3]), value=0.5
    ),
    addcmul_int8_wraps=lambda L: L.addcmul(
        L.tensor([1, 2], dtype=L.int8),
        L.tensor([100, 100], dtype=L.int8),
        L.tensor([3, 3], dtype=L.int8),
        value=3,
    ),
    addcmul_int8_float_value=lambda L: L.addcmul(
        L.tensor([1, 2], dtype=L.int8),
        L.tensor([1, 2], dtype=L.int8),
        L.tensor([1, 2], dtype=L.int8),
        value=2.7,
    ),
    addcmul_int8_overflow=lambda L: L.addcmul(
        L.tensor([1, 2], dtype=L.int8),
        L.tensor([1, 2], dtype=L.int8),
        L.tensor([1, 2], dtype=L.int8),
        value=300,
    ),
    addcmul_mixed=lambda L: L.addcmul(
        L.tensor([1, 2]), L.tensor([1.0, 2]), L.tensor([1, 2]), value=0.5
    ),
    addcmul_float64_int_factors=lambda L: L.addcmul(
        L.tensor([1.0, 2], dtype=L.float64),
        L.tensor([2**40 + 1, 3]),
        L.tensor([2**20 + 1, 3]),
        value=0.5,
    ),
    addcdiv_int_raises=lambda L: L.addcdiv(
        L.tensor([1, 2]), L.tensor([1, 2]), L.tensor([3, 7]), value=0.5
    ),
    addcdiv_mixed=lambda L: L.addcdiv(
        L.tensor([1, 2]), L.tensor([1.0, 2]), L.tensor([3, 7]), value=0.5
    ),
)
def test_addcmul_addcdiv_dtypes(case):
    check(case)


# W7: empty inputs take part in cat's type promotion.
@cases(
    both_empty=lambda L: L.cat([L.zeros(0, dtype=L.bool), L.zeros(0, dtype=L.int64)]),
    empty_float=lambda L: L.cat([L.ones(2, dtype=L.bool), L.zeros(0, dtype=L.float64)]),
    empty_half_2d=lambda L: L.cat([L.ones(2, 3, dtype=L.int8), L.zeros(0, dtype=L.float16)]),
)
def test_cat_empty_promotion(case):
    check(case)


# W8: a 0-dim tensor bound next to a number bound promotes as a number.
@cases(
    zero_dim_self=lambda L: L.tensor(5, dtype=L.uint8).clamp(L.tensor(2.0, dtype=L.float64), -1),
    one_dim_self=lambda L: L.tensor([5], dtype=L.uint8).clamp(L.tensor(2.0, dtype=L.float64), -1),
    clip_reversed=lambda L: L.clip(
        L.tensor([5], dtype=L.uint8), -1, L.tensor(2.0, dtype=L.float64)
    ),
    tensor_only=lambda L: L.tensor(5, dtype=L.uint8).clamp(L.tensor(2.0, dtype=L.float64)),
    int_and_float=lambda L: L.tensor(5, dtype=L.int8).clamp(L.tensor(2, dtype=L.int64), 4.5),
    two_tensors=lambda L: L.tensor(5, dtype=L.int8).clamp(
        L.tensor(2, dtype=L.int64), L.tensor(3, dtype=L.int16)
    ),
)
def test_clamp_zero_dim_bounds(case):
    check(case)


# W11: var/std accumulate in a wider type (inf, not nan, when correction >= N).
@cases(
    half_tiny=lambda L: L.var(L.tensor([1e-4, 2e-4, 3e-4], dtype=L.float16), correction=3),
    half_std=lambda L: L.std(L.tensor([1e-4, 2e-4, 3e-4], dtype=L.float16), correction=4),
    float_tiny=lambda L: L.var(L.tensor([1e-25, 2e-25, 3e-25]), correction=3),
    all_equal=lambda L: L.var(L.tensor([0.0, 0.0], dtype=L.float16), correction=2),
    half_plain=lambda L: L.var(L.tensor([300.0, 200, 100], dtype=L.float16)),
    bfloat16_dim=lambda L: L.var(L.tensor([[1.0, 2, 3.5], [4.25, 1, 0]], dtype=L.bfloat16), dim=1),
)
def test_var_accumulation(case):
    check(case)


# W12: float32 scans accumulate in float64, the half types in float32.
@cases(
    cumprod_f32=lambda L: L.cumprod(L.tensor([1e30, 1e30, 1e-30, 1e-30]), 0),
    cumsum_f32=lambda L: L.cumsum(L.tensor([3e38, 3e38, -3e38]), 0),
    cumprod_into_f32=lambda L: L.cumprod(
        L.tensor([1e30, 1e30, 1e-30, 1e-30], dtype=L.float64), 0, dtype=L.float32
    ),
    cumprod_f16=lambda L: L.cumprod(L.tensor([300, 300, 0.001, 0.001], dtype=L.float16), 0),
    cumprod_bf16=lambda L: L.cumprod(L.tensor([1e30, 1e30, 1e-30, 1e-30], dtype=L.bfloat16), 0),
    cumsum_tenths=lambda L: L.cumsum(L.tensor([0.1] * 10), 0),
    cumsum_into_f16=lambda L: L.cumsum(L.tensor([0.1] * 10), 0, dtype=L.float16),
    cumsum_into_int=lambda L: L.cumsum(L.tensor([0.5, 0.5]), 0, dtype=L.int64),
)
def test_scan_accumulation(case):
    check(case)


def _inf_mat(L, dt="float32"):
    return L.tensor([[INF, 1.0], [1.0, 1.0]], dtype=getattr(L, dt))


# W17: alpha = 0 skips the product only where torch goes through BLAS.
@cases(
    addmm_f32=lambda L: L.addmm(L.zeros(2, 2), _inf_mat(L), L.ones(2, 2), alpha=0),
    addmm_f16=lambda L: L.addmm(
        L.zeros(2, 2, dtype=L.float16),
        _inf_mat(L, "float16"),
        L.ones(2, 2, dtype=L.float16),
        alpha=0,
    ),
    addmv_f32=lambda L: L.addmv(L.zeros(2), _inf_mat(L), L.ones(2), alpha=0),
    addmv_bf16=lambda L: L.addmv(
        L.zeros(2, dtype=L.bfloat16), _inf_mat(L, "bfloat16"), L.ones(2, dtype=L.bfloat16), alpha=0
    ),
    addr=lambda L: L.addr(L.zeros(2, 2), L.tensor([INF, 1.0]), L.ones(2), alpha=0),
    baddbmm_small=lambda L: L.baddbmm(
        L.zeros(1, 2, 2), _inf_mat(L)[None], L.ones(1, 2, 2), alpha=0
    ),
    baddbmm_blas=lambda L: L.baddbmm(
        L.zeros(1, 4, 20), L.full((1, 4, 5), INF), L.ones(1, 5, 20), alpha=0
    ),
    baddbmm_just_small=lambda L: L.baddbmm(
        L.zeros(1, 4, 19), L.full((1, 4, 5), INF), L.ones(1, 5, 19), alpha=0
    ),
    addbmm_f32=lambda L: L.addbmm(L.zeros(2, 2), _inf_mat(L)[None], L.ones(1, 2, 2), alpha=0),
    addmv_empty_0dim=lambda L: L.tensor(1.0).addmv(L.zeros(0, 3), L.ones(3)),
    addmv_empty_beta=lambda L: L.tensor(1.0).addmv(L.zeros(0, 3), L.ones(3), beta=2),
    addmv_empty_beta0=lambda L: L.tensor(1.0).addmv(L.zeros(0, 3), L.ones(3), beta=0),
    addmv_empty_cols=lambda L: L.addmv(L.tensor(1.0), L.zeros(2, 0), L.ones(0), beta=2),
    addmv_empty_1d=lambda L: L.addmv(L.ones(1), L.zeros(0, 3), L.ones(3)),
    addmm_alpha_overflow=lambda L: L.addmm(L.zeros(2, 2), L.ones(2, 2), L.ones(2, 2), alpha=1e39),
)
def test_blas_alpha_zero(case):
    check(case)


# W19: integer pow wraps for any exponent; sum(dtype=bool) converts before summing.
@cases(
    pow_2_40=lambda L: L.tensor([2]) ** 2**40,
    pow_3_big=lambda L: L.tensor([3]) ** (2**40 + 1),
    pow_minus_one=lambda L: L.tensor([-1]) ** (2**40 + 1),
    pow_tensor_exponent=lambda L: L.tensor([3]) ** L.tensor([2**40 + 1]),
    pow_int16=lambda L: L.tensor([3], dtype=L.int8) ** L.tensor([257], dtype=L.int16),
    sum_bool_halves=lambda L: L.tensor([0.5, 0.5]).sum(dtype=L.bool),
    sum_bool_cancel=lambda L: L.tensor([1, -1]).sum(dtype=L.bool),
    sum_bool_dim=lambda L: L.tensor([[0.5], [0.0]]).sum(dim=1, dtype=L.bool),
    sum_int_truncates=lambda L: L.tensor([0.6, 0.6]).sum(dtype=L.int64),
)
def test_pow_and_sum_dtype(case):
    check(case)


# E1: numbers stored into tensors must fit the dtype.
@cases(
    masked_fill=lambda L: L.zeros(2, dtype=L.int8).masked_fill(L.tensor([True, False]), 300),
    masked_fill_tensor=lambda L: L.zeros(2, dtype=L.int8).masked_fill(
        L.tensor([True, False]), L.tensor(300)
    ),
    masked_fill_min=lambda L: L.zeros(2, dtype=L.int8).masked_fill(L.tensor([True, False]), -128),
    full_uint8=lambda L: L.full((2,), 300, dtype=L.uint8),
    full_uint8_negative=lambda L: L.full((1,), -1, dtype=L.uint8),
    full_uint8_negative_float=lambda L: L.full((1,), -0.5, dtype=L.uint8),
    full_int8_fraction=lambda L: L.full((1,), 127.5, dtype=L.int8),
    full_int64_nan=lambda L: L.full((1,), float("nan"), dtype=L.int64),
    full_half_rounds_to_inf=lambda L: L.full((1,), 65520.0, dtype=L.float16),
    full_bool=lambda L: L.full((1,), 2, dtype=L.bool),
    full_like=lambda L: L.full_like(L.zeros(2, dtype=L.int8), 2**40),
    new_full=lambda L: L.zeros(2, dtype=L.int8).new_full((2,), INF),
    fill_=lambda L: L.zeros(2, dtype=L.int8).fill_(300),
    fill_float32=lambda L: L.zeros(1).fill_(1e39),
    where_scalar=lambda L: L.where(L.tensor([True, False]), L.zeros(2, dtype=L.int8), 300),
    clamp_scalar=lambda L: L.zeros(2, dtype=L.int8).clamp(min=300),
    clamp_float_scalar=lambda L: L.zeros(2, dtype=L.int8).clamp(min=2.5),
    lerp_weight=lambda L: L.zeros(2).lerp(L.ones(2), 1e39),
    setitem_number=lambda L: tset(L, 0, 300, "int8"),
    setitem_tensor_wraps=lambda L: tset(L, 0, lambda L: L.tensor(300), "int8"),
    add_wraps=lambda L: L.zeros(2, dtype=L.int8) + 300,
)
def test_scalar_overflow(case):
    check(case)


# ---- deliberate difference: logical ops written in place into a tensor with history ----
# torch 2.13 leaves such a tensor's grad_fn untouched, so `(x + 1).logical_not_()` passes a
# gradient of 1 back through values it overwrote: a silently wrong gradient. rtorch records
# Logical*Backward0 with a zero gradient, exactly what torch does for the other in-place
# ops whose result is piecewise constant (ge_, eq_, sign_, floor_). The fuzzer allows it
# under the "logical-inplace" tag (tests/fuzz/known.py).
@pytest.mark.parametrize("op", ["logical_and_", "logical_or_", "logical_xor_", "logical_not_"])
def test_logical_inplace_records_a_zero_gradient(op):
    x = LIB.tensor([0.5, 2.0], requires_grad=True)
    y = x + 1
    args = () if op == "logical_not_" else (LIB.tensor([1.0, 0.0]),)
    getattr(y, op)(*args)
    name = "".join(p.capitalize() for p in op.strip("_").split("_")) + "Backward0"
    assert type(y.grad_fn).__name__ == name
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    # and what torch does with the same program, for the record:
    tx = TORCH.tensor([0.5, 2.0], requires_grad=True)
    ty = tx + 1
    getattr(ty, op)(*(TORCH.tensor([1.0, 0.0]),) if args else ())
    ty.sum().backward()
    assert type(ty.grad_fn).__name__ == "AddBackward0" and tx.grad.tolist() == [1.0, 1.0]


# ---- deliberate difference: var/std over dim=() ----
# torch 2.13 reduces over every dim in the forward (as for dim=None) but its backward
# counts N = 1 reduced elements, so 2 / (N - 1) is inf and the gradient is +-inf. rtorch
# gives the gradient of the value it computed: the full reduction's. (KNOWN_OPEN
# VAR_EMPTY_DIMS in the fuzzer.)
@pytest.mark.parametrize("op", ["var", "std"])
def test_var_std_empty_dims_gradient_is_the_full_reductions(op):
    x = LIB.tensor([1.0, 2.0, 4.0], dtype=LIB.float64, requires_grad=True)
    getattr(LIB, op)(x, dim=()).backward()
    got = x.grad.tolist()
    x.grad = None
    getattr(LIB, op)(x).backward()
    assert got == x.grad.tolist() and all(np.isfinite(got))
    tx = TORCH.tensor([1.0, 2.0, 4.0], dtype=TORCH.float64, requires_grad=True)
    getattr(TORCH, op)(tx, dim=()).backward()
    assert not np.isfinite(tx.grad.numpy()).any()  # torch's, for the record


def test_a_rust_panic_in_an_op_is_a_runtime_error_naming_it():
    # pyo3 would raise PanicException, a BaseException that `except Exception` misses.
    if LIB is None:
        pytest.skip("needs rtorch")
    with pytest.raises(RuntimeError, match=r"internal error in _test_panic: forced"):
        LIB._C._test_panic("forced")
    assert LIB.ones(2).sum().item() == 2.0  # and the interpreter carries on
