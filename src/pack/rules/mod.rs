//! Lint rules over a loaded pack, one per file, each with its diagnostic code.
pub mod changelog;
pub mod coverage;
pub mod exception_registers;
pub mod last_day;
pub mod migrations;
pub mod secret_field;
pub mod test_data;
pub mod versioned;
