//! The define-by-run tape: nodes recorded by ops, saved tensors, grad mode.
//!
//! NOTE [ Derivatives are tensor ops ]
//! Every backward closure computes with ordinary differentiable `Tensor` ops. When the
//! engine runs with `create_graph`, those ops record their own nodes, so higher-order
//! gradients (the backward of a backward) need no extra code.

pub mod engine;

use crate::layout::Dims;
use crate::object_slot::ObjectSlot;
use crate::{bail, ensure, DType, Result, Tensor};
use parking_lot::Mutex;
use std::any::Any;
use std::borrow::Cow;
use std::cell::Cell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Weak};

pub use engine::{backward, grad};

// NOTE [ Grad mode and inference mode ]
// Both modes are one thread-local byte, so `needs_grad` (on every op's path) asks one
// question: is the state exactly "grad on, inference off"? They are separate bits because
// torch keeps them apart: `enable_grad()` inside `inference_mode()` turns grad mode on
// (`is_grad_enabled()` is True) and ops still record nothing. Measured with cachegrind
// (`x * y`, 4x4, 20,000 calls, instructions per call): without grad 5,801 -> 5,779, with
// both inputs requiring grad 8,115 -> 8,028, against the two-flag version that consulted
// grad mode only (the `_saved_*` values of the same change included).
const GRAD: u8 = 1;
const INFERENCE: u8 = 2;

thread_local! {
    static MODES: Cell<u8> = const { Cell::new(GRAD) };
}

/// Sets `bit` of this thread's modes to `on`; returns whether it was on.
fn set_mode(bit: u8, on: bool) -> bool {
    MODES.with(|m| {
        let prev = m.get();
        m.set(if on { prev | bit } else { prev & !bit });
        prev & bit != 0
    })
}

pub fn is_grad_enabled() -> bool {
    MODES.with(|m| m.get() & GRAD != 0)
}

/// Sets grad mode for this thread and returns the previous value.
pub fn set_grad_enabled(enabled: bool) -> bool {
    set_mode(GRAD, enabled)
}

/// Whether an op run now records history: grad mode on and inference mode off.
pub fn is_recording() -> bool {
    MODES.with(|m| m.get() == GRAD)
}

/// Sets this thread's grad mode for its lifetime and restores the previous mode when
/// dropped, also on early returns and unwinding (PyTorch's `AutoGradMode`).
#[must_use = "the mode is restored as soon as the guard is dropped"]
pub struct GradMode {
    prev: bool,
}

impl GradMode {
    pub fn set(enabled: bool) -> GradMode {
        GradMode {
            prev: set_grad_enabled(enabled),
        }
    }
}

impl Drop for GradMode {
    fn drop(&mut self) {
        set_grad_enabled(self.prev);
    }
}

/// Runs `f` with grad mode off.
pub fn no_grad<T>(f: impl FnOnce() -> T) -> T {
    let _mode = GradMode::set(false);
    f()
}

/// A fused op: `forward` computes the value with grad mode off (whatever ops it composes),
/// and the result gets one node `name` over `inputs` with `backward`, PyTorch's formula
/// for the op (NOTE [ Composite ops record one node ]).
///
/// NOTE [ Composite ops record one node ]
/// An op built from other ops (addmm = mm + add, softmax = exp / sum, mean = sum / n)
/// would get its derivative for free from its pieces, but the graph would differ from
/// PyTorch's: other node names (`type(y.grad_fn)`, `next_functions`), other saved tensors
/// (an in-place write to an input that torch saves would go unnoticed), more nodes to run
/// and, in places, other numbers (0 * inf where torch's formula has none). So such an op
/// computes its value without history and records the node PyTorch records, with
/// PyTorch's formula written in tensor ops (double backward still works). The test
/// `test_grad_fn_matches_torch` compares every registry op's node and edges with torch.
pub fn fused<F>(
    name: &'static str,
    inputs: &[&Tensor],
    forward: impl FnOnce() -> Result<Tensor>,
    backward: F,
) -> Result<(Tensor, Recorded)>
where
    F: FnMut(&Ctx, &[Tensor]) -> Result<Vec<Option<Tensor>>> + Send + 'static,
{
    let out = no_grad(forward)?;
    let node = record(name, inputs, &[&out], backward);
    Ok((out, node))
}

pub fn is_inference_mode_enabled() -> bool {
    MODES.with(|m| m.get() & INFERENCE != 0)
}

/// Sets only the inference flag (no ops record while it is on); returns the previous
/// value. `InferenceMode` is the guard that also sets grad mode as torch does.
pub fn set_inference_mode(enabled: bool) -> bool {
    set_mode(INFERENCE, enabled)
}

/// PyTorch's `InferenceMode` guard: `InferenceMode::set(true)` turns inference mode on
/// and grad mode off, `set(false)` inference mode off and grad mode on (as
/// `torch.inference_mode(False)` does); both modes come back when it is dropped.
#[must_use = "the modes are restored as soon as the guard is dropped"]
pub struct InferenceMode {
    prev: u8,
}

impl InferenceMode {
    pub fn set(enabled: bool) -> InferenceMode {
        let prev = MODES.with(|m| m.replace(if enabled { INFERENCE } else { GRAD }));
        InferenceMode { prev }
    }
}

impl Drop for InferenceMode {
    fn drop(&mut self) {
        MODES.with(|m| m.set(self.prev));
    }
}

/// A gradient hook: sees (and may replace) a gradient. Any `Fn(&Tensor) ->
/// Result<Option<Tensor>>` closure is one; the Python bindings implement it for a Python
/// callable and expose that callable through `payload`.
pub trait HookFn: Send + Sync {
    fn call(&self, grad: &Tensor) -> Result<Option<Tensor>>;
    /// A foreign object this hook keeps alive (a Python callable), so that a cycle
    /// collector can see through the engine (NOTE [ Python objects of tensors ]).
    fn payload(&self) -> Option<&(dyn Any + Send + Sync)> {
        None
    }
}

impl<F: Fn(&Tensor) -> Result<Option<Tensor>> + Send + Sync> HookFn for F {
    fn call(&self, grad: &Tensor) -> Result<Option<Tensor>> {
        self(grad)
    }
}

pub type Hook = Arc<dyn HookFn>;

/// A hook on a whole node (`grad_fn.register_prehook` / `register_hook`): it sees all the
/// node's gradients at once and may return replacements for them. A pre-hook gets the
/// gradients flowing into the node (`grad_inputs` is None); a post-hook also gets the
/// gradients the node produced for its inputs, and may replace those.
pub trait NodeHookFn: Send + Sync {
    fn call(
        &self,
        grad_inputs: Option<&[Option<Tensor>]>,
        grad_outputs: &[Option<Tensor>],
    ) -> Result<Option<Vec<Option<Tensor>>>>;
    fn payload(&self) -> Option<&(dyn Any + Send + Sync)> {
        None
    }
}

pub type NodeHook = Arc<dyn NodeHookFn>;

/// The hooks and data a node carries besides its backward (all but a few nodes have none).
#[derive(Default)]
pub struct NodeExtras {
    pub pre_hooks: Vec<(u64, NodeHook)>,
    pub post_hooks: Vec<(u64, NodeHook)>,
    /// `grad_fn.metadata`: the bindings' dict, kept with the node for its whole life.
    pub metadata: Option<Arc<dyn Any + Send + Sync>>,
    /// What `grad_fn._saved_<name>` shows: the tensors the backward keeps, under
    /// PyTorch's names (`self`, `other`, `result`); `None` where PyTorch saves nothing
    /// because no gradient needs it. Freed with the backward.
    pub saved: Vec<(&'static str, Saved)>,
    /// The backward goes with the first release even with no tensor saved: PyTorch's
    /// CopySlices drops the op it wraps (NOTE [ Which nodes a backward frees ]).
    pub always_frees: bool,
}

/// One `_saved_*` entry of a node.
#[derive(Clone)]
pub enum Saved {
    Kept(SavedTensor),
    /// A list of optional tensors (`x[i, :, j]`'s `_saved_indices`), a tuple in Python.
    KeptList(Vec<Option<SavedTensor>>),
    /// `None` in Python: PyTorch saves nothing here (no gradient needs it), or the op's
    /// optional argument was not given (`std(dim=None)`, `clamp(max=None)`).
    NotSaved,
    /// Freed by a backward without `retain_graph`: reading it is PyTorch's error.
    Freed,
    /// A number, flag or list of sizes the backward keeps; it outlives the backward.
    Value(SavedValue),
}

/// The non-tensor values PyTorch saves (`_saved_dim`, `_saved_keepdim`, `_saved_alpha`,
/// `_saved_self_sym_sizes`…), in the Python type torch gives each.
#[derive(Clone, Debug, PartialEq)]
pub enum SavedValue {
    /// An `int64_t` argument (a dim): see NOTE [ Saved negative dims ].
    Int(i64),
    /// An `int[]` argument (dims): a tuple, each element as `Int`.
    Ints(Vec<i64>),
    /// Sizes, strides and element counts: never negative, a tuple of ints or an int.
    Sizes(Vec<usize>),
    Size(usize),
    Bool(bool),
    /// A `Scalar` argument (alpha, exponent, ord…): an int, float or bool as passed.
    Scalar(crate::Scalar),
    /// A string argument (`scatter_reduce`'s reduce).
    Str(String),
}

// NOTE [ Saved negative dims ]
// torch's generated getters turn an `int64_t` saved value into a Python int through an
// unsigned conversion, so `x.sum(-1).grad_fn._saved_dim` is `(18446744073709551615,)`
// (2**64 - 1), not `(-1,)` (torch 2.13; the same for `cat`, `softmax`, `cumsum`…). We
// keep the dim as it was given and the bindings show it as torch does, so `_saved_dim`
// compares equal with torch's; `SavedValue::Int`/`Ints` mark the values this applies to.

impl Saved {
    pub fn int(v: i64) -> Saved {
        Saved::Value(SavedValue::Int(v))
    }
    /// `dim` as torch saves an `int[]?`: the tuple, or None when no dims were given.
    pub fn ints(v: Option<&[i64]>) -> Saved {
        v.map_or(Saved::NotSaved, |v| {
            Saved::Value(SavedValue::Ints(v.to_vec()))
        })
    }
    pub fn sizes(v: &[usize]) -> Saved {
        Saved::Value(SavedValue::Sizes(v.to_vec()))
    }
    /// Strides, shown as torch's `_sym_strides` (a tuple of ints).
    pub fn strides(v: &[isize]) -> Saved {
        Saved::Value(SavedValue::Sizes(v.iter().map(|&s| s as usize).collect()))
    }
    pub fn size(v: usize) -> Saved {
        Saved::Value(SavedValue::Size(v))
    }
    pub fn bool(v: bool) -> Saved {
        Saved::Value(SavedValue::Bool(v))
    }
    pub fn str(v: &str) -> Saved {
        Saved::Value(SavedValue::Str(v.to_string()))
    }
    /// Inputs as a tuple of tensors, None where absent.
    pub fn inputs(v: &[Option<Tensor>]) -> Saved {
        Saved::KeptList(
            v.iter()
                .map(|t| t.as_ref().map(SavedTensor::shown))
                .collect(),
        )
    }
    pub fn scalar(v: crate::Scalar) -> Saved {
        Saved::Value(SavedValue::Scalar(v))
    }
    /// An input, as `_saved_*` shows it.
    pub fn input(t: &Tensor) -> Saved {
        Saved::Kept(SavedTensor::shown(t))
    }
    /// An input saved only when `keep` (the gradient that reads it will be computed).
    pub fn input_if(keep: bool, t: &Tensor) -> Saved {
        if keep {
            Saved::Kept(SavedTensor::shown(t))
        } else {
            Saved::NotSaved
        }
    }
}

impl From<SavedTensor> for Saved {
    fn from(s: SavedTensor) -> Saved {
        Saved::Kept(s)
    }
}

impl From<Option<SavedTensor>> for Saved {
    fn from(s: Option<SavedTensor>) -> Saved {
        s.map_or(Saved::NotSaved, Saved::Kept)
    }
}

/// What `grad_fn._saved_<name>` reads.
pub enum SavedRead {
    Tensor(Tensor),
    Tensors(Vec<Option<Tensor>>),
    Value(SavedValue),
    None,
}

static NEXT_SEQ: AtomicU64 = AtomicU64::new(0);
static NEXT_HOOK_ID: AtomicU64 = AtomicU64::new(1);

pub fn next_hook_id() -> u64 {
    NEXT_HOOK_ID.fetch_add(1, Ordering::Relaxed)
}

/// Where a gradient flows next: input `input_nr` of a node, or a leaf's `.grad`.
#[derive(Clone)]
pub enum Edge {
    Node(Arc<Node>, usize),
    Leaf(Tensor),
}

/// What `backward` receives besides the output gradients.
pub struct Ctx<'a> {
    pub node: &'a Arc<Node>,
    /// Whether input i needs a gradient (it requires grad); others may return `None`.
    pub needs: Vec<bool>,
}

impl Ctx<'_> {
    pub fn needs(&self, i: usize) -> bool {
        self.needs.get(i).copied().unwrap_or(false)
    }
}

pub type BackwardFn = Box<dyn FnMut(&Ctx, &[Tensor]) -> Result<Vec<Option<Tensor>>> + Send>;

/// What a node remembers of a tensor it does not keep: enough to zero-fill a gradient
/// that never arrives, on the right device and in the right dtype.
#[derive(Clone, Debug)]
pub struct TensorMeta {
    pub shape: Dims,
    pub dtype: DType,
    pub device: crate::Device,
}

impl TensorMeta {
    pub fn of(t: &Tensor) -> TensorMeta {
        TensorMeta {
            shape: t.dims(),
            dtype: t.dtype(),
            device: t.device(),
        }
    }

    /// The zero gradient of the tensor this describes.
    pub fn zeros(&self) -> Result<Tensor> {
        Tensor::zeros(&self.shape, self.dtype, self.device)
    }
}

/// A node of the graph: the backward of one op call.
pub struct Node {
    pub name: Cow<'static, str>,
    pub seq: u64,
    pub next: Vec<Option<Edge>>,
    /// The op's outputs, to zero-fill gradients that never arrive.
    pub outputs: Vec<TensorMeta>,
    backward: Mutex<Option<BackwardFn>>,
    /// Hooks registered on non-leaf outputs (`output_nr`, id, hook), run before backward.
    pub(crate) pre_hooks: Mutex<Vec<(usize, u64, Hook)>>,
    /// Non-leaf outputs that asked for `retain_grad()`.
    pub(crate) retained: Mutex<Vec<(usize, Weak<crate::tensor::TensorImpl>)>>,
    /// Outputs that an in-place op wrote into another tensor: (`output_nr`, that tensor's
    /// version counter, its version right after the write). A saved output is then that
    /// tensor, so a later in-place write to it must fail unpacking, as in PyTorch.
    inplace_outputs: Mutex<Vec<(usize, Arc<AtomicU32>, u32)>>,
    /// The bindings' object for this node (NOTE [ Python objects of tensors ]).
    pub object: ObjectSlot,
    /// Node hooks and metadata (`grad_fn.register_hook`…).
    pub extras: Mutex<NodeExtras>,
}

impl Node {
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        next: Vec<Option<Edge>>,
        outputs: Vec<TensorMeta>,
        backward: BackwardFn,
    ) -> Arc<Node> {
        Arc::new(Node {
            name: name.into(),
            seq: NEXT_SEQ.fetch_add(1, Ordering::Relaxed),
            next,
            outputs,
            backward: Mutex::new(Some(backward)),
            pre_hooks: Mutex::new(Vec::new()),
            retained: Mutex::new(Vec::new()),
            inplace_outputs: Mutex::new(Vec::new()),
            object: ObjectSlot::default(),
            extras: Mutex::new(NodeExtras::default()),
        })
    }

    /// Output `output_nr` now lives in `t` (an in-place op wrote it there).
    pub(crate) fn set_inplace_output(&self, output_nr: usize, t: &Tensor) {
        let mut v = self.inplace_outputs.lock();
        v.retain(|(nr, _, _)| *nr != output_nr);
        v.push((output_nr, t.version_counter(), t.version()));
    }

    /// `(current, expected)` versions when output `output_nr` was modified in place after
    /// an in-place op produced it.
    fn inplace_output_changed(&self, output_nr: usize) -> Option<(u32, u32)> {
        let v = self.inplace_outputs.lock();
        let (_, counter, at) = v.iter().find(|(nr, _, _)| *nr == output_nr)?;
        let now = counter.load(Ordering::Relaxed);
        (now != *at).then_some((now, *at))
    }

    pub fn add_pre_hook(&self, output_nr: usize, hook: Hook) -> u64 {
        let id = next_hook_id();
        self.pre_hooks.lock().push((output_nr, id, hook));
        id
    }

    pub fn remove_pre_hook(&self, id: u64) {
        self.pre_hooks.lock().retain(|(_, i, _)| *i != id);
    }

    /// `register_prehook` (`post` false) or `register_hook` (`post` true) on the node.
    pub fn add_node_hook(&self, hook: NodeHook, post: bool) -> u64 {
        let id = next_hook_id();
        let mut e = self.extras.lock();
        if post {
            e.post_hooks.push((id, hook));
        } else {
            e.pre_hooks.push((id, hook));
        }
        id
    }

    pub fn remove_node_hook(&self, id: u64) {
        let mut e = self.extras.lock();
        e.pre_hooks.retain(|(i, _)| *i != id);
        e.post_hooks.retain(|(i, _)| *i != id);
    }

    pub fn add_retained(&self, output_nr: usize, t: &Tensor) {
        let mut r = self.retained.lock();
        if !r
            .iter()
            .any(|(nr, w)| *nr == output_nr && w.ptr_eq(&Arc::downgrade(&t.0)))
        {
            r.push((output_nr, Arc::downgrade(&t.0)));
        }
    }

    /// True once a backward without `retain_graph` has freed this node's saved tensors.
    pub fn is_released(&self) -> bool {
        self.backward.lock().is_none()
    }

    /// `grad_fn._saved_<name>`: `None` if the node shows no such name; else what it
    /// saved, or PyTorch's errors once the backward freed a tensor or an in-place write
    /// changed it.
    pub fn saved(self: &Arc<Self>, name: &str) -> Option<Result<SavedRead>> {
        let extras = self.extras.lock();
        let (_, saved) = extras.saved.iter().find(|(n, _)| *n == name)?;
        let saved = saved.clone();
        drop(extras);
        let ctx = Ctx {
            node: self,
            needs: Vec::new(),
        };
        Some(match saved {
            Saved::Kept(s) => s.unpack(&ctx).map(SavedRead::Tensor),
            Saved::KeptList(v) => v
                .iter()
                .map(|s| s.as_ref().map(|s| s.unpack(&ctx)).transpose())
                .collect::<Result<Vec<_>>>()
                .map(SavedRead::Tensors),
            Saved::NotSaved => Ok(SavedRead::None),
            Saved::Value(v) => Ok(SavedRead::Value(v)),
            Saved::Freed => Err(crate::Error::runtime(FREED_MSG)),
        })
    }

    /// A backward without `retain_graph` ran: the saved tensors go with it.
    /// After a backward without `retain_graph`: frees the saved tensors and says whether
    /// the backward itself goes too, which it does only when the node saved a tensor.
    ///
    /// NOTE [ Which nodes a backward frees ]: PyTorch frees saved tensors, not nodes, so
    /// a second backward fails only through a node that saved one; TruncBackward0,
    /// AddBackward0, TraceBackward0 (sizes only) run again. The registry test
    /// `test_saved_registry` holds each op's declared `_saved_*` list equal to torch's, so
    /// a node that declared no list saves nothing in PyTorch and keeps its backward here
    /// too (`test_second_backward` checks every registry op against torch). CopySlices
    /// is the exception: PyTorch releases the op it wraps, so it always goes.
    pub(crate) fn free_saved(&self) -> bool {
        let mut extras = self.extras.lock();
        let mut frees = extras.always_frees;
        let freed: Vec<Saved> = extras
            .saved
            .iter_mut()
            .filter(|(_, s)| matches!(s, Saved::Kept(_) | Saved::KeptList(_) | Saved::Freed))
            .map(|(_, s)| {
                frees = true;
                std::mem::replace(s, Saved::Freed)
            })
            .collect();
        drop(extras);
        drop(freed);
        frees
    }

    /// The names `_saved_*` shows (for `dir()`).
    pub fn saved_names(&self) -> Vec<&'static str> {
        self.extras.lock().saved.iter().map(|(n, _)| *n).collect()
    }
}

/// PyTorch's error for a second backward, or a saved tensor read after the first freed it.
pub const FREED_MSG: &str = "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.";

/// Shows `saved` as `grad_fn._saved_<name>` on the node `record` returned; does nothing
/// when `record` recorded nothing.
///
/// NOTE: `saved` is a closure and the node comes from `record` so that an op without a
/// graph (most calls: no input needs a gradient) neither builds the list nor looks the
/// node up again: building it eagerly cost `x + y` ~300 instructions a call (an
/// allocation and its free), and reading it back through `out.grad_fn()` ~48 (the meta
/// lock and an `Arc` clone), cachegrind.
pub fn expose_saved(node: &Recorded, saved: impl FnOnce() -> Vec<(&'static str, Saved)>) {
    if let Some(node) = node {
        node.extras.lock().saved = saved();
    }
}

// NOTE [ Freeing deep graphs ]
// A graph is a chain of `Arc<Node>`s: through `next` edges and through tensors captured by
// backward closures (whose `grad_fn` is the previous node). Dropping the head would
// recurse once per node and overflow the stack near 50,000 nodes (a training loop that
// never calls backward builds such chains). Instead, a node being dropped while another
// node's drop is running on this thread hands its parts to a thread-local queue, and the
// outermost drop empties that queue in a loop: depth stays constant, cost stays linear.
type NodeParts = (
    Vec<Option<Edge>>,
    Option<BackwardFn>,
    Vec<(usize, u64, Hook)>,
    Vec<(&'static str, Saved)>,
);

thread_local! {
    static DROPPING: Cell<bool> = const { Cell::new(false) };
    static DROP_QUEUE: std::cell::RefCell<Vec<NodeParts>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Drop for Node {
    fn drop(&mut self) {
        let parts: NodeParts = (
            std::mem::take(&mut self.next),
            self.backward.get_mut().take(),
            std::mem::take(self.pre_hooks.get_mut()),
            std::mem::take(&mut self.extras.get_mut().saved),
        );
        match DROPPING.try_with(|d| d.replace(true)) {
            // Thread teardown: the thread-locals are gone; drop in place.
            Err(_) => return,
            Ok(true) => {
                // If the queue is gone too, the closure (and `parts`) drops right here.
                let _ = DROP_QUEUE.try_with(move |q| q.borrow_mut().push(parts));
                return;
            }
            Ok(false) => {}
        }
        drop(parts);
        while let Some(p) = DROP_QUEUE.with(|q| q.borrow_mut().pop()) {
            drop(p);
        }
        DROPPING.with(|d| d.set(false));
    }
}

/// The edge a gradient for `t` should flow into (None if `t` doesn't require grad).
pub fn gradient_edge(t: &Tensor) -> Option<Edge> {
    let m = t.meta();
    if let Some(f) = &m.grad_fn {
        Some(Edge::Node(f.clone(), m.output_nr))
    } else if m.requires_grad {
        drop(m);
        Some(Edge::Leaf(t.clone()))
    } else {
        None
    }
}

/// Whether an op on these inputs must be recorded (never in no-grad or inference mode).
pub fn needs_grad(inputs: &[&Tensor]) -> bool {
    is_recording() && inputs.iter().any(|t| t.requires_grad())
}

/// PyTorch's check when it gives an output a history: an op whose integer (or bool)
/// result would record a node because a float input needs a gradient (`index_fill` or
/// `masked_fill` of an int tensor with a float value tensor that requires grad) raises.
pub fn check_output_differentiable(op_out: crate::DType, inputs: &[&Tensor]) -> Result<()> {
    crate::ensure!(
        !needs_grad(inputs) || op_out.is_differentiable(),
        runtime,
        "Autograd not support dtype: {}",
        op_out.scalar_name()
    );
    Ok(())
}

/// What `record` returns: the node it recorded, or None when no input needed a gradient
/// (pass it to `expose_saved`).
pub type Recorded = Option<Arc<Node>>;

/// Records a node for an op PyTorch gives no derivative (`NotImplemented`,
/// `Unique2Backward0`, …): the outputs get a history, as in PyTorch, and a backward through
/// them raises `error`.
pub fn record_no_derivative(
    name: &'static str,
    inputs: &[&Tensor],
    outputs: &[&Tensor],
    error: crate::Error,
) -> Recorded {
    record(name, inputs, outputs, move |_, _| Err(error.clone()))
}

/// The no-derivative node of a composite op built outside the engine (`unique` in
/// Python): PyTorch's node name and backward error for `op`.
pub fn record_no_derivative_of(op: &str, inputs: &[&Tensor], outputs: &[&Tensor]) -> Result<()> {
    let (name, error) = match op {
        "_unique2" | "unique_dim" | "unique_consecutive" => (
            match op {
                "_unique2" => "Unique2Backward0",
                "unique_dim" => "UniqueDimBackward0",
                _ => "UniqueConsecutiveBackward0",
            },
            crate::Error::not_implemented(format!("the derivative for '{op}' is not implemented.")),
        ),
        "histogram" | "bincount" => (
            "NotImplemented",
            crate::Error::runtime(format!("derivative for aten::{op} is not implemented")),
        ),
        _ => crate::bail!(runtime, "no no-derivative node is known for '{op}'"),
    };
    record_no_derivative(name, inputs, outputs, error);
    Ok(())
}

/// Records `name` with `backward` if any input requires grad; sets the outputs' history.
/// Call after computing the outputs.
pub fn record(
    name: &'static str,
    inputs: &[&Tensor],
    outputs: &[&Tensor],
    backward: impl FnMut(&Ctx, &[Tensor]) -> Result<Vec<Option<Tensor>>> + Send + 'static,
) -> Recorded {
    if !needs_grad(inputs) {
        return None;
    }
    Some(record_node(
        name.into(),
        inputs,
        outputs,
        Box::new(backward),
    ))
}

/// `record` without the grad-mode check, for callers that already decided.
pub fn record_node(
    name: Cow<'static, str>,
    inputs: &[&Tensor],
    outputs: &[&Tensor],
    backward: BackwardFn,
) -> Arc<Node> {
    let next = inputs.iter().map(|t| gradient_edge(t)).collect();
    let metas = outputs.iter().map(|t| TensorMeta::of(t)).collect();
    let node = Node::new(name, next, metas, backward);
    for (i, out) in outputs.iter().enumerate() {
        // Integer outputs (argmax indices…) never carry history.
        if out.dtype().is_differentiable() {
            out.set_history(node.clone(), i);
        }
    }
    node
}

/// A tensor kept for backward, with the version it had when saved.
#[derive(Clone)]
pub struct SavedTensor {
    data: Tensor,
    version: u32,
    /// Saved outputs of the node itself are stored without history (a strong grad_fn
    /// would be a reference cycle) and get it back from `Ctx::node` on unpack.
    is_output: bool,
    output_nr: usize,
}

impl SavedTensor {
    /// Saves an input for backward; an inference tensor cannot be saved (PyTorch's
    /// error; recording never happens in inference mode, so no mode check is needed).
    pub fn input(t: &Tensor) -> Result<SavedTensor> {
        ensure!(
            !t.is_inference(),
            runtime,
            "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`."
        );
        Ok(Self::shown(t))
    }

    /// An input as `_saved_*` shows it: the same record as `input`, with the check left
    /// to the save the backward closure made.
    fn shown(t: &Tensor) -> SavedTensor {
        SavedTensor {
            data: t.clone(),
            version: t.version(),
            is_output: false,
            output_nr: 0,
        }
    }

    pub fn output(t: &Tensor, output_nr: usize) -> SavedTensor {
        SavedTensor {
            data: t.detach(),
            version: t.version(),
            is_output: true,
            output_nr,
        }
    }

    pub fn unpack(&self, ctx: &Ctx) -> Result<Tensor> {
        let inplace = if self.is_output {
            ctx.node.inplace_output_changed(self.output_nr)
        } else {
            None
        };
        let (now, expected) = inplace.unwrap_or((self.data.version(), self.version));
        if now != expected {
            let owner = if self.is_output {
                format!("output {} of {}", self.output_nr, ctx.node.name)
            } else {
                match self.data.grad_fn() {
                    Some(f) => format!("output {} of {}", self.data.output_nr(), f.name),
                    None => "a leaf Variable".to_string(),
                }
            };
            bail!(
                runtime,
                "one of the variables needed for gradient computation has been modified by an inplace operation: [torch.{} {}], which is {}, is at version {}; expected version {} instead. Hint: the backtrace further above can also show the operation that failed to compute its gradient. The variable in question was changed in there or anywhere later. Good luck!",
                self.data.dtype().legacy_name(),
                crate::layout::shape_str(self.data.shape()),
                owner,
                now,
                expected
            );
        }
        if self.is_output {
            let t = self.data.detach();
            t.set_history(ctx.node.clone(), self.output_nr);
            return Ok(t);
        }
        Ok(self.data.clone())
    }
}
