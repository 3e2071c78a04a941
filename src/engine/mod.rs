//! The engine: compiled checks ([`Check`]) evaluated against evidence ([`run`]).
//!
//! - [`types`]: conversions to numbers, dates, durations, versions and networks;
//! - [`condition`]: evaluating conditions on one record, with explanations;
//! - [`lookup`]: other datasets' records indexed under join keys, and the one a record joins;
//! - [`ops`]: a leaf's op tested on one value, each kind of test of the op table evaluated once;
//! - [`memo`]: leaf results a worker remembers by the text tested;
//! - [`context`]: what templates see of one record;
//! - [`confidential`]: secret and personal values kept out of everything a check prints;
//! - [`error`]: why a check could not be evaluated ([`EvalError`]);
//! - [`deadline`]: a clock per record (met, missed or pending);
//! - [`reads`]: the fields a check reads, checked against the evidence before it runs;
//! - [`result`]: what a check produced (state, findings, pending records, expectations);
//! - [`run`]: a check over its dataset, and all checks in parallel.

pub mod check;
pub mod condition;
pub mod confidential;
pub mod context;
pub mod deadline;
pub mod error;
pub mod lookup;
pub mod memo;
pub mod ops;
pub mod reads;
pub mod result;
pub mod run;
pub mod types;

pub use check::Check;
pub use error::EvalError;
pub use run::{run, run_check, run_with_progress};
