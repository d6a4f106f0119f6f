//! The engine's threads, sized by `set_num_threads`, and safe across `fork()`: the worker
//! team of `for_chunks` (NOTE [ Worker team ]) and a rayon pool for faer's parallel GEMM.
//!
//! NOTE [ Fork safety ]
//! A rayon pool cannot survive `fork()`: the child inherits the pool's state but not its
//! threads, so its first parallel op deadlocks (DataLoader workers fork). A `pthread_atfork`
//! child handler bumps a generation counter; the next parallel op in the child sees a stale
//! generation, leaks the parent's pool (joining it would hang) and builds a fresh one.
//! The worker team is rebuilt the same way. Rayon's global pool is never used: faer's
//! parallel calls run inside `install`.

mod team;

use parking_lot::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};

static FORK_GENERATION: AtomicUsize = AtomicUsize::new(0);
static NUM_THREADS: AtomicUsize = AtomicUsize::new(0);
static POOL: Mutex<Option<(usize, Arc<rayon::ThreadPool>)>> = Mutex::new(None);
static TEAM: Mutex<Option<(usize, Arc<team::Team>)>> = Mutex::new(None);
static ATFORK: Once = Once::new();

/// Work (in elements) below which kernels stay on the calling thread.
pub const GRAIN: usize = 32 * 1024;

extern "C" fn after_fork_in_child() {
    FORK_GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// The default thread count, looked up once: `OMP_NUM_THREADS` (then `MKL_NUM_THREADS`)
/// when it is a positive integer, as PyTorch reads them, capped at the CPUs this process
/// may use; otherwise those CPUs.
///
/// NOTE: `available_parallelism` counts the CPUs of the affinity mask and honours the
/// cgroup CPU quota (`cpu.max`, a container's `--cpus`), so a container of 2 CPUs on a
/// 64-core host gets 2 threads, not 64. torch 2.13 on a 2-CPU machine also gives 2 for
/// `OMP_NUM_THREADS=5` and ignores `abc` and `0`. It reads cgroup files (tens of
/// microseconds), so it must never run per op: it is resolved on first use and stored
/// in `NUM_THREADS`.
fn default_threads() -> usize {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    ["OMP_NUM_THREADS", "MKL_NUM_THREADS"]
        .iter()
        .find_map(|v| env_threads(std::env::var(v).ok().as_deref()))
        .map_or(cpus, |n| n.min(cpus))
}

/// A thread-count variable's value when it is a positive integer.
fn env_threads(value: Option<&str>) -> Option<usize> {
    value?.trim().parse::<usize>().ok().filter(|&n| n > 0)
}

static NUM_INTEROP_THREADS: AtomicUsize = AtomicUsize::new(0);

/// PyTorch's inter-op pool size (`torch.jit.fork`'s threads). rtorch runs ops on the
/// calling thread and has no inter-op pool yet, so this is only the value PyTorch
/// reports: the CPU count until set once.
pub fn get_num_interop_threads() -> usize {
    match NUM_INTEROP_THREADS.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Sets the inter-op thread count; as in PyTorch, only once.
pub fn set_num_interop_threads(n: usize) -> crate::Result<()> {
    crate::ensure!(
        NUM_INTEROP_THREADS
            .compare_exchange(0, n.max(1), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok(),
        runtime,
        "Error: cannot set number of interop threads after parallel work has started or set_num_interop_threads called"
    );
    Ok(())
}

pub fn get_num_threads() -> usize {
    match NUM_THREADS.load(Ordering::Relaxed) {
        0 => {
            let n = default_threads().max(1);
            // A concurrent set_num_threads wins over this default.
            let _ = NUM_THREADS.compare_exchange(0, n, Ordering::Relaxed, Ordering::Relaxed);
            NUM_THREADS.load(Ordering::Relaxed)
        }
        n => n,
    }
}

pub fn set_num_threads(n: usize) {
    NUM_THREADS.store(n.max(1), Ordering::Relaxed);
    let mut pool = POOL.lock();
    if let Some((_, p)) = pool.take() {
        // In-flight users hold their own Arc; the old pool exits when they finish.
        drop(p);
    }
    if let Some((_, t)) = TEAM.lock().take() {
        t.stop();
    }
}

/// The worker team for the current thread count and process (see NOTE [ Fork safety ]).
fn team() -> Arc<team::Team> {
    ATFORK.call_once(|| unsafe {
        libc::pthread_atfork(None, None, Some(after_fork_in_child));
    });
    let generation = FORK_GENERATION.load(Ordering::SeqCst);
    let threads = get_num_threads();
    let mut guard = TEAM.lock();
    match guard.as_ref() {
        Some((g, t)) if *g == generation && t.threads() == threads => return t.clone(),
        Some((g, _)) if *g != generation => {
            // Forked child: the parent's workers do not exist here.
            let (_, stale) = guard.take().unwrap();
            std::mem::forget(stale);
        }
        Some(_) => guard.take().unwrap().1.stop(),
        None => {}
    }
    let t = team::Team::new(threads);
    *guard = Some((generation, t.clone()));
    t
}

fn pool() -> Arc<rayon::ThreadPool> {
    ATFORK.call_once(|| unsafe {
        libc::pthread_atfork(None, None, Some(after_fork_in_child));
    });
    let generation = FORK_GENERATION.load(Ordering::SeqCst);
    let mut guard = POOL.lock();
    match guard.as_ref() {
        Some((g, p)) if *g == generation => return p.clone(),
        Some(_) => {
            // Forked child: the parent's pool threads do not exist here.
            let (_, stale) = guard.take().unwrap();
            std::mem::forget(stale);
        }
        None => {}
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(get_num_threads())
            .thread_name(|i| format!("rtorch-{i}"))
            .build()
            .expect("failed to start the rtorch thread pool"),
    );
    *guard = Some((generation, p.clone()));
    p
}

/// Runs `f` inside the engine pool (so rayon and faer calls in it use our threads).
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if get_num_threads() <= 1 {
        return f();
    }
    pool().install(f)
}

/// Calls `f(start, end)` over `0..n` split into chunks, in parallel when `n * cost` is large.
pub fn for_chunks(n: usize, cost: usize, f: impl Fn(usize, usize) + Sync + Send) {
    if n.saturating_mul(cost.max(1)) < GRAIN || n < 2 {
        f(0, n);
        return;
    }
    let threads = get_num_threads();
    if threads <= 1 {
        f(0, n);
        return;
    }
    let chunks = (threads * 4).min(n);
    let per = n.div_ceil(chunks);
    team().run(chunks, &|c| {
        let s = c * per;
        let e = ((c + 1) * per).min(n);
        if s < e {
            f(s, e);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_variables_must_be_positive_integers() {
        assert_eq!(env_threads(Some("3")), Some(3));
        assert_eq!(env_threads(Some(" 1 ")), Some(1));
        for bad in [
            None,
            Some(""),
            Some("0"),
            Some("-2"),
            Some("abc"),
            Some("2.5"),
        ] {
            assert_eq!(env_threads(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn parallel_op_after_fork_does_not_deadlock() {
        let sum = std::sync::atomic::AtomicUsize::new(0);
        for_chunks(1 << 20, 1, |s, e| {
            sum.fetch_add(e - s, Ordering::Relaxed);
        });
        assert_eq!(sum.load(Ordering::Relaxed), 1 << 20);
        unsafe {
            let pid = libc::fork();
            if pid == 0 {
                let sum = std::sync::atomic::AtomicUsize::new(0);
                for_chunks(1 << 20, 1, |s, e| {
                    sum.fetch_add(e - s, Ordering::Relaxed);
                });
                libc::_exit(if sum.load(Ordering::Relaxed) == 1 << 20 {
                    0
                } else {
                    1
                });
            }
            // Wait at most ~20 s for the child.
            let mut status = 0;
            for _ in 0..200 {
                if libc::waitpid(pid, &mut status, libc::WNOHANG) == pid {
                    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            libc::kill(pid, libc::SIGKILL);
            panic!("forked child deadlocked in a parallel op");
        }
    }
}
