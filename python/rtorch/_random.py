"""Tensor methods of the random family beyond uniform_/normal_/random_/bernoulli_."""

from . import _C


def exponential_(self, lambd=1.0, *, generator=None):
    """exponential_(lambd=1, *, generator=None) -> Tensor

    Fills this tensor with samples of the exponential distribution of rate ``lambd``.
    """
    _C._sample_(self, "exponential_", float(lambd), generator=generator)
    return self


def geometric_(self, p, *, generator=None):
    """geometric_(p, *, generator=None) -> Tensor

    Fills this tensor with the number of Bernoulli(``p``) trials up to the first success.
    """
    _C._sample_(self, "geometric_", float(p), generator=generator)
    return self


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """cauchy_(median=0, sigma=1, *, generator=None) -> Tensor

    Fills this tensor with samples of the Cauchy distribution.
    """
    _C._sample_(self, "cauchy_", float(median), float(sigma), generator=generator)
    return self


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """log_normal_(mean=1, std=2, *, generator=None) -> Tensor

    Fills this tensor with ``exp`` of normal samples of ``mean`` and ``std``.
    """
    _C._sample_(self, "log_normal_", float(mean), float(std), generator=generator)
    return self


def multinomial(self, num_samples, replacement=False, *, generator=None):
    """multinomial(num_samples, replacement=False, *, generator=None) -> Tensor

    The method form of ``rtorch.multinomial(self, …)``.
    """
    return _C.multinomial(self, num_samples, replacement, generator=generator)


METHODS = {
    "exponential_": exponential_,
    "geometric_": geometric_,
    "cauchy_": cauchy_,
    "log_normal_": log_normal_,
    "multinomial": multinomial,
}
