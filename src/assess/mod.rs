//! The assessment: a pack's results over a repo's evidence, with waivers, reviews, managed exceptions and a
//! baseline applied, an overall status and framework views ([`assessment`]); the regional roll-up of many
//! ([`aggregate`]). [`run`] is the whole pipeline as one library function; [`select`] picks which checks run.
pub mod aggregate;
pub mod assessment;
pub mod baseline;
pub mod exceptions;
pub mod history;
pub mod impact;
pub mod redaction;
pub mod reviews;
pub mod run;
pub mod select;
pub mod waivers;

pub use crate::engine::result::{Change, CheckResult, Expectation, Finding, Pending, ReviewReport, State};
pub use assessment::*;
