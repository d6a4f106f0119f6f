//! A place on a tensor or graph node where a foreign binding keeps its object.

use std::sync::atomic::{AtomicPtr, Ordering};

// NOTE [ Python objects of tensors ]
// PyTorch gives a tensor one Python object for as long as both live: `x.grad is x.grad`,
// `y.grad_fn is y.grad_fn`, a tensor handed to a hook and returned is the same object, and
// `x.contiguous() is x`. The engine cannot know Python, so each `TensorImpl` and `Node`
// carries an `ObjectSlot`: a pointer the bindings set when they create the object for it
// and clear when that object dies. It is a *weak* reference: the Python object owns the
// engine value, never the other way round, so no ownership cycle exists and dropping a
// Python object needs no resurrection (PyTorch flips ownership instead; with pyo3 we
// cannot hook deallocation that way). What a weak slot gives up: while no Python code
// holds a tensor's object, attributes set on it (`x.grad.foo = 1`) die with it, and the
// next access makes a fresh object; identity holds whenever both sides could compare it.
// Cost per op output: one atomic load (the slot of a fresh tensor is null) and one store.
#[derive(Default)]
pub struct ObjectSlot(AtomicPtr<()>);

impl ObjectSlot {
    /// The object stored here, or null.
    pub fn get(&self) -> *mut () {
        self.0.load(Ordering::Acquire)
    }
    pub fn set(&self, obj: *mut ()) {
        self.0.store(obj, Ordering::Release)
    }
    /// Clears the slot if it still holds `obj` (a newer object may have replaced it).
    pub fn clear_if(&self, obj: *mut ()) {
        let _ = self.0.compare_exchange(
            obj,
            std::ptr::null_mut(),
            Ordering::AcqRel,
            Ordering::Relaxed,
        );
    }
}
