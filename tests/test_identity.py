"""One Python object per tensor (NOTE [ Python objects of tensors ]): what the engine hands
back is the object Python already has, as in PyTorch, and hook closures that refer to their
own tensor are collected. Each identity case is asked of rtorch and torch alike."""

import gc
import resource
import weakref

import pytest
from conftest import LIB as rtorch
from conftest import TORCH as torch

pytestmark = pytest.mark.skipif(rtorch is None, reason="rtorch is not importable")
LIBS = [rtorch] + ([torch] if torch is not None else [])


def _grad_twice(m):
    x = m.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    return x.grad is x.grad


def _grad_kept_while_held(m):
    x = m.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    (x * 3).sum().backward()  # accumulates in place into the same tensor
    return g is x.grad


def _hook_sees_grad_object(m):
    x = m.ones(3, requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g))
    (x * 2).sum().backward()
    # The leaf stores the hook's (unchanged) gradient: the same object comes back.
    return seen[0] is x.grad


def _hook_returns_other(m):
    x = m.ones(3, requires_grad=True)
    repl = m.full((3,), 7.0)
    x.register_hook(lambda g: repl)
    (x * 2).sum().backward()
    return x.grad is repl


def _set_grad(m):
    x = m.ones(3, requires_grad=True)
    g = m.zeros(3)
    x.grad = g
    return x.grad is g


def _contiguous_self(m):
    x = m.ones(2, 3)
    return x.contiguous() is x and x.to(m.float32) is x and x.cpu() is x


def _inplace_self(m):
    x = m.ones(2, 3)
    return x.add_(1) is x and x.mul_(2) is x and x.requires_grad_() is x


def _base_is_object(m):
    x = m.ones(4, 4)
    v = x[1:3]
    return v._base is x and v[0]._base is x


def _retain_grad(m):
    x = m.ones(3, requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward()
    return y.grad is y.grad


def _subclass_preserved(m):
    class Sub(m.Tensor):
        pass

    s = Sub(m.ones(2))
    return type(s.contiguous()).__name__, s.contiguous() is s


def _attributes_persist(m):
    x = m.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    g.tag = "kept"
    return x.grad.tag


# (case, what torch 2.13 answers). A leaf stores a copy of a gradient that something else
# still references (the hook's list, the replacement tensor), so those two are False.
CASES = [
    (_grad_twice, True),
    (_grad_kept_while_held, True),
    (_hook_sees_grad_object, False),
    (_hook_returns_other, False),
    (_set_grad, True),
    (_contiguous_self, True),
    (_inplace_self, True),
    (_base_is_object, True),
    (_retain_grad, True),
    (_subclass_preserved, ("Sub", True)),
    (_attributes_persist, "kept"),
]


@pytest.mark.parametrize("case,expected", CASES, ids=lambda f: getattr(f, "__name__", ""))
def test_identity_matches_torch(case, expected):
    assert case(rtorch) == expected
    if torch is not None:
        assert case(torch) == expected


def test_dead_object_gives_a_fresh_one():
    x = rtorch.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    ref = weakref.ref(x.grad)
    gc.collect()
    assert ref() is None  # nothing held the grad's object: it died
    assert x.grad.tolist() == [2.0, 2.0, 2.0]  # and a new one stands for the same tensor


def test_weakref_callback_during_death_gets_a_live_object():
    # A weakref callback runs while the object is being deallocated; a lookup of the same
    # tensor from there must not hand out the dying object.
    x = rtorch.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    seen = []
    g = x.grad
    r = weakref.ref(g, lambda _: seen.append(x.grad.sum().item()))
    del g
    gc.collect()
    assert seen == [6.0] and r() is None


def _leaf_self_cycle(m):
    x = m.zeros(4, requires_grad=True)
    x.register_hook(lambda g: g + 0 * x.sum())
    return weakref.ref(x)


def _nonleaf_self_cycle(m):
    x = m.zeros(4, requires_grad=True)
    y = x * 2
    y.register_hook(lambda g: g + 0 * y.sum())
    return weakref.ref(y)


@pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)
def test_leaf_hook_cycle_is_collected(lib):
    ref = _leaf_self_cycle(lib)
    gc.collect()
    assert ref() is None


def test_nonleaf_hook_cycle_is_collected():
    # torch 2.13 keeps this one alive (its node's hooks are not traversed); rtorch frees it.
    ref = _nonleaf_self_cycle(rtorch)
    gc.collect()
    assert ref() is None


def test_hook_cycles_do_not_grow_memory():
    # Issue 6's reproducer: 20k leaves whose hook refers to the leaf (267 MB before).
    def make():
        x = rtorch.zeros(1000, requires_grad=True)
        x.register_hook(lambda g: g + 0 * x.sum())

    for _ in range(2000):
        make()
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(20000):
        make()
    gc.collect()
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 40, grown_mb  # 20k * 4 KB would be 80 MB if leaked


def test_hook_kept_while_graph_needs_it():
    # A hook on a leaf that the graph still references must survive a collection and run.
    x = rtorch.ones(3, requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append(1))
    y = (x * 2).sum()
    gc.collect()
    y.backward()
    assert calls == [1]


def test_deepcopy_as_torch_grad_attributes_and_non_leaf_refusal():
    import copy

    for m in [rtorch] + ([torch] if torch is not None else []):
        x = m.ones(2, requires_grad=True)
        (x * 2).sum().backward()
        x.note = {"k": [1]}
        d = copy.deepcopy(x)
        assert d is not x and d.requires_grad and d.is_leaf
        assert d.grad.tolist() == [2.0, 2.0] and d.grad is not x.grad
        assert d.note == {"k": [1]} and d.note is not x.note
        both = copy.deepcopy([x, x])
        assert both[0] is both[1]  # the memo keeps shared tensors shared
        with pytest.raises(RuntimeError, match="Only Tensors created explicitly by the user"):
            copy.deepcopy(x * 2)
