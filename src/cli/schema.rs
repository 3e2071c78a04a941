//! `assure schema`: print the JSON Schema of a file kind or of an evidence dataset's records, or write the file
//! kinds' schemas all at once (as checked in under standards/schema).

use super::{Exit, PackArgs};
use crate::spec::schema::Kind;
use std::path::PathBuf;

/// Every schema `assure schema` prints: the input kinds, then the JSON output's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    Input(Kind),
    Assessment,
}

impl SchemaKind {
    pub const ALL: [SchemaKind; Kind::ALL.len() + 1] = {
        let mut all = [SchemaKind::Assessment; Kind::ALL.len() + 1];
        let mut i = 0;
        while i < Kind::ALL.len() {
            all[i] = SchemaKind::Input(Kind::ALL[i]);
            i += 1;
        }
        all
    };

    pub fn file_name(self) -> String {
        match self {
            SchemaKind::Input(kind) => kind.file_name(),
            SchemaKind::Assessment => "assessment.schema.json".to_string(),
        }
    }

    /// Pretty JSON with a trailing newline, as checked in.
    pub fn schema_text(self) -> String {
        match self {
            SchemaKind::Input(kind) => kind.schema_text(),
            SchemaKind::Assessment => crate::assess::assessment::schema_text(),
        }
    }
}

impl clap::ValueEnum for SchemaKind {
    fn value_variants<'a>() -> &'a [Self] {
        &SchemaKind::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let (name, help) = match self {
            SchemaKind::Input(kind) => (kind.name(), kind.describe()),
            SchemaKind::Assessment => (
                "assessment",
                "The JSON output of `assure check --format json` (an output, not an input)",
            ),
        };
        Some(clap::builder::PossibleValue::new(name).help(help))
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which schema to print
    #[arg(value_enum, default_value = "standard")]
    pub kind: SchemaKind,
    /// Print the record schema of this evidence dataset (from the pack's datasets.yaml) instead
    #[arg(long, value_name = "NAME", conflicts_with = "write")]
    pub dataset: Option<String>,
    #[command(flatten)]
    pub pack: PackArgs,
    /// Write every file kind's schema into DIR instead of printing one
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    if let Some(name) = &args.dataset {
        let pack = match args.pack.load() {
            Ok(p) => p,
            Err(code) => return code,
        };
        let Some(dataset) = pack.datasets.get(name) else {
            let known: Vec<&str> = pack.datasets.keys().map(String::as_str).collect();
            eprintln!("error: no dataset `{name}` in the pack; known: {}", known.join(", "));
            return Exit::Unusable;
        };
        let Some(schema) = &dataset.schema else {
            eprintln!("error: dataset `{name}` has no record schema: any object is accepted");
            return Exit::Unusable;
        };
        say_raw!("{}\n", serde_json::to_string_pretty(schema).unwrap_or_default());
        return Exit::Clean;
    }
    if let Some(dir) = &args.write {
        for kind in SchemaKind::ALL {
            let path = dir.join(kind.file_name());
            if let Err(e) = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&path, kind.schema_text())) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Exit::Unusable;
            }
            say!("wrote {}", path.display());
        }
        return Exit::Clean;
    }
    let kind = args.kind;
    say_raw!("{}", kind.schema_text());
    Exit::Clean
}
