//! Executes a graph backward: dependency counts, then a ready queue ordered like
//! PyTorch's (most recently created node first). No recursion, so deep graphs are fine.

use super::{Ctx, Edge, GradMode, Node};
use crate::{bail, ensure, ops, Result, Tensor};
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

type NodeKey = *const Node;

fn key(n: &Arc<Node>) -> NodeKey {
    Arc::as_ptr(n)
}

struct Ready(u64, Arc<Node>);
impl PartialEq for Ready {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl Eq for Ready {}
impl PartialOrd for Ready {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ready {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.cmp(&o.0)
    }
}

fn accumulate(slot: &mut Option<Tensor>, g: Tensor) -> Result<()> {
    *slot = Some(match slot.take() {
        None => g,
        Some(prev) => ops::binary::add(&prev, &g)?,
    });
    Ok(())
}

/// Where `grad` delivers: the `inputs` it was asked about, as (leaf or node edge).
enum Target {
    Leaf(usize),
    Node(NodeKey, usize),
}

fn target_of(t: &Tensor) -> Target {
    match t.grad_fn() {
        Some(f) => Target::Node(key(&f), t.output_nr()),
        None => Target::Leaf(t.id()),
    }
}

/// How one backward pass runs: `torch.autograd.backward` and `torch.autograd.grad` are
/// the same walk with different options.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Keep the saved tensors (and backward closures) for another pass.
    pub retain_graph: bool,
    /// Record the backward's own ops, for higher-order gradients.
    pub create_graph: bool,
    /// `backward`: a leaf's gradient goes into its `.grad`. `grad` hands gradients only
    /// to the caller.
    pub accumulate_leaves: bool,
    /// `grad`: an input no gradient reaches gives None instead of an error.
    pub allow_unused: bool,
}

/// `torch.autograd.backward`: accumulate into leaves' `.grad`.
pub fn backward(
    roots: &[Tensor],
    grad_outputs: &[Option<Tensor>],
    retain_graph: bool,
    create_graph: bool,
    inputs: Option<&[Tensor]>,
) -> Result<()> {
    let opts = RunOptions {
        retain_graph,
        create_graph,
        accumulate_leaves: true,
        allow_unused: false,
    };
    run(roots, grad_outputs, inputs, opts).map(|_| ())
}

/// `torch.autograd.grad`: return gradients for `inputs` without touching `.grad`.
pub fn grad(
    roots: &[Tensor],
    grad_outputs: &[Option<Tensor>],
    inputs: &[Tensor],
    retain_graph: bool,
    create_graph: bool,
    allow_unused: bool,
) -> Result<Vec<Option<Tensor>>> {
    for (i, t) in inputs.iter().enumerate() {
        ensure!(
            t.requires_grad(),
            runtime,
            "One of the differentiated Tensors does not require grad (input {i})"
        );
    }
    let opts = RunOptions {
        retain_graph,
        create_graph,
        accumulate_leaves: false,
        allow_unused,
    };
    run(roots, grad_outputs, Some(inputs), opts)
}

fn root_grads(roots: &[Tensor], grad_outputs: &[Option<Tensor>]) -> Result<Vec<Tensor>> {
    ensure!(
        roots.len() == grad_outputs.len() || grad_outputs.is_empty(),
        runtime,
        "grad requires one grad_output per output: got {} tensors and {} gradients",
        roots.len(),
        grad_outputs.len()
    );
    let mut out = Vec::with_capacity(roots.len());
    for (i, r) in roots.iter().enumerate() {
        ensure!(
            r.requires_grad(),
            runtime,
            "element {i} of tensors does not require grad and does not have a grad_fn"
        );
        match grad_outputs.get(i).cloned().flatten() {
            Some(g) => {
                ensure!(
                    g.shape() == r.shape(),
                    runtime,
                    "Mismatch in shape: grad_output[{i}] has a shape of {} and output[{i}] has a shape of {}.",
                    crate::layout::shape_str(g.shape()),
                    crate::layout::shape_str(r.shape())
                );
                out.push(g);
            }
            None => {
                ensure!(
                    r.numel() == 1,
                    runtime,
                    "grad can be implicitly created only for scalar outputs"
                );
                out.push(ops::factory::ones_like(r)?);
            }
        }
    }
    Ok(out)
}

/// One backward pass: seed the roots' gradients, count each node's parents, prune to the
/// nodes that lead to `inputs` (when given), then run nodes as their gradients complete.
fn run(
    roots: &[Tensor],
    grad_outputs: &[Option<Tensor>],
    inputs: Option<&[Tensor]>,
    opts: RunOptions,
) -> Result<Vec<Option<Tensor>>> {
    let root_grads = root_grads(roots, grad_outputs)?;
    let _mode = GradMode::set(opts.create_graph);
    let targets = Targets::new(inputs.unwrap_or(&[]));
    let (order, deps) = count_dependencies(roots);
    let needed = inputs.map(|_| prune(&order, &deps, &targets));
    let mut pass = Pass {
        opts,
        captured: vec![None; targets.items.len()],
        targets,
        deps,
        needed,
        buffers: HashMap::new(),
        ready: BinaryHeap::new(),
    };
    for (r, g) in roots.iter().zip(root_grads) {
        pass.seed(r, g)?;
    }
    while let Some(Ready(_, node)) = pass.ready.pop() {
        pass.execute(&node)?;
    }
    if inputs.is_some() && !opts.accumulate_leaves && !opts.allow_unused {
        if let Some(i) = pass.captured.iter().position(|c| c.is_none()) {
            bail!(
                runtime,
                "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior. (input {i})"
            );
        }
    }
    Ok(pass.captured)
}

/// The tensors `grad(inputs=)` / `backward(inputs=)` asked about.
struct Targets {
    items: Vec<Target>,
    /// Every position asking for a leaf (the same tensor may be passed twice), by leaf id.
    leaf_positions: HashMap<usize, Vec<usize>>,
}

impl Targets {
    fn new(inputs: &[Tensor]) -> Targets {
        let items: Vec<Target> = inputs.iter().map(target_of).collect();
        let mut leaf_positions: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, t) in items.iter().enumerate() {
            if let Target::Leaf(id) = t {
                leaf_positions.entry(*id).or_default().push(i);
            }
        }
        Targets {
            items,
            leaf_positions,
        }
    }
}

/// Every node reachable from the roots (parents first, in discovery order) and how many
/// parents each child has.
fn count_dependencies(roots: &[Tensor]) -> (Vec<Arc<Node>>, HashMap<NodeKey, usize>) {
    let mut deps: HashMap<NodeKey, usize> = HashMap::new();
    let mut seen: HashSet<NodeKey> = HashSet::new();
    let mut order: Vec<Arc<Node>> = Vec::new();
    let mut stack: Vec<Arc<Node>> = Vec::new();
    for r in roots {
        if let Some(f) = r.grad_fn() {
            if seen.insert(key(&f)) {
                stack.push(f);
            }
        }
    }
    while let Some(n) = stack.pop() {
        for e in n.next.iter().flatten() {
            if let Edge::Node(child, _) = e {
                *deps.entry(key(child)).or_insert(0) += 1;
                if seen.insert(key(child)) {
                    stack.push(child.clone());
                }
            }
        }
        order.push(n);
    }
    (order, deps)
}

/// With explicit inputs only nodes that lead to one of them run (PyTorch prunes too).
/// One pass over the nodes, children before parents, so it stays linear in the graph.
fn prune(
    order: &[Arc<Node>],
    deps: &HashMap<NodeKey, usize>,
    targets: &Targets,
) -> HashSet<NodeKey> {
    let node_targets: HashSet<NodeKey> = targets
        .items
        .iter()
        .filter_map(|t| match t {
            Target::Node(k, _) => Some(*k),
            Target::Leaf(_) => None,
        })
        .collect();
    let mut needed = HashSet::new();
    for n in topological_order(order, deps).iter().rev() {
        let hits_target = node_targets.contains(&key(n))
            || n.next.iter().flatten().any(|e| match e {
                Edge::Leaf(t) => targets.leaf_positions.contains_key(&t.id()),
                Edge::Node(c, _) => needed.contains(&key(c)),
            });
        if hits_target {
            needed.insert(key(n));
        }
    }
    needed
}

// NOTE: a gradient takes the dtype of the tensor it is the gradient of before it flows on
// (PyTorch's validate_outputs): `sum(dtype=float32)` of a float64 graph returns a float32
// gradient, and the float64 part must not run in float32.
fn to_edge_dtype(g: Tensor, dtype: crate::DType) -> Result<Tensor> {
    if g.dtype() == dtype {
        Ok(g)
    } else {
        crate::ops::cast::to_dtype(&g, dtype)
    }
}

/// The state of one pass while nodes run.
struct Pass {
    opts: RunOptions,
    targets: Targets,
    /// The gradients handed back for `targets`, by position.
    captured: Vec<Option<Tensor>>,
    /// Parents of each node whose gradient has not arrived yet.
    deps: HashMap<NodeKey, usize>,
    /// The nodes that lead to a target (None: all run).
    needed: Option<HashSet<NodeKey>>,
    /// Gradients gathered for each node's outputs so far.
    buffers: HashMap<NodeKey, Vec<Option<Tensor>>>,
    ready: BinaryHeap<Ready>,
}

impl Pass {
    /// A root's gradient: into its node's buffer (ready once nothing else feeds it), or
    /// straight to a leaf root.
    fn seed(&mut self, r: &Tensor, g: Tensor) -> Result<()> {
        let Some(f) = r.grad_fn() else {
            return self.deliver_leaf(r, g);
        };
        let buf = self
            .buffers
            .entry(key(&f))
            .or_insert_with(|| vec![None; f.outputs.len()]);
        let nr = r.output_nr();
        accumulate(&mut buf[nr], to_edge_dtype(g, f.outputs[nr].dtype)?)?;
        if self.deps.get(&key(&f)).copied().unwrap_or(0) == 0
            && !self.ready.iter().any(|x| Arc::ptr_eq(&x.1, &f))
        {
            self.ready.push(Ready(f.seq, f));
        }
        Ok(())
    }

    /// Runs one node whose gradients are complete and passes its results on.
    fn execute(&mut self, node: &Arc<Node>) -> Result<()> {
        let mut grads = self.buffers.remove(&key(node)).unwrap_or_default();
        grads.resize(node.outputs.len(), None);
        run_pre_hooks(node, &mut grads)?;
        for (i, t) in self.targets.items.iter().enumerate() {
            if let Target::Node(k, nr) = t {
                if *k == key(node) {
                    self.captured[i] = grads[*nr].clone();
                }
            }
        }
        let skip = self
            .needed
            .as_ref()
            .is_some_and(|s| !s.contains(&key(node)));
        let produced = if skip {
            vec![None; node.next.len()]
        } else {
            run_with_node_hooks(node, grads, self.opts.retain_graph)?
        };
        for (edge, g) in node.next.iter().zip(produced) {
            match edge {
                None => {}
                Some(Edge::Node(child, nr)) => self.pass_to_node(child, *nr, g)?,
                Some(Edge::Leaf(t)) => {
                    if let Some(g) = g {
                        self.deliver_leaf(t, to_edge_dtype(g, t.dtype())?)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Adds `g` to input `nr` of `child`, which becomes ready after its last parent ran.
    fn pass_to_node(&mut self, child: &Arc<Node>, nr: usize, g: Option<Tensor>) -> Result<()> {
        let buf = self
            .buffers
            .entry(key(child))
            .or_insert_with(|| vec![None; child.outputs.len()]);
        if let Some(g) = g {
            accumulate(&mut buf[nr], to_edge_dtype(g, child.outputs[nr].dtype)?)?;
        }
        let d = self.deps.get_mut(&key(child)).expect("dependency counted");
        *d -= 1;
        if *d == 0 {
            self.ready.push(Ready(child.seq, child.clone()));
        }
        Ok(())
    }

    fn deliver_leaf(&mut self, t: &Tensor, g: Tensor) -> Result<()> {
        let positions = self
            .targets
            .leaf_positions
            .get(&t.id())
            .map_or(&[][..], |v| &v[..]);
        deliver_leaf(t, g, positions, &mut self.captured, self.opts)
    }
}

/// A node's backward between its node pre-hooks (which may replace the gradients flowing
/// in) and post-hooks (which may replace the gradients it produced).
fn run_with_node_hooks(
    node: &Arc<Node>,
    mut grads: Vec<Option<Tensor>>,
    retain_graph: bool,
) -> Result<Vec<Option<Tensor>>> {
    let (pre, post): (Vec<_>, Vec<_>) = {
        let e = node.extras.lock();
        (e.pre_hooks.clone(), e.post_hooks.clone())
    };
    for (_, h) in &pre {
        if let Some(new) = h.call(None, &grads)? {
            grads = checked_hook_result(node, new, grads.len(), "pre-hook")?;
        }
    }
    let grad_outputs = if post.is_empty() {
        Vec::new()
    } else {
        grads.clone()
    };
    let mut produced = call_backward(node, grads, retain_graph)?;
    for (_, h) in &post {
        if let Some(new) = h.call(Some(&produced), &grad_outputs)? {
            produced = checked_hook_result(node, new, produced.len(), "hook")?;
        }
    }
    Ok(produced)
}

/// `nodes` (every node reachable from the roots, with `deps` counting their parents) with
/// every node after all of its parents (Kahn's algorithm).
fn topological_order(nodes: &[Arc<Node>], deps: &HashMap<NodeKey, usize>) -> Vec<Arc<Node>> {
    let mut left = deps.clone();
    let mut stack: Vec<Arc<Node>> = nodes
        .iter()
        .filter(|n| !deps.contains_key(&key(n)))
        .cloned()
        .collect();
    let mut out = Vec::with_capacity(nodes.len());
    while let Some(n) = stack.pop() {
        for e in n.next.iter().flatten() {
            if let Edge::Node(child, _) = e {
                let d = left.get_mut(&key(child)).expect("dependency counted");
                *d -= 1;
                if *d == 0 {
                    stack.push(child.clone());
                }
            }
        }
        out.push(n);
    }
    out
}

/// A node hook's replacement gradients must match the ones it was given in number.
fn checked_hook_result(
    node: &Node,
    new: Vec<Option<Tensor>>,
    expected: usize,
    what: &str,
) -> Result<Vec<Option<Tensor>>> {
    ensure!(
        new.len() == expected,
        runtime,
        "{what} of {} returned {} gradients but expected {expected}",
        node.name,
        new.len()
    );
    Ok(new)
}

fn run_pre_hooks(node: &Arc<Node>, grads: &mut [Option<Tensor>]) -> Result<()> {
    let hooks: Vec<_> = node.pre_hooks.lock().clone();
    for (nr, _, hook) in hooks {
        if let Some(g) = &grads[nr] {
            if let Some(new) = hook.call(g)? {
                grads[nr] = Some(new);
            }
        }
    }
    let retained: Vec<_> = node.retained.lock().clone();
    for (nr, weak) in retained {
        if let (Some(imp), Some(g)) = (weak.upgrade(), &grads[nr]) {
            let t = Tensor(imp);
            let mut m = t.meta();
            let new = match m.grad.take() {
                None => g.detach(),
                Some(prev) => ops::binary::add(&prev, g)?,
            };
            m.grad = Some(new);
        }
    }
    Ok(())
}

fn call_backward(
    node: &Arc<Node>,
    grads: Vec<Option<Tensor>>,
    retain_graph: bool,
) -> Result<Vec<Option<Tensor>>> {
    let mut full = Vec::with_capacity(grads.len());
    for (g, meta) in grads.into_iter().zip(&node.outputs) {
        full.push(match g {
            Some(g) => g,
            None => meta.zeros()?,
        });
    }
    let needs = node.next.iter().map(|e| e.is_some()).collect();
    let ctx = Ctx { node, needs };
    let mut slot = node.backward.lock();
    let Some(f) = slot.as_mut() else {
        bail!(runtime, "{}", super::FREED_MSG);
    };
    let out = f(&ctx, &full)?;
    // The saved tensors `_saved_*` showed go with the backward that kept them.
    if !retain_graph && node.free_saved() {
        *slot = None;
        drop(slot);
    } else {
        drop(slot);
    }
    ensure!(
        out.len() == node.next.len(),
        runtime,
        "{} returned {} gradients but expected {}",
        node.name,
        out.len(),
        node.next.len()
    );
    Ok(out)
}

fn deliver_leaf(
    t: &Tensor,
    g: Tensor,
    positions: &[usize],
    captured: &mut [Option<Tensor>],
    opts: RunOptions,
) -> Result<()> {
    // Leaf hooks see (and may replace) the gradient before it is stored.
    let hooks: Vec<_> = t.meta().hooks.iter().map(|(_, h)| h.clone()).collect();
    let mut g = g;
    for h in hooks {
        if let Some(new) = h.call(&g)? {
            g = new;
        }
    }
    if !positions.is_empty() {
        for &i in positions {
            accumulate(&mut captured[i], g.clone())?;
        }
        return Ok(());
    }
    let create_graph = opts.create_graph;
    if !opts.accumulate_leaves {
        return Ok(());
    }
    let g = if g.dtype() != t.dtype() {
        ops::cast::to_dtype(&g, t.dtype())?
    } else {
        g
    };
    // The leaf's metadata lock is held for the whole read-modify-write: threads running
    // backward on graphs that share a leaf (the GIL is released) must not lose a sum.
    let mut m = t.meta();
    match m.grad.clone() {
        None => {
            // Steal the gradient only when nothing else can see it (e.g. `add`'s backward
            // hands one tensor to both inputs); otherwise store a copy, as PyTorch does.
            let unshared = std::sync::Arc::strong_count(&g.0) == 1
                && std::sync::Arc::strong_count(g.storage()) == 1
                && g.is_contiguous();
            let new = if create_graph || unshared {
                g
            } else {
                ops::movement::clone_contiguous(&g)?
            };
            m.grad = Some(if create_graph { new } else { new.detach() });
        }
        Some(prev) if create_graph => {
            m.grad = Some(ops::binary::add(&prev, &g)?);
        }
        Some(prev) => {
            // In place, so references to `.grad` taken earlier see the sum (PyTorch's `+=`).
            let _ng = GradMode::set(false);
            ops::binary::add_(&prev, &g)?;
        }
    }
    Ok(())
}
