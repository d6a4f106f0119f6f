"""The thread pool: default count from the environment, the inter-op setting, results
that do not depend on the thread count, sizes around the grain, and fork safety."""

import os
import subprocess
import sys

import numpy as np
import pytest
import rtorch

GRAIN = 32 * 1024  # parallel::GRAIN


def run_in_child(code, **env):
    """`code`'s stdout in a fresh interpreter with `env` (thread settings are per process).
    The child imports whichever rtorch this process found (an installed wheel in CI)."""
    full = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    full.update(env)
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def cpus():
    return len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    "env,expected",
    [
        ({}, lambda: cpus()),
        ({"OMP_NUM_THREADS": "1"}, lambda: 1),
        ({"OMP_NUM_THREADS": "64"}, lambda: cpus()),
        ({"OMP_NUM_THREADS": "abc"}, lambda: cpus()),
        ({"OMP_NUM_THREADS": "0"}, lambda: cpus()),
        ({"MKL_NUM_THREADS": "1"}, lambda: 1),
    ],
)
def test_default_thread_count_reads_the_environment(env, expected):
    code = "import rtorch; print(rtorch.get_num_threads())"
    assert int(run_in_child(code, **env)) == expected()


@pytest.mark.parametrize("env", [{}, {"OMP_NUM_THREADS": "1"}, {"OMP_NUM_THREADS": "64"}])
def test_default_thread_count_matches_torch(env):
    pytest.importorskip("torch")
    mine = run_in_child("import rtorch; print(rtorch.get_num_threads())", **env)
    theirs = run_in_child("import torch; print(torch.get_num_threads())", **env)
    if cpus() > 2 and not env:
        pytest.skip("torch counts physical cores, rtorch the CPUs it may use")
    assert mine == theirs


def test_interop_threads_set_once_as_torch():
    code = """
import {m} as t
out = [t.get_num_interop_threads()]
for n in (0, 3, 2):
    try:
        t.set_num_interop_threads(n)
        out.append(t.get_num_interop_threads())
    except RuntimeError as e:
        out.append(str(e))
print(out)
"""
    mine = run_in_child(code.format(m="rtorch"))
    assert "expects a positive integer" in mine and "cannot set number of interop" in mine
    pytest.importorskip("torch")
    assert mine == run_in_child(code.format(m="torch"))


def test_set_num_threads_refuses_non_positive():
    with pytest.raises(RuntimeError, match="positive integer"):
        rtorch.set_num_threads(0)


SIZES = [GRAIN - 1, GRAIN, GRAIN + 1, 4 * GRAIN + 7, (1 << 20) + 3]
ELEMENTWISE = {
    "add": lambda x, y: x + y,
    "mul_scalar": lambda x, y: x * 2.5,
    "exp": lambda x, y: x.exp(),
    "sigmoid": lambda x, y: x.sigmoid(),
    "where": lambda x, y: rtorch.where(x > 0, x, y),
    "pow2": lambda x, y: x.pow(2),
    "strided": lambda x, y: x[::2] - y.flip(0)[::2],
}
REDUCTIONS = {
    "sum": lambda x: x.sum(),
    "mean": lambda x: x.mean(),
    "softmax": lambda x: x.reshape(-1, 1 if x.numel() % 7 else 7).softmax(0),
    "cumsum": lambda x: x.cumsum(0),
    "amax": lambda x: x.amax(),
}


def with_threads(n, f):
    old = rtorch.get_num_threads()
    rtorch.set_num_threads(n)
    try:
        return f()
    finally:
        rtorch.set_num_threads(old)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("op", ELEMENTWISE)
def test_elementwise_identical_across_thread_counts(op, n):
    g = np.random.default_rng(n)
    x = rtorch.from_numpy(g.standard_normal(n).astype(np.float32))
    y = rtorch.from_numpy(g.standard_normal(n).astype(np.float32))
    one = with_threads(1, lambda: ELEMENTWISE[op](x, y).numpy())
    two = with_threads(2, lambda: ELEMENTWISE[op](x, y).numpy())
    np.testing.assert_array_equal(one, two)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("op", REDUCTIONS)
def test_reductions_close_across_thread_counts(op, n):
    x = rtorch.from_numpy(np.random.default_rng(n).standard_normal(n).astype(np.float32))
    one = with_threads(1, lambda: REDUCTIONS[op](x).numpy())
    two = with_threads(2, lambda: REDUCTIONS[op](x).numpy())
    np.testing.assert_allclose(one, two, rtol=1e-5, atol=1e-4)


def test_gemm_close_across_thread_counts():
    g = np.random.default_rng(0)
    a = rtorch.from_numpy(g.standard_normal((300, 200)).astype(np.float32))
    b = rtorch.from_numpy(g.standard_normal((200, 250)).astype(np.float32))
    one = with_threads(1, lambda: (a @ b).numpy())
    two = with_threads(2, lambda: (a @ b).numpy())
    np.testing.assert_allclose(one, two, rtol=1e-4, atol=1e-4)


# Single products in the range that is cut into per-thread blocks (NOTE [ GEMM on the
# worker team ]) and around its edges: rows longer than columns and the reverse,
# transposed and sliced operands, addmm's accumulate, an odd team of 3.
GEMM_SHAPES = [
    (48, 48, 48),
    (64, 64, 64),
    (33, 100, 47),
    (40, 300, 700),
    (700, 300, 40),
    (130, 17, 129),
    (512, 512, 511),
    (520, 512, 512),
]


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("layout", ["plain", "a.t", "b.t", "sliced"])
@pytest.mark.parametrize("m,k,n", GEMM_SHAPES)
def test_gemm_split_across_threads_matches_numpy(m, k, n, layout, threads):
    g = np.random.default_rng(m * k + n)
    an = g.standard_normal((m, k)).astype(np.float32)
    bn = g.standard_normal((k, n)).astype(np.float32)
    if layout == "a.t":
        a = rtorch.from_numpy(np.ascontiguousarray(an.T)).t()
        b = rtorch.from_numpy(bn)
    elif layout == "b.t":
        a = rtorch.from_numpy(an)
        b = rtorch.from_numpy(np.ascontiguousarray(bn.T)).t()
    elif layout == "sliced":
        a = rtorch.from_numpy(np.pad(an, ((0, 0), (3, 2))))[:, 3 : 3 + k]
        b = rtorch.from_numpy(np.pad(bn, ((0, 0), (0, 5))))[:, :n]
    else:
        a, b = rtorch.from_numpy(an), rtorch.from_numpy(bn)
    ref = an.astype(np.float64) @ bn.astype(np.float64)
    got = with_threads(threads, lambda: (a @ b).numpy())
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-3 * np.sqrt(k))
    bias = rtorch.from_numpy(g.standard_normal(n).astype(np.float32))
    got = with_threads(threads, lambda: rtorch.addmm(bias, a, b, beta=0.5, alpha=2.0).numpy())
    ref2 = 0.5 * bias.numpy().astype(np.float64) + 2.0 * ref
    np.testing.assert_allclose(got, ref2, rtol=1e-4, atol=2e-3 * np.sqrt(k))


def test_gemm_split_float64_and_gradients():
    g = np.random.default_rng(1)
    a = rtorch.from_numpy(g.standard_normal((96, 80))).requires_grad_()
    b = rtorch.from_numpy(g.standard_normal((80, 64))).requires_grad_()

    def run():
        a.grad = b.grad = None
        (a @ b).sum().backward()
        return (a @ b).detach().numpy(), a.grad.numpy(), b.grad.numpy()

    for got, ref in zip(with_threads(2, run), with_threads(1, run)):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


def test_concurrent_callers_share_the_team():
    """Two Python threads (the GIL is released in kernels) run parallel ops at once: the
    second finds the team busy and works on its own thread; both results are right."""
    import threading

    x = rtorch.from_numpy(np.arange(1 << 20, dtype=np.float32))
    a = rtorch.from_numpy(np.random.default_rng(2).standard_normal((256, 256)).astype(np.float32))
    ref_sum = float(np.arange(1 << 20, dtype=np.float64).sum() * 2)
    ref_mm = a.numpy().astype(np.float64) @ a.numpy().astype(np.float64)
    errors = []

    def work():
        try:
            for _ in range(30):
                assert abs(float((x + x).sum()) - ref_sum) / ref_sum < 1e-5
                np.testing.assert_allclose((a @ a).numpy(), ref_mm, rtol=1e-3, atol=1e-2)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def both():
        ts = [threading.Thread(target=work) for _ in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    with_threads(2, both)
    assert not errors, errors


def test_set_num_threads_while_idle_then_work():
    x = rtorch.ones(4 * GRAIN)
    for n in (1, 2, 3, 1, 2):
        assert with_threads(n, lambda: float(x.sum())) == 4 * GRAIN


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_parallel_work_after_fork():
    code = """
import os, rtorch
x = rtorch.ones(1 << 20)
assert float((x + x).sum()) == 2 * (1 << 20)   # the parent's pool is running
pid = os.fork()
if pid == 0:
    ok = float((x * 3).sum()) == 3 * (1 << 20)  # would deadlock on the parent's pool
    os._exit(0 if ok else 1)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
"""
    assert run_in_child(code, OMP_NUM_THREADS="2") == "0"
