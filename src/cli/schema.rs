//! `assure schema`: print the JSON Schema of a file kind or of an evidence dataset's records, or write the file
//! kinds' schemas all at once (as checked in under standards/schema).

use super::{EXIT_CLEAN, EXIT_UNUSABLE, PackArgs};
use crate::spec::schema::Kind;
use std::path::PathBuf;

/// Every schema `assure schema` prints: the input kinds, then the JSON output's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaKind {
    /// A standards file: one standard and its checks
    Standard,
    /// pack.yaml
    Pack,
    /// datasets.yaml
    Datasets,
    /// frameworks/*.yaml
    Framework,
    /// A config repo's assure.yaml
    Manifest,
    /// A config repo's waivers.yaml
    Waivers,
    /// A config repo's reviews.yaml
    Reviews,
    /// presets/*.yaml
    Preset,
    /// reference/*.yaml
    Reference,
    /// The JSON output of `assure check --format json` (an output, not an input).
    Assessment,
}

impl SchemaKind {
    pub const ALL: [SchemaKind; 10] = [
        SchemaKind::Standard,
        SchemaKind::Pack,
        SchemaKind::Datasets,
        SchemaKind::Framework,
        SchemaKind::Manifest,
        SchemaKind::Waivers,
        SchemaKind::Reviews,
        SchemaKind::Preset,
        SchemaKind::Reference,
        SchemaKind::Assessment,
    ];

    /// The input kind, or none for the JSON output.
    fn input(self) -> Option<Kind> {
        Some(match self {
            SchemaKind::Standard => Kind::Standard,
            SchemaKind::Pack => Kind::Pack,
            SchemaKind::Datasets => Kind::Datasets,
            SchemaKind::Framework => Kind::Framework,
            SchemaKind::Manifest => Kind::Manifest,
            SchemaKind::Waivers => Kind::Waivers,
            SchemaKind::Reviews => Kind::Reviews,
            SchemaKind::Preset => Kind::Preset,
            SchemaKind::Reference => Kind::Reference,
            SchemaKind::Assessment => return None,
        })
    }

    pub fn file_name(self) -> String {
        self.input()
            .map_or_else(|| "assessment.schema.json".to_string(), Kind::file_name)
    }

    /// Pretty JSON with a trailing newline, as checked in.
    pub fn schema_text(self) -> String {
        self.input()
            .map_or_else(crate::assess::assessment::schema_text, Kind::schema_text)
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

pub fn run(args: Args) -> u8 {
    if let Some(name) = &args.dataset {
        let pack = match args.pack.load() {
            Ok(p) => p,
            Err(code) => return code,
        };
        let Some(dataset) = pack.datasets.get(name) else {
            let known: Vec<&str> = pack.datasets.keys().map(String::as_str).collect();
            eprintln!("error: no dataset `{name}` in the pack; known: {}", known.join(", "));
            return EXIT_UNUSABLE;
        };
        let Some(schema) = &dataset.schema else {
            eprintln!("error: dataset `{name}` has no record schema: any object is accepted");
            return EXIT_UNUSABLE;
        };
        say_raw!("{}\n", serde_json::to_string_pretty(schema).unwrap_or_default());
        return EXIT_CLEAN;
    }
    if let Some(dir) = &args.write {
        for kind in SchemaKind::ALL {
            let path = dir.join(kind.file_name());
            if let Err(e) = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&path, kind.schema_text())) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return EXIT_UNUSABLE;
            }
            say!("wrote {}", path.display());
        }
        return EXIT_CLEAN;
    }
    let kind = args.kind;
    say_raw!("{}", kind.schema_text());
    EXIT_CLEAN
}
