"""The `OpInfo` record and the builders every op_db family file shares.

`op_db.py` holds the foundation's ops; each later family has its own
`op_db_<family>.py` with an `OPS` list, which `op_db.py` appends to `OP_DB`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from op_db_samples import (
    ALL_DTYPES,
    ErrorInput,
    SampleInput,
    _tensor_factory,
    binary_samples,
    unary_samples,
)


@dataclass
class OpInfo:
    name: str
    # unary / binary / reduction / join / blas / other: picks the fuzzer's generator.
    kind: str
    sample_inputs: Callable
    ref: Callable | None = None
    fn: Callable | None = None
    dtypes: tuple = ALL_DTYPES
    unsupported_exc: type = NotImplementedError
    differentiable: bool = True
    supports_gradgrad: bool = True
    domain: tuple = (None, None)
    # dtype -> (rtol, atol), overriding the defaults in test_ops.
    tol: dict = field(default_factory=dict)
    ref_tol: dict = field(default_factory=dict)
    ref_dtypes: tuple | None = None
    error_inputs: Callable | None = None
    # (test name, dtype or None for all, reason)
    skips: tuple = ()
    method: bool = True
    inplace: bool = False
    # False keeps the op out of the seeded fuzz slice until KNOWN_OPEN is regenerated for
    # it: every op added to the pick list shifts the slice's programs (op_db_shape.py).
    fuzz: bool = True

    def __call__(self, lib, *args, **kwargs):
        if self.fn is not None:
            return self.fn(lib, *args, **kwargs)
        return getattr(lib, self.name)(*args, **kwargs)

    def skip_reason(self, test, dtype=None):
        for t, d, reason in self.skips:
            if t == test and (d is None or d == dtype):
                return reason
        return None

    def grad_dtypes(self):
        return tuple(d for d in ("float32", "float64") if d in self.dtypes)


# ---------------------------------------------------------------- error inputs


def _first_dtype(dtypes):
    return "float32" if "float32" in dtypes else dtypes[-1]


def _generic_errors(kind, dtypes, nargs=2):
    """Errors every op of a family must raise: bad argument types, bad shapes."""

    def gen(lib, rng):
        d = _first_dtype(dtypes)
        t, _ = _tensor_factory(lib, rng, d, -3, 3)
        if kind == "unary":
            yield ErrorInput(SampleInput(([1.0, 2.0],), name="list_input"), TypeError)
        elif kind == "binary":
            yield ErrorInput(
                SampleInput((t((3, 4)), t((2, 4))), name="not_broadcastable"),
                RuntimeError,
            )
            yield ErrorInput(SampleInput((t((3,)), "x"), name="str_operand"), TypeError)
        elif kind == "reduction":
            yield ErrorInput(
                SampleInput((t((3, 4)),), {"dim": 2}, name="dim_out_of_range"),
                IndexError,
            )
            yield ErrorInput(
                SampleInput((t((3, 4)),), {"dim": -3}, name="neg_dim_out_of_range"),
                IndexError,
            )
            yield ErrorInput(SampleInput((t(()),), {"dim": 1}, name="0d_dim1"), IndexError)
            yield ErrorInput(SampleInput((t((3, 4)),), {"dim": 0.5}, name="float_dim"), TypeError)

    return gen


def _chain(*gens):
    def gen(lib, rng):
        for g in gens:
            if g is not None:
                yield from g(lib, rng)

    return gen


def _errors(fn):
    """Decorator turning fn(lib, t, rng) -> iterable of (args, kwargs, exc) into an error_inputs callable."""

    def gen(lib, rng):
        for args, kwargs, exc in fn(lib, rng):
            yield ErrorInput(SampleInput(tuple(args), dict(kwargs), name=exc.__name__), exc)

    return gen


def _t(lib, rng, d="float32"):
    return _tensor_factory(lib, rng, d, -3, 3)[0]


# ---------------------------------------------------------------- builders


def unary(
    name,
    ref,
    dtypes=ALL_DTYPES,
    domain=(None, None),
    nonzero=False,
    extra=None,
    errors=None,
    **kw,
):
    kw.setdefault("inplace", True)
    return OpInfo(
        name=name,
        kind="unary",
        ref=ref,
        dtypes=dtypes,
        domain=domain,
        sample_inputs=unary_samples(domain, nonzero, extra),
        error_inputs=_chain(_generic_errors("unary", dtypes), errors),
        **kw,
    )


def binary(name, ref, dtypes=ALL_DTYPES, samples=None, errors=None, **kw):
    kw.setdefault("inplace", True)
    return OpInfo(
        name=name,
        kind="binary",
        ref=ref,
        dtypes=dtypes,
        sample_inputs=samples or binary_samples(),
        error_inputs=_chain(_generic_errors("binary", dtypes), errors),
        **kw,
    )


def reduction(name, ref, samples, dtypes=ALL_DTYPES, errors=None, **kw):
    return OpInfo(
        name=name,
        kind="reduction",
        ref=ref,
        dtypes=dtypes,
        sample_inputs=samples,
        error_inputs=_chain(_generic_errors("reduction", dtypes), errors),
        **kw,
    )
