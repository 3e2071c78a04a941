//! Why a check could not be evaluated, as a small set of causes. Each says itself as results show it
//! ([`std::fmt::Display`]); where a caller still speaks in text (a check's `error`) the
//! cause becomes its sentence through `From`.

use crate::core::vocab::ValueType;
use std::fmt;

/// A cause that stops a check's evaluation (a value that fails a leaf is not one: that is the leaf's answer,
/// with its reason in the explanation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The manifest gives no evidence for a dataset the check reads.
    NoEvidence { dataset: String },
    /// A dataset's evidence could not be loaded.
    Unloadable { dataset: String, cause: String },
    /// An `expr:` does not compile in the check's environment.
    ExprInvalid { expr: String, cause: String },
    /// An `expr:` failed on a record.
    ExprFailed { expr: String, cause: String },
    /// A field the check reads is in no record of a non-empty dataset.
    FieldInNoRecord {
        field: String,
        dataset: String,
        records: usize,
        /// The first few files the records come from.
        files: Vec<String>,
        /// The fields the first record has.
        columns: Vec<String>,
    },
    /// No value of a field the check reads as `ty` can be read so; `example` is the first (as it may be printed).
    FieldUnreadable {
        field: String,
        dataset: String,
        ty: ValueType,
        example: String,
        file: String,
        line: u32,
        /// The values look like US dates, which are never guessed.
        us_dates: bool,
    },
    /// A leaf without a quantifier met a list, and its op tests a list's items.
    ListWithoutQuantifier { field: String },
    /// The cause involves a field the dataset marks secret or personal, and the record with that field hidden
    /// evaluates: the cause is not said.
    Withheld { line: u32 },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::NoEvidence { dataset } => write!(
                f,
                "no evidence for dataset `{dataset}`: add it under `datasets:` in assure.yaml (with the files holding \
                 the export)"
            ),
            EvalError::Unloadable { dataset, cause } => write!(f, "dataset `{dataset}` could not be loaded: {cause}"),
            EvalError::ExprInvalid { expr, cause } => write!(f, "expression `{expr}`: {cause}"),
            EvalError::ExprFailed { expr, cause } => write!(f, "expression `{expr}` failed: {cause}"),
            EvalError::FieldInNoRecord {
                field,
                dataset,
                records,
                files,
                columns,
            } => {
                const SHOWN: usize = 30;
                let listed = match columns.get(..SHOWN) {
                    Some(shown) if columns.len() > SHOWN => {
                        format!("{}, … ({} in all)", shown.join(", "), columns.len())
                    }
                    _ => columns.join(", "),
                };
                write!(
                    f,
                    "field `{field}` is in no record of dataset `{dataset}` ({records} records, {}); its records \
                     have: {listed}. Export it (e.g. add it to `-Properties` or the query), or map the export's own \
                     column to it with `fields:` in assure.yaml",
                    files.join(", ")
                )
            }
            EvalError::FieldUnreadable {
                field,
                dataset,
                ty,
                example,
                file,
                line,
                us_dates,
            } => {
                write!(
                    f,
                    "no value of field `{field}` in dataset `{dataset}` can be read as a {} (e.g. `{example}` at \
                     {file}:{line}); the check would fail or skip every record.",
                    super::types::type_name(*ty)
                )?;
                if *us_dates {
                    write!(
                        f,
                        " These look like US dates (month first, with AM/PM), which are never guessed: declare \
                         `dates: us` on dataset `{dataset}` in assure.yaml, or export dates in ISO 8601 (in \
                         PowerShell, `@{{n='{field}';e={{$_.{field}.ToString('o')}}}}` in Select-Object) or from a \
                         UK-locale session."
                    )?;
                }
                Ok(())
            }
            EvalError::ListWithoutQuantifier { field } => write!(
                f,
                "field `{field}` holds a list; the check must say how to combine its items with `quantifier: \
                 any|all|none|count`"
            ),
            EvalError::Withheld { line } => write!(
                f,
                "a record could not be evaluated, and the cause is withheld because it involves a field the dataset \
                 marks secret or personal (record at line {line})"
            ),
        }
    }
}

impl std::error::Error for EvalError {}

impl From<EvalError> for String {
    fn from(e: EvalError) -> String {
        e.to_string()
    }
}
