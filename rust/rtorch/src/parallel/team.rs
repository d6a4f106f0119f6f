//! The worker team that runs the elementwise, reduction, copy and softmax kernels.
//!
//! NOTE [ Worker team ]
//! A parallel region used to be `rayon::ThreadPool::install` plus a parallel iterator:
//! the calling thread injects the job and sleeps, one pool thread wakes, splits, and the
//! other must wake to steal. On 2 shared Zen 4 cores that cost 10-20 us per region, so 2
//! threads were slower than 1 for every op below ~400k elements (`a + a` of 100k float32:
//! 9.9 us on 1 thread, 26 us on 2; `sum` of 40k: 2.2 vs 15.1 us).
//! The team here has `threads - 1` workers and the caller works too. Chunks are claimed
//! from an atomic counter, so a worker that is late (parked) leaves its share to the
//! others instead of holding the region up. After a job a worker spins for
//! `SPIN` before it parks on a condition variable, so the back-to-back ops of a training
//! step find it awake and a region costs one atomic store and a cache-line handoff.
//! A worker joins a job only while the caller has it open (one CAS on `state`); the
//! caller closes it when every chunk is claimed and waits only for the workers that
//! joined, never for a parked one to wake.
//!
//! The team is busy while a region runs: a second caller (another Python thread with the
//! GIL released, or a kernel called from inside a chunk) runs its region on its own
//! thread rather than queueing behind the first.

use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long an idle worker spins before it parks.
const SPIN: Duration = Duration::from_micros(100);

/// `state`: the job's epoch in the high 32 bits, `OPEN` while workers may join, and the
/// number of workers that joined in the low bits.
const OPEN: u64 = 1 << 31;
const JOINED: u64 = OPEN - 1;

/// One parallel region: `f(c)` for each chunk `c` in `0..chunks`.
struct Job<'a> {
    f: &'a (dyn Fn(usize) + Sync),
    chunks: usize,
    next: AtomicUsize,
    panicked: AtomicBool,
}

impl Job<'_> {
    fn work(&self) {
        loop {
            let c = self.next.fetch_add(1, Relaxed);
            if c >= self.chunks {
                return;
            }
            let f = self.f;
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(c))).is_err() {
                self.panicked.store(true, Relaxed);
            }
        }
    }
}

pub(super) struct Team {
    threads: usize,
    state: AtomicU64,
    /// The open job (a `*const Job` with its lifetime erased; valid while workers may
    /// hold it, see `run`).
    job: AtomicPtr<()>,
    /// Workers that joined the current job and finished their part.
    finished: AtomicUsize,
    busy: AtomicBool,
    sleepers: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
    shutdown: AtomicBool,
}

impl Team {
    /// A team of `threads` (the caller and `threads - 1` workers).
    pub(super) fn new(threads: usize) -> Arc<Team> {
        let team = Arc::new(Team {
            threads,
            state: AtomicU64::new(0),
            job: AtomicPtr::new(std::ptr::null_mut()),
            finished: AtomicUsize::new(0),
            busy: AtomicBool::new(false),
            sleepers: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
            shutdown: AtomicBool::new(false),
        });
        for i in 1..threads {
            let t = team.clone();
            std::thread::Builder::new()
                .name(format!("rtorch-{i}"))
                .spawn(move || t.worker())
                .expect("failed to start an rtorch worker thread");
        }
        team
    }

    pub(super) fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f(c)` for every `c` in `0..chunks` on the team; on the calling thread alone
    /// when the team is busy.
    pub(super) fn run(&self, chunks: usize, f: &(dyn Fn(usize) + Sync)) {
        if self
            .busy
            .compare_exchange(false, true, Acquire, Relaxed)
            .is_err()
        {
            (0..chunks).for_each(f);
            return;
        }
        let job = Job {
            f,
            chunks,
            next: AtomicUsize::new(0),
            panicked: AtomicBool::new(false),
        };
        self.finished.store(0, Relaxed);
        self.job
            .store(&job as *const Job as *const () as *mut (), Relaxed);
        let epoch = (self.state.load(Relaxed) >> 32).wrapping_add(1);
        self.state.store(epoch << 32 | OPEN, SeqCst);
        if self.sleepers.load(SeqCst) > 0 {
            let _g = self.lock.lock();
            self.wake.notify_all();
        }
        job.work();
        // Close the job: no worker joins after this, and those that did are counted.
        let joined = self.state.fetch_and(!OPEN, AcqRel) & JOINED;
        let mut spins = 0u32;
        while self.finished.load(Acquire) < joined as usize {
            // A worker that joined and then lost its CPU (a busy machine) is waited for
            // without taking the CPU it needs.
            spins = spins.saturating_add(1);
            if spins < 1 << 14 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        self.busy.store(false, Release);
        if job.panicked.load(Relaxed) {
            panic!("a parallel kernel chunk panicked");
        }
    }

    fn worker(&self) {
        let mut seen = 0u64;
        loop {
            let s = self.wait_for_epoch_after(seen);
            if self.shutdown.load(Acquire) {
                return;
            }
            seen = s >> 32;
            if self.join(s) {
                // SAFETY: the caller keeps the job alive until every worker that joined
                // (counted in `state` before it closed) has added to `finished`.
                let job = unsafe { &*(self.job.load(Relaxed) as *const Job) };
                job.work();
                self.finished.fetch_add(1, Release);
            }
        }
    }

    /// Joins the job published as `s` if it is still open.
    fn join(&self, mut s: u64) -> bool {
        let epoch = s >> 32;
        while s & OPEN != 0 && s >> 32 == epoch {
            match self.state.compare_exchange_weak(s, s + 1, Acquire, Relaxed) {
                Ok(_) => return true,
                Err(now) => s = now,
            }
        }
        false
    }

    /// Spins, then parks, until a job newer than `seen` is published (or shutdown).
    fn wait_for_epoch_after(&self, seen: u64) -> u64 {
        let mut since = Instant::now();
        let mut spins = 0u32;
        loop {
            let s = self.state.load(Acquire);
            if s >> 32 != seen || self.shutdown.load(Relaxed) {
                return s;
            }
            spins = spins.wrapping_add(1);
            if !spins.is_multiple_of(64) || since.elapsed() < SPIN {
                std::hint::spin_loop();
                continue;
            }
            let mut g = self.lock.lock();
            self.sleepers.fetch_add(1, SeqCst);
            if self.state.load(SeqCst) >> 32 == seen && !self.shutdown.load(SeqCst) {
                self.wake.wait(&mut g);
            }
            self.sleepers.fetch_sub(1, SeqCst);
            since = Instant::now();
        }
    }

    /// Lets the workers exit once idle (a replaced or resized team).
    pub(super) fn stop(&self) {
        self.shutdown.store(true, SeqCst);
        let _g = self.lock.lock();
        self.wake.notify_all();
    }
}
