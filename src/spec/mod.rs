//! What people write, as serde + schemars types only: the standards pack's files ([`standards`]), a config
//! repo's manifest ([`manifest`]), waivers ([`waivers`]) and reviews ([`reviews`]), the schema registry of
//! every input kind ([`schema`]), and the table of condition ops ([`ops`]). Behaviour lives downstream: the pack compiles these, evidence loads them.
pub mod manifest;
pub mod ops;
pub mod reviews;
pub mod schema;
pub mod standards;
pub mod waivers;

pub use crate::core::vocab::{Format, OneOrMany, Quantifier, Severity, ValueType, WhenEmpty};
pub use standards::*;
