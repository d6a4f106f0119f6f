//! `rtorch.autograd` bindings: backward, grad, grad mode, hooks and graph nodes.

use crate::convert::tensor_list;
use crate::errors::{stash, IntoPy};
use crate::tensor::{live_object, PyTensor, SlotClaim};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};
use pyo3::IntoPyObjectExt;
use pyo3::{PyTraverseError, PyVisit};
use rtorch::autograd::{self, Edge, Hook, HookFn, Node, NodeHookFn, SavedRead, SavedValue};
use rtorch::{Scalar, Tensor};
use std::any::Any;
use std::sync::Arc;

/// A graph node as Python sees it (`t.grad_fn`). Each node's object is an instance of a
/// subclass named like PyTorch's (`MulBackward0`), one per node for as long as it lives
/// (NOTE [ Python objects of tensors ]).
#[pyclass(
    name = "Node",
    module = "rtorch.autograd.graph",
    frozen,
    subclass,
    weakref
)]
pub struct PyNode {
    pub node: Arc<Node>,
    claim: SlotClaim,
}

impl Drop for PyNode {
    fn drop(&mut self) {
        self.claim.release(&self.node.object);
    }
}

thread_local! {
    /// The node `NodeOut` is building an object for: the subclass's `__new__` takes it.
    static PENDING_NODE: std::cell::RefCell<Option<Arc<Node>>> = const { std::cell::RefCell::new(None) };
}

/// The Python class for nodes called `name` (made once per name, as PyTorch has one
/// class per backward function).
fn node_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    static CLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();
    let classes = CLASSES
        .get_or_init(py, || PyDict::new(py).unbind())
        .bind(py);
    if let Some(c) = classes.get_item(name)? {
        return Ok(c);
    }
    let ns = PyDict::new(py);
    ns.set_item("__module__", "builtins")?;
    ns.set_item("__slots__", PyTuple::empty(py))?;
    let cls = py
        .get_type::<pyo3::types::PyType>()
        .call1((name, (py.get_type::<PyNode>(),), ns))?;
    classes.set_item(name, &cls)?;
    Ok(cls)
}

/// A node on its way to Python: its existing object, or a new one of its class.
pub struct NodeOut(pub Arc<Node>);

impl<'py> IntoPyObject<'py> for NodeOut {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(obj) = live_object(py, &self.0.object) {
            return Ok(obj);
        }
        let cls = node_class(py, &self.0.name)?;
        PENDING_NODE.with(|p| *p.borrow_mut() = Some(self.0.clone()));
        let made = cls.call0();
        PENDING_NODE.with(|p| p.borrow_mut().take());
        let obj = made?;
        obj.cast::<PyNode>()?
            .get()
            .claim
            .claim(&self.0.object, &obj);
        Ok(obj)
    }
}

#[pymethods]
impl PyNode {
    #[new]
    #[classmethod]
    fn new(cls: &Bound<'_, pyo3::types::PyType>) -> PyResult<PyNode> {
        match PENDING_NODE.with(|p| p.borrow_mut().take()) {
            Some(node) => Ok(PyNode {
                node,
                claim: SlotClaim::default(),
            }),
            None => Err(PyTypeError::new_err(format!(
                "cannot create '{}' instances",
                cls.name()?
            ))),
        }
    }
    fn name(&self) -> String {
        // PyTorch's no-derivative node is a C++ class named with its namespace.
        match &*self.node.name {
            "NotImplemented" => "torch::autograd::NotImplemented".to_string(),
            name => name.to_string(),
        }
    }
    /// `_saved_self`, `_saved_other`, `_saved_result`…: the tensors the backward keeps
    /// (None where PyTorch saves nothing), with PyTorch's errors once freed or modified.
    /// Only reached when normal lookup fails, so methods and `__dict__` come first.
    fn __getattr__(slf: &Bound<'_, Self>, name: &str) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        if let Some(found) = name
            .strip_prefix("_saved_")
            .and_then(|key| slf.get().node.saved(key))
        {
            return match found.py()? {
                SavedRead::Tensor(t) => crate::tensor::TensorOut(t).into_py_any(py),
                SavedRead::Tensors(v) => {
                    let items = v
                        .into_iter()
                        .map(|t| match t {
                            Some(t) => crate::tensor::TensorOut(t).into_py_any(py),
                            None => Ok(py.None()),
                        })
                        .collect::<PyResult<Vec<_>>>()?;
                    PyTuple::new(py, items)?.into_py_any(py)
                }
                SavedRead::Value(v) => saved_value(py, v),
                SavedRead::None => Ok(py.None()),
            };
        }
        Err(pyo3::exceptions::PyAttributeError::new_err(format!(
            "'{}' object has no attribute '{name}'",
            slf.get_type().name()?
        )))
    }
    fn __dir__(slf: &Bound<'_, Self>) -> PyResult<Vec<String>> {
        let mut names: Vec<String> = slf
            .get_type()
            .dir()?
            .iter()
            .map(|n| n.extract::<String>())
            .collect::<PyResult<_>>()?;
        names.extend(
            slf.get()
                .node
                .saved_names()
                .into_iter()
                .map(|n| format!("_saved_{n}")),
        );
        names.sort();
        Ok(names)
    }
    /// ((next node or AccumulateGrad or None, input_nr), …) as in PyTorch.
    #[getter]
    fn next_functions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items: Vec<Py<PyAny>> = self
            .node
            .next
            .iter()
            .map(|e| -> PyResult<Py<PyAny>> {
                Ok(match e {
                    None => (py.None(), 0).into_pyobject(py)?.into_any().unbind(),
                    Some(Edge::Node(n, nr)) => (NodeOut(n.clone()), *nr)
                        .into_pyobject(py)?
                        .into_any()
                        .unbind(),
                    Some(Edge::Leaf(t)) => (
                        AccumulateGrad {
                            variable: t.clone(),
                        },
                        0,
                    )
                        .into_pyobject(py)?
                        .into_any()
                        .unbind(),
                })
            })
            .collect::<PyResult<_>>()?;
        PyTuple::new(py, items)
    }
    /// `hook(grad_inputs, grad_outputs) -> tuple or None`, run after the node computed
    /// the gradients of its inputs (`grad_inputs`), which a returned tuple replaces.
    fn register_hook<'py>(slf: &Bound<'py, Self>, hook: Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let id = slf
            .get()
            .node
            .add_node_hook(Arc::new(PyNodeHook(hook)), true);
        removable_handle(slf, id)
    }
    /// `hook(grad_outputs) -> tuple or None`, run before the node, with the gradients
    /// flowing into it, which a returned tuple replaces.
    fn register_prehook<'py>(
        slf: &Bound<'py, Self>,
        hook: Py<PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = slf
            .get()
            .node
            .add_node_hook(Arc::new(PyNodeHook(hook)), false);
        removable_handle(slf, id)
    }
    fn _remove_hook(&self, id: u64, _is_leaf: bool) {
        self.node.remove_node_hook(id);
    }
    /// A dict kept with the node for its whole life (PyTorch's `Node.metadata`).
    #[getter]
    fn metadata(&self, py: Python<'_>) -> PyResult<Py<PyDict>> {
        let mut e = self.node.extras.lock();
        if let Some(d) = e
            .metadata
            .as_ref()
            .and_then(|m| m.downcast_ref::<Py<PyDict>>())
        {
            return Ok(d.clone_ref(py));
        }
        let d = PyDict::new(py).unbind();
        e.metadata = Some(Arc::new(d.clone_ref(py)));
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "<{} object at {:#x}>",
            self.node.name,
            Arc::as_ptr(&self.node) as usize
        )
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyNode>()
            .map(|o| Arc::ptr_eq(&o.get().node, &self.node))
            .unwrap_or(false)
    }
    fn __hash__(&self) -> usize {
        Arc::as_ptr(&self.node) as usize
    }
}

/// A saved number, flag or size list as the Python object torch's getter returns (an
/// `int64_t` through an unsigned conversion: NOTE [ Saved negative dims ]).
fn saved_value(py: Python<'_>, v: SavedValue) -> PyResult<Py<PyAny>> {
    match v {
        SavedValue::Int(i) => (i as u64).into_py_any(py),
        SavedValue::Ints(v) => PyTuple::new(py, v.into_iter().map(|i| i as u64))?.into_py_any(py),
        SavedValue::Sizes(v) => PyTuple::new(py, v)?.into_py_any(py),
        SavedValue::Size(n) => n.into_py_any(py),
        SavedValue::Bool(b) => b.into_py_any(py),
        SavedValue::Scalar(Scalar::Bool(b)) => b.into_py_any(py),
        SavedValue::Scalar(Scalar::Int(i)) => i.into_py_any(py),
        SavedValue::Scalar(Scalar::Float(f)) => f.into_py_any(py),
        SavedValue::Str(s) => s.into_py_any(py),
    }
}

/// `rtorch._tensor.RemovableHandle(owner, id, False)`: `remove()` calls
/// `owner._remove_hook(id, False)`, for nodes as for tensors.
fn removable_handle<'py>(owner: &Bound<'py, PyNode>, id: u64) -> PyResult<Bound<'py, PyAny>> {
    static HANDLE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = owner.py();
    let cls = HANDLE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .import("rtorch._tensor")?
            .getattr("RemovableHandle")?
            .unbind())
    })?;
    cls.bind(py).call1((owner, id, false))
}

/// A Python callable as a node hook: gradients go in as tuples (None where a gradient is
/// undefined) and a returned tuple or list replaces them.
struct PyNodeHook(Py<PyAny>);

fn grads_tuple<'py>(py: Python<'py>, grads: &[Option<Tensor>]) -> PyResult<Bound<'py, PyTuple>> {
    let items: Vec<Option<crate::tensor::TensorOut>> = grads
        .iter()
        .map(|g| g.clone().map(PyTensor::wrap))
        .collect();
    PyTuple::new(py, items)
}

impl NodeHookFn for PyNodeHook {
    fn call(
        &self,
        grad_inputs: Option<&[Option<Tensor>]>,
        grad_outputs: &[Option<Tensor>],
    ) -> rtorch::Result<Option<Vec<Option<Tensor>>>> {
        Python::attach(|py| {
            let outs = grads_tuple(py, grad_outputs).map_err(stash)?;
            let r = match grad_inputs {
                Some(ins) => {
                    let ins = grads_tuple(py, ins).map_err(stash)?;
                    self.0.call1(py, (ins, outs))
                }
                None => self.0.call1(py, (outs,)),
            }
            .map_err(stash)?;
            if r.is_none(py) {
                return Ok(None);
            }
            let mut new = Vec::new();
            for item in r.bind(py).try_iter().map_err(stash)? {
                let item = item.map_err(stash)?;
                if item.is_none() {
                    new.push(None);
                } else {
                    let t = item.cast::<PyTensor>().map_err(|e| stash(PyErr::from(e)))?;
                    new.push(Some(t.get().t.clone()));
                }
            }
            Ok(Some(new))
        })
    }
    fn payload(&self) -> Option<&(dyn Any + Send + Sync)> {
        Some(&self.0)
    }
}

/// The node that accumulates into a leaf's `.grad` (PyTorch's `AccumulateGrad`).
#[pyclass(name = "AccumulateGrad", module = "rtorch.autograd.graph", frozen)]
pub struct AccumulateGrad {
    variable: Tensor,
}

#[pymethods]
impl AccumulateGrad {
    fn name(&self) -> &'static str {
        "torch::autograd::AccumulateGrad"
    }
    #[getter]
    fn variable(&self) -> crate::tensor::TensorOut {
        PyTensor::wrap(self.variable.clone())
    }
    #[getter]
    fn next_functions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        Ok(PyTuple::empty(py))
    }
}

/// A Python callable as an engine hook (takes the GIL only while it runs). The callable
/// is its payload, so `Tensor.__traverse__` can show it to the cycle collector.
struct PyHook(Py<PyAny>);

impl HookFn for PyHook {
    fn call(&self, g: &Tensor) -> rtorch::Result<Option<Tensor>> {
        Python::attach(|py| {
            let r = self
                .0
                .call1(py, (PyTensor::wrap(g.clone()),))
                .map_err(stash)?;
            if r.is_none(py) {
                return Ok(None);
            }
            let t = r
                .cast_bound::<PyTensor>(py)
                .map_err(|e| stash(PyErr::from(e)))?;
            Ok(Some(t.get().t.clone()))
        })
    }
    fn payload(&self) -> Option<&(dyn Any + Send + Sync)> {
        Some(&self.0)
    }
}

fn py_hook(f: Py<PyAny>) -> Hook {
    Arc::new(PyHook(f))
}

#[pymethods]
impl PyTensor {
    /// Returns the hook id; Python wraps it in a RemovableHandle.
    fn _register_hook(&self, hook: Py<PyAny>) -> PyResult<(u64, bool)> {
        if !self.t.requires_grad() {
            return Err(PyRuntimeError::new_err(
                "cannot register a hook on a tensor that doesn't require gradient",
            ));
        }
        let h = py_hook(hook);
        match self.t.grad_fn() {
            Some(f) => Ok((f.add_pre_hook(self.t.output_nr(), h), false)),
            None => Ok((self.t.add_leaf_hook(h), true)),
        }
    }
    /// The cycle collector's view of what the engine keeps alive for this tensor: the
    /// hooks only this object owns (a hook closure that refers to its own tensor is a
    /// cycle through Rust that Python could not see otherwise, as PyTorch's
    /// `THPVariable_traverse` also covers).
    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        // NOTE: pyo3 lets a collection traverse an object whose Rust part is still the
        // zeroed memory `tp_alloc` returned (creating a subclass instance's `__dict__`
        // can run the collector before the contents are written). A null tensor pointer
        // means "not built yet": there is nothing to visit.
        let raw = unsafe { std::ptr::read_volatile(&self.t as *const Tensor as *const usize) };
        if raw == 0 {
            return Ok(());
        }
        self.t
            .visit_hook_payloads(|p| match p.downcast_ref::<Py<PyAny>>() {
                Some(f) => visit.call(f),
                None => Ok(()),
            })
    }
    fn __clear__(&self) {
        self.t.clear_owned_hooks();
    }
    fn _remove_hook(&self, id: u64, is_leaf: bool) {
        if is_leaf {
            self.t.remove_leaf_hook(id);
        } else if let Some(f) = self.t.grad_fn() {
            f.remove_pre_hook(id);
        }
    }
}

fn opt_grads(
    py: Python<'_>,
    grads: Option<&Bound<'_, PyAny>>,
    n: usize,
) -> PyResult<Vec<Option<Tensor>>> {
    let Some(g) = grads.filter(|g| !g.is_none()) else {
        return Ok(vec![None; n]);
    };
    if let Ok(t) = g.cast::<PyTensor>() {
        return Ok(vec![Some(t.get().t.clone())]);
    }
    let _ = py;
    g.try_iter()?
        .map(|item| {
            let item = item?;
            if item.is_none() {
                Ok(None)
            } else {
                Ok(Some(item.cast::<PyTensor>()?.get().t.clone()))
            }
        })
        .collect()
}

fn tensors_arg(o: &Bound<'_, PyAny>) -> PyResult<Vec<Tensor>> {
    if let Ok(t) = o.cast::<PyTensor>() {
        return Ok(vec![t.get().t.clone()]);
    }
    tensor_list(o)
}

#[pyfunction]
#[pyo3(signature = (tensors, grad_tensors=None, retain_graph=None, create_graph=false, inputs=None))]
pub fn _backward(
    py: Python<'_>,
    tensors: &Bound<'_, PyAny>,
    grad_tensors: Option<&Bound<'_, PyAny>>,
    retain_graph: Option<bool>,
    create_graph: bool,
    inputs: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let roots = tensors_arg(tensors)?;
    let grads = opt_grads(py, grad_tensors, roots.len())?;
    let inputs = inputs
        .filter(|i| !i.is_none())
        .map(tensors_arg)
        .transpose()?;
    let retain = retain_graph.unwrap_or(create_graph);
    py.detach(|| autograd::backward(&roots, &grads, retain, create_graph, inputs.as_deref()))
        .py()
}

#[pyfunction]
#[pyo3(signature = (outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=false, allow_unused=None))]
pub fn _grad<'py>(
    py: Python<'py>,
    outputs: &Bound<'_, PyAny>,
    inputs: &Bound<'_, PyAny>,
    grad_outputs: Option<&Bound<'_, PyAny>>,
    retain_graph: Option<bool>,
    create_graph: bool,
    allow_unused: Option<bool>,
) -> PyResult<Bound<'py, PyTuple>> {
    let outs = tensors_arg(outputs)?;
    let ins = tensors_arg(inputs)?;
    let grads = opt_grads(py, grad_outputs, outs.len())?;
    let retain = retain_graph.unwrap_or(create_graph);
    let r = py
        .detach(|| {
            autograd::grad(
                &outs,
                &grads,
                &ins,
                retain,
                create_graph,
                allow_unused.unwrap_or(false),
            )
        })
        .py()?;
    PyTuple::new(py, r.into_iter().map(|g| g.map(PyTensor::wrap)))
}

#[pyfunction]
/// is_grad_enabled() -> bool
///
/// Whether autograd records operations on this thread (see ``no_grad`` and
/// ``set_grad_enabled``).
pub fn is_grad_enabled() -> bool {
    autograd::is_grad_enabled()
}

#[pyfunction]
/// Gives `outputs` PyTorch's no-derivative node for `op` (`unique` and the other
/// composites written in Python), so they require grad and a backward raises as in torch.
pub fn _record_no_derivative(
    op: &str,
    inputs: Vec<PyRef<'_, PyTensor>>,
    outputs: Vec<PyRef<'_, PyTensor>>,
) -> PyResult<()> {
    let ins: Vec<&Tensor> = inputs.iter().map(|t| &t.t).collect();
    let outs: Vec<&Tensor> = outputs.iter().map(|t| &t.t).collect();
    autograd::record_no_derivative_of(op, &ins, &outs).py()
}

#[pyfunction]
pub fn _set_grad_enabled(enabled: bool) -> bool {
    autograd::set_grad_enabled(enabled)
}

#[pyfunction]
/// is_inference_mode_enabled() -> bool
///
/// Whether ``inference_mode`` is on for this thread.
pub fn is_inference_mode_enabled() -> bool {
    autograd::is_inference_mode_enabled()
}

#[pyfunction]
pub fn _set_inference_mode(enabled: bool) -> bool {
    autograd::set_inference_mode(enabled)
}

/// `rtorch.inference_mode`'s guard (torch's `_InferenceMode`): the engine's
/// `InferenceMode` held from `__enter__` to `__exit__`, which restores grad and inference
/// mode together on this thread (also when the block raised).
#[pyclass(name = "_InferenceMode", module = "rtorch._C", unsendable)]
pub struct PyInferenceMode {
    enabled: bool,
    guard: Option<autograd::InferenceMode>,
}

#[pymethods]
impl PyInferenceMode {
    #[new]
    fn new(enabled: bool) -> Self {
        PyInferenceMode {
            enabled,
            guard: None,
        }
    }
    fn __enter__(&mut self) {
        self.guard = Some(autograd::InferenceMode::set(self.enabled));
    }
    #[pyo3(signature = (*_exc))]
    fn __exit__(&mut self, _exc: &Bound<'_, PyTuple>) {
        self.guard = None;
    }
}

/// Adds the autograd entry points and grad-mode switches to `m`.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNode>()?;
    m.add_class::<AccumulateGrad>()?;
    m.add_class::<PyInferenceMode>()?;
    crate::add_functions!(
        m,
        _backward,
        _grad,
        is_grad_enabled,
        _set_grad_enabled,
        _record_no_derivative,
        is_inference_mode_enabled,
        _set_inference_mode,
    );
    Ok(())
}
