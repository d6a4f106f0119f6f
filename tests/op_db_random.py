"""op_db entries for the random family (issue 9 section 3): normal (tensor mean and
std), poisson, bernoulli, multinomial. Each `fn` seeds the global generator first, so a
call is a function of its inputs and torch parity compares exact values (the streams
are torch's; NOTE [ Sampler registry entries ]). The in-place fills, random_ and the
*_like factories are stream-tested in test_random_streams.py / test_random_family.py.
"""

from op_db_samples import SampleInput, _tensor_factory
from op_info import OpInfo, _errors

SEED = 1234
DTYPES = ("float32", "float64")
# A method call would draw unseeded; the function form is what these entries pin.
NO_VARIANTS = (("test_variants", None, "a sampler's method draws from the unseeded stream"),)
# The samplers' dtype sets differ per op and per error type (halves sample, integer
# weights raise RuntimeError); test_random_family.py checks them against torch.
NO_DTYPE_SWEEP = (("test_unsupported_dtype_raises", None, "dtype sets: test_random_family"),)
SKIPS = NO_VARIANTS + NO_DTYPE_SWEEP
# torch's multinomial draws too depend on the input's memory layout.
MULTINOMIAL_SKIPS = SKIPS + (("test_noncontiguous", None, "draws depend on layout, as torch's"),)


def _seeded(name):
    def fn(lib, *args, **kwargs):
        lib.manual_seed(SEED)
        return getattr(lib, name)(*args, **kwargs)

    return fn


def _t(lib, rng, dtype, low, high):
    return _tensor_factory(lib, rng, dtype, low, high)[0]


def normal_samples(lib, dtype, rng):
    m, s = _t(lib, rng, dtype, -3, 3), _t(lib, rng, dtype, 0.1, 2)
    yield SampleInput((m((2, 3)), s((2, 3))), name="same_shape")
    yield SampleInput((m((4, 5)), s((5,))), name="broadcast")
    yield SampleInput((m((20,)), s((20,))), name="long")
    yield SampleInput((m((3, 4), "t"), s((3, 4))), name="noncontig")
    yield SampleInput((m((0,)), s((0,))), name="empty")
    yield SampleInput((m(()), s(())), name="0d")


def poisson_samples(lib, dtype, rng):
    r = _t(lib, rng, dtype, 0, 20)
    yield SampleInput((r((2, 3)),), name="basic")
    yield SampleInput((r((40,)),), name="long")
    yield SampleInput((r((3, 4), "t"),), name="noncontig")
    yield SampleInput((r((0,)),), name="empty")
    yield SampleInput((r(()),), name="0d")


def bernoulli_samples(lib, dtype, rng):
    p = _t(lib, rng, dtype, 0, 1)
    yield SampleInput((p((2, 3)),), name="basic")
    yield SampleInput((p((40,)),), name="long")
    yield SampleInput((p((3, 4), "t"),), name="noncontig")
    yield SampleInput((p(()),), name="0d")
    yield SampleInput((p((4,)), 0.3), name="scalar_p")


def multinomial_samples(lib, dtype, rng):
    w = _t(lib, rng, dtype, 0.1, 2)
    yield SampleInput((w((5,)), 3), name="no_replacement")
    yield SampleInput((w((2, 6)), 4), {"replacement": True}, name="replacement")
    yield SampleInput((w((3, 4)), 4), name="all_rows")
    yield SampleInput((w((8,)), 1), name="one")


@_errors
def _multinomial_errors(lib, rng):
    w = lib.tensor([0.2, 0.3, 0.5])
    yield (w, 4), {}, RuntimeError  # more samples than categories without replacement
    yield (w, 0), {}, RuntimeError
    yield (lib.tensor([-0.1, 0.5]), 1), {}, RuntimeError
    yield (lib.ones(2, 2, 2), 1), {}, RuntimeError
    yield (lib.tensor([0, 1]), 1), {}, RuntimeError


@_errors
def _normal_errors(lib, rng):
    yield (lib.zeros(3), lib.tensor([1.0, -1.0, 1.0])), {}, RuntimeError
    yield (lib.zeros(3), lib.ones(4)), {}, RuntimeError


@_errors
def _poisson_errors(lib, rng):
    yield (lib.tensor([1.0, -2.0]),), {}, RuntimeError


# fmt: off
OPS = [
    OpInfo("normal", "other", normal_samples, fn=_seeded("normal"), dtypes=DTYPES,
           differentiable=False, method=False, error_inputs=_normal_errors, skips=NO_DTYPE_SWEEP, fuzz=False),
    OpInfo("poisson", "other", poisson_samples, fn=_seeded("poisson"), dtypes=DTYPES,
           differentiable=False, method=False, error_inputs=_poisson_errors, skips=NO_DTYPE_SWEEP, fuzz=False),
    OpInfo("bernoulli", "other", bernoulli_samples, fn=_seeded("bernoulli"), dtypes=DTYPES,
           differentiable=False, skips=SKIPS, fuzz=False),
    OpInfo("multinomial", "other", multinomial_samples, fn=_seeded("multinomial"),
           dtypes=DTYPES, differentiable=False, skips=MULTINOMIAL_SKIPS,
           error_inputs=_multinomial_errors, fuzz=False),
]
# fmt: on
