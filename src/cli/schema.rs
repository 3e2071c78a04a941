//! `assure schema`: print the JSON Schema of a file kind or of an evidence dataset's records, or write the file
//! kinds' schemas all at once (as checked in under standards/schema).

use super::{EXIT_CLEAN, EXIT_UNUSABLE, PackArgs};
use crate::standards::schema::Kind;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which schema to print
    #[arg(value_enum, default_value = "standard")]
    pub kind: Kind,
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
        for kind in Kind::ALL {
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
