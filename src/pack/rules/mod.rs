//! Lint rules over a loaded pack, one per file, each with its diagnostic code.
pub mod last_day;
pub mod test_data;
pub mod versioned;
