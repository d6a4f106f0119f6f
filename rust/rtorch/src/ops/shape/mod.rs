//! Ops about where elements are, not what they are: views, copies, joins and index lookups.

pub mod indexing;
pub mod join;
pub mod movement;
pub mod utility;
