"""A fuzz program: steps of Python source run in torch and rtorch side by side.

Each step is a statement (``t4 = t1.transpose(0, 1)``, ``t4[1:] += 2.5``,
``t2.sum().backward()``) compiled once and executed in two namespaces, one whose
``lib`` is torch and one whose ``lib`` is rtorch, each with its own copy of the
constant arrays ``C``.  Torch runs first; the generator reads torch's results
(shapes, dtypes) to build the next step, so programs are deterministic per seed.

After each step the outcomes are compared (see ``compare.py``): the step's result,
extra checks the step asks for (leaf gradients after ``backward``), every variable
sharing storage with a tensor written in place (a write through a view must show in
the base), the aliasing relation of new results with earlier variables, and
exceptions.  A variable involved in a difference is *tainted*: later steps reading
it run in torch only, so one bug is reported once, not once per later step.

Values are compared only when the step's inputs are bit-identical in both libraries;
after a step whose result is merely close (different rounding), value differences
downstream are counted as ``noise``, not findings.
"""

import math
import warnings
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .compare import (
    exact,
    exc_type,
    is_panic,
    is_tensor,
    norm_strides,
    outcome_diff,
    to_numpy,
    value_diff,
)
from .gen import Ref, src

# Differences that need bit-identical inputs to be meaningful.
VALUE_KINDS = {"value", "shape", "grad"}

# Ops summing products in half precision: torch's accumulation order (f32 per batch,
# rounded to f16 between batches in addbmm_) differs from rtorch's, and sums with
# cancellation leave more than the usual half tolerance. float32/float64 stay strict.
ACCUMULATING_OPS = {"mm", "bmm", "mv", "dot", "matmul", "addmm", "addmv", "addbmm", "baddbmm"}


def accumulates(op):
    """Is the op label (``addbmm_``, ``__imatmul__``, ``mm(bad-arg)``) a matmul-style sum?"""
    name = op.split("(")[0].split("[")[0]  # drop "(bad-arg)", "[ndarray]"
    if name.startswith("__"):
        return name in ("__matmul__", "__rmatmul__", "__imatmul__")
    return name.rstrip("_") in ACCUMULATING_OPS


@dataclass
class Step:
    src: str
    op: str
    out: str | None = None  # the variable the step assigns, if any
    reads: list = field(default_factory=list)
    writes: list = field(default_factory=list)  # variables modified in place
    register: bool = True  # make ``out`` available to later steps
    meta_only: bool = False  # values are unspecified (empty, empty_like)
    returns_self: str | None = None  # ``out`` must be this very object
    strides_of: str | None = None  # ``out`` is this tensor's ``stride()`` (see _compare_results)
    checks: list = field(default_factory=list)  # (expression, kind) compared afterwards
    tags: set = field(default_factory=set)  # situations the allow-list may name
    note: str = ""  # operand kinds etc., for reports


@dataclass
class Finding:
    op: str
    kind: str
    msg: str
    step: int
    src: str
    tags: tuple = ()
    note: str = ""


def storage_key(lib_name, t, empty=False):
    """An id shared by tensors viewing the same memory.

    None for empty tensors, unless ``empty`` (torch only): then an empty tensor is keyed
    by its storage object, so tainting after a write through an empty view still reaches
    its base and siblings.  (Zero-byte storages all have data_ptr 0 in torch, and the
    same dangling pointer in rtorch, so the pointer alone would alias every empty tensor.)
    """
    try:
        if lib_name == "torch":
            if t.numel() == 0 and not empty:
                return None
            storage = t.untyped_storage()
            return storage.data_ptr() or ("storage", storage._cdata)
        if t.numel() == 0:
            return None
        return t._storage_id()
    except Exception:  # noqa: BLE001 - an odd object simply has no storage
        return None


def _tensors(value):
    """The tensors in a variable's value (a tensor, or a sequence's tensor elements)."""
    values = value if isinstance(value, (tuple, list)) else [value]
    return [t for t in values if is_tensor(t)]


def _run(ns, code):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(code, ns)  # noqa: S102 - the fuzzer's own generated source
            return "ok", None
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as e:  # noqa: BLE001 - pyo3 panics derive BaseException
            return "raised", e


def _eval(ns, expr):
    return _run(ns, compile(f"_check = {expr}", "<check>", "exec")) + (ns.pop("_check", None),)


class Program:
    def __init__(self, seed, torch, rtorch, verbose=False):
        self.seed = seed
        self.libs = {"torch": torch, "rtorch": rtorch}
        self.consts = []
        self.ns = {name: self._namespace(lib) for name, lib in self.libs.items()}
        self.vars = []  # registered result names, in order
        self.tainted = set()
        self.inexact = set()  # values close to torch's but not identical
        self.lineage_inexact = set()  # computed from some inexact value
        self.unspecified = set()  # made by empty()/empty_like(): values are garbage
        self.leaves = []  # leaves that require grad
        self.steps = []
        self.findings = []
        self.calls = 0
        self.noise = 0
        self.skipped = 0
        self.verbose = verbose
        self._names = 0
        self._refs = None
        self.pending_leaves = []  # leaf-creation steps the next step needs
        self.creator = {}  # variable -> op label of the step that made it

    @staticmethod
    def _namespace(lib):
        return {"lib": lib, "np": np, "math": math, "Fraction": Fraction, "C": []}

    # ------------------------------------------------------------ variables

    def new_name(self, prefix="t"):
        self._names += 1
        return f"{prefix}{self._names}"

    def const(self, array):
        self.consts.append(np.asarray(array))
        for ns in self.ns.values():
            ns["C"].append(np.array(array, copy=True))
        return f"C[{len(self.consts) - 1}]"

    def tensor_refs(self):
        """Tensor variables as ``Ref``s (elements of sequences included).

        Tainted variables are included: what the generator sees must not depend on
        rtorch's behaviour, or fixing a bug would change every later program.  Steps
        reading them run in torch only.
        """
        if self._refs is not None:
            return self._refs
        refs = []
        ns = self.ns["torch"]
        for name in self.vars:
            if name not in ns:
                continue
            value = ns[name]
            if is_tensor(value):
                refs.append(_ref(name, value))
            elif isinstance(value, (tuple, list)):
                refs += [_ref(f"{name}[{i}]", v) for i, v in enumerate(value) if is_tensor(v)]
        self._refs = refs
        return refs

    def new_leaf(self, values, dtype, layout, requires_grad):
        """Queue the creation of a leaf tensor; returns its ``Ref``."""
        name = self.new_name()
        shape = tuple(values.shape)
        store = values
        suffix = ""
        if layout == "t":
            store = np.ascontiguousarray(np.swapaxes(values, -1, -2))
            suffix = ".transpose(-1, -2)"
        elif layout == "slice":
            store = np.zeros(shape[:-1] + (2 * shape[-1] + 1,), dtype=values.dtype)
            store[..., 1::2] = values
            suffix = "[..., 1::2]"
        elif layout == "expand":
            store = np.ascontiguousarray(values[:1])
            suffix = f".expand{src(shape)}"
        c = self.const(store)
        grad = ", requires_grad=True" if requires_grad else ""
        step = Step(f"{name} = lib.tensor({c}, dtype=lib.{dtype}{grad}){suffix}", "tensor", name)
        if requires_grad:
            self.leaves.append(name)
        self.pending_leaves.append(step)
        return Ref(name, shape, dtype, requires_grad)

    # ------------------------------------------------------------ running

    def run(self, step):
        """Run ``step`` in both libraries and record differences."""
        self.steps.append(step)
        step.writes = [w.split("[")[0] for w in step.writes]  # a sequence's element: its sequence
        self._refs = None
        code = compile(step.src, f"<step {len(self.steps)}>", "exec")
        # Shapes of every tensor the step reads, not only of `returns_self`: a bad-arg
        # call of addbmm_ has no returns_self, yet torch may resize its receiver.
        nt = self.ns["torch"]
        before = [(r, t, tuple(t.shape)) for r in set(step.reads) for t in _tensors(nt.get(r))]
        if self._input_overlaps_output(step):
            step.tags.add("input-overlaps-output")
        torch_out = self._outcome("torch", code, step)
        resized = sorted({r for r, t, shape in before if tuple(t.shape) != shape})
        if resized:
            step.tags.add("torch-resized-self")
            if torch_out[0] != "ok":
                # torch failed half-way through resizing `self` ("Trying to resize storage
                # that is not resizable") and left a tensor whose shape outgrows its
                # storage: touching it again segfaults torch. Forget the variable.
                for r in resized:
                    self._forget(r)
                return torch_out, None
        if any(r in self.tainted for r in step.reads):
            self.skipped += 1
            if step.out and step.register and torch_out[0] == "ok":
                self.vars.append(step.out)
            self._taint(step)
            return torch_out, None
        self.calls += 1
        rtorch_out = self._outcome("rtorch", code, step)
        if rtorch_out[0] == "raised" and type(rtorch_out[1]) is NameError:
            # A variable rtorch never made (it raised where torch did not): nothing to compare.
            self.skipped += 1
            self._taint(step)
            return torch_out, None
        diffs = outcome_diff(rtorch_out, torch_out)
        if not diffs and torch_out[0] == "ok":
            diffs = self._compare_results(step, rtorch_out[1], torch_out[1])
        if diffs:
            self._record(step, diffs)
        elif step.writes and "raised" in (torch_out[0], rtorch_out[0]):
            # An in-place op that raised may have written part of its output first (torch
            # does, for an integer division by zero): the target's values are unspecified.
            # Junk arguments and operand types are rejected before anything is written,
            # so there only a target that now differs is tainted.
            rejected = "bad-arg" in step.tags or all(
                exc_type(o[1]) is TypeError for o in (torch_out, rtorch_out)
            )
            if not rejected or self._writes_differ(step):
                self._taint(step)
        if step.meta_only and step.out:
            self.unspecified.add(step.out)
            self.inexact.add(step.out)
        if step.out and step.register and torch_out[0] == "ok" and step.out not in self.vars:
            self.vars.append(step.out)
            self.creator[step.out] = step.op
        return torch_out, rtorch_out

    def _outcome(self, lib_name, code, step):
        ns = self.ns[lib_name]
        status, exc = _run(ns, code)
        if status == "raised":
            return status, exc
        return "ok", ns.get(step.out) if step.out else None

    def _inputs_inexact(self, step):
        return any(r in self.inexact for r in step.reads)

    def _writes_differ(self, step):
        """Does any variable viewing the written memory differ between the libraries?"""
        nt, nr = self.ns["torch"], self.ns["rtorch"]
        group = set(step.writes) | self._aliases(step.writes)
        return any(
            value_diff(nr.get(n), nt.get(n), n in self.unspecified)
            for n in group
            if n not in self.tainted
        )

    def _views_unspecified(self, step):
        """Does the step's result view the memory of an ``empty()`` result (garbage values)?"""
        return step.out is not None and bool(self.unspecified & self._aliases([step.out]))

    def _input_overlaps_output(self, step):
        """Does an in-place step read the memory it writes under another layout?

        ``t2 = t1.T; t2.copy_(t1)``: torch's overlap check gives up on non-dense inputs,
        so its result depends on the iteration order (unspecified); rtorch computes the
        mathematical result.  Identical layouts (``t.add_(t)``) are well defined.
        """
        if not step.writes or step.op.startswith("backward"):
            return False
        nt = self.ns["torch"]

        def layout(t):
            return tuple(t.shape), t.stride(), t.storage_offset()

        outs = [t for w in step.writes for t in _tensors(nt.get(w)) if t.numel()]
        ins = [t for r in set(step.reads) - set(step.writes) for t in _tensors(nt.get(r))]
        return any(
            storage_key("torch", i) == storage_key("torch", o) and layout(i) != layout(o)
            for o in outs
            for i in ins
            if i.numel()
        )

    def _record(self, step, diffs):
        noisy = self._inputs_inexact(step) or (
            step.op.startswith("backward") and any(r in self.lineage_inexact for r in step.reads)
        )
        noise_kinds = VALUE_KINDS
        if "input-overlaps-output" in step.tags:  # see _input_overlaps_output
            noisy, noise_kinds = True, VALUE_KINDS | {"alias"}
        for kind, msg in dict(diffs).items():
            if noisy and kind in noise_kinds:
                self.noise += 1
                continue
            self.findings.append(
                Finding(
                    step.op,
                    kind,
                    msg,
                    len(self.steps),
                    step.src,
                    tuple(sorted(step.tags)),
                    step.note,
                )
            )
        self._taint(step)

    def _taint(self, step):
        names = set(step.writes)
        if step.out:
            names.add(step.out)
        names |= self._aliases(names)
        self.tainted |= names
        self._refs = None

    def _forget(self, name):
        for ns in self.ns.values():
            ns.pop(name, None)
        if name in self.vars:
            self.vars.remove(name)
        self.tainted.add(name)

    def _aliases(self, names, lib_name="torch"):
        """Registered variables sharing storage with any of ``names``."""
        ns = self.ns[lib_name]

        def keys_of(name):
            return {storage_key(lib_name, t, empty=True) for t in _tensors(ns.get(name))} - {None}

        keys = set().union(*(keys_of(n) for n in names)) if names else set()
        if not keys:
            return set()
        return {v for v in self.vars if keys_of(v) & keys}

    def _compare_results(self, step, got, want):
        diffs = []
        nt, nr = self.ns["torch"], self.ns["rtorch"]
        loose = accumulates(step.op)
        if step.out:
            if self._views_unspecified(step):  # a view of empty()'s garbage is garbage too
                step.meta_only = True
            if step.strides_of:
                got, want = self._norm_strides(step, got, want)
            diffs += value_diff(got, want, step.meta_only, loose)
            # Histories differ from here on, also through views whose node names agree
            # (known.py, "logical-inplace"): stop following this memory.
            if (
                "logical-inplace" in step.tags
                and getattr(got, "requires_grad", False)
                and not any(k == "history" for k, _ in diffs)
            ):
                diffs.append(("history", "logical op written in place with history"))
            self._track_exactness(step, [step.out])
            if step.returns_self and (nt[step.out] is nt[step.returns_self]) != (
                nr[step.out] is nr[step.returns_self]
            ):
                diffs.append(("alias", f"in-place result is not {step.returns_self} itself"))
            diffs += self._alias_relation(step)
        if step.writes:
            diffs += self._check_writes(step, loose)
        for expr, kind in step.checks:
            want_v, got_v = _eval(nt, expr), _eval(nr, expr)
            found = outcome_diff(got_v[:2], want_v[:2])
            if not found and want_v[0] == "ok":
                found = value_diff(got_v[2], want_v[2])
            diffs += [
                (kind if k in ("value", "shape", "type") else k, f"{expr}: {m}") for k, m in found
            ]
        return diffs

    def _norm_strides(self, step, got, want):
        """``x.stride()`` results as ``compare.norm_strides``: the raw strides of empty
        tensors and of size-1 dims are unspecified (torch copies NumPy's)."""
        tensors = [_eval(self.ns[lib], step.strides_of)[2] for lib in ("rtorch", "torch")]
        pairs = zip((got, want), tensors)
        return tuple(
            norm_strides(t, s) if is_tensor(t) and isinstance(s, tuple) and len(s) == t.ndim else s
            for s, t in pairs
        )

    def _alias_relation(self, step):
        """Does the new result share memory with the same earlier variables in both?"""
        nt, nr = self.ns["torch"], self.ns["rtorch"]
        want, got = nt.get(step.out), nr.get(step.out)
        if not (is_tensor(want) and is_tensor(got)) or step.returns_self:
            return []
        earlier = [v for v in self.vars if v not in self.tainted and is_tensor(nt.get(v))]
        kt, kr = storage_key("torch", want), storage_key("rtorch", got)
        if kt is None or kr is None:
            return []
        shared_t = {v for v in earlier if storage_key("torch", nt[v]) == kt}
        shared_r = {
            v for v in earlier if is_tensor(nr.get(v)) and storage_key("rtorch", nr[v]) == kr
        }
        if shared_t != shared_r:
            return [
                (
                    "alias",
                    (
                        f"{step.out} shares memory with {sorted(shared_r) or 'nothing'} in "
                        f"rtorch, {sorted(shared_t) or 'nothing'} in torch"
                    ),
                )
            ]
        return []

    def _check_writes(self, step, loose=False):
        """Every variable viewing written memory must show the write, in both libraries."""
        nt, nr = self.ns["torch"], self.ns["rtorch"]
        group = set(step.writes) | self._aliases(step.writes)
        diffs = []
        for name in sorted(group):
            if name in self.tainted or name not in nr:
                continue
            found = value_diff(nr[name], nt[name], name in self.unspecified, loose)
            if name not in step.writes:
                if name in self.inexact and any(k == "value" for k, _ in found):
                    # Its values differed before this write (rounding, or garbage from
                    # empty() that passed the tolerance), so this says nothing about
                    # aliasing: noise, and the variable differs from now on.
                    self.noise += 1
                    self.tainted.add(name)
                    found = [(k, m) for k, m in found if k != "value"]
                found = [("alias" if k == "value" else k, f"{name}: {m}") for k, m in found]
            diffs += found
        self._track_exactness(step, sorted(group))
        return diffs

    def _track_exactness(self, step, names):
        nt, nr = self.ns["torch"], self.ns["rtorch"]
        lineage = any(r in self.lineage_inexact for r in step.reads)
        for name in names:
            if name in self.unspecified:
                continue
            a, b = nr.get(name), nt.get(name)
            seq_a = a if isinstance(a, (tuple, list)) else [a]
            seq_b = b if isinstance(b, (tuple, list)) else [b]
            same = len(seq_a) == len(seq_b)
            for x, y in zip(seq_a, seq_b):
                if is_tensor(x) and is_tensor(y):
                    try:
                        same = same and x.shape == y.shape and exact(to_numpy(x), to_numpy(y))
                    except Exception:  # noqa: BLE001 - unreadable values count as inexact
                        same = False
            if same:
                self.inexact.discard(name)
            else:
                self.inexact.add(name)
            if lineage or not same:
                self.lineage_inexact.add(name)


def _ref(name, t):
    dtype = str(t.dtype).rsplit(".", 1)[-1]
    return Ref(name, tuple(t.shape), dtype, bool(t.requires_grad))


def panicked(outcome):
    return outcome is not None and outcome[0] == "raised" and is_panic(outcome[1])
