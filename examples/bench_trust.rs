//! End-to-end benchmark: the full embedded pack on generated trust repos, with the bare parse of the same
//! files (CSV byte records, `serde_json::Value`) measured in the same run as the limit to compare against.
//!
//! ```sh
//! cargo run --release --example generate_trust -- --scale 1 --out target/trusts/scale-1
//! cargo run --release --example bench_trust -- target/trusts/scale-1
//! ```
//!
//! For each repo it prints wall time at `--jobs 1` and `--jobs 2` (loading, validation and checks all on those
//! threads), evidence MB/s and records/s, peak RSS (Linux `VmHWM`, read after the first run) and the bare-parse
//! time; times are medians of several runs. Run one repo per process for a clean peak-RSS figure.
//!
//! It also times the bare parse with the SHA-256 of each file added, on the same thread: the evidence trail
//! `assure check` keeps needs that hash of every byte, so it is the floor of any run that keeps one
//! (docs/performance.md). The target is still measured against the bare parse alone.

use assure::assess::Assessment;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

// The allocator `assure` itself runs with (src/main.rs), for the bare parse as for the pipeline.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let repos: Vec<String> = std::env::args().skip(1).collect();
    if repos.is_empty() {
        eprintln!("usage: bench_trust REPO...");
        std::process::exit(2);
    }
    println!(
        "| repo | evidence MB | records | jobs 1 (s) | jobs 2 (s) | speed-up | MB/s (jobs 2) | records/s | peak RSS MB | bare parse (s) | end-to-end / bare | bare parse + SHA-256 (s) | end-to-end / (bare + SHA-256) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for repo in repos {
        match bench(Path::new(&repo)) {
            Ok(row) => println!("{row}"),
            Err(e) => eprintln!("{repo}: {e}"),
        }
    }
}

/// What `assure check REPO --format json --jobs N` does, through the same function: load the embedded pack
/// and the evidence, validate the evidence against the dataset schemas, compile, evaluate, assess, write JSON.
fn pipeline(repo: &Path, jobs: usize) -> Result<(Assessment, Duration), String> {
    let start = Instant::now();
    let options = assure::assess::run::Options {
        jobs,
        ..assure::assess::run::Options::new(repo.to_path_buf())
    };
    // Serialised as `assure check --format json` writes it: piece by piece, while the evidence is freed.
    let write = |a: &Assessment| assure::render::json::write(a, &mut std::io::sink());
    let (assessed, written) = assure::assess::run::assess_then(assure::pack::embedded_files(), &options, None, write)
        .map_err(|s| format!("stopped: {:?}", s.message))?;
    let assessment = assessed.assessment;
    written.map_err(|e| e.to_string())?;
    Ok((assessment, start.elapsed()))
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The least any tool must do: read each file and parse it into generic values; with `hash`, also take the
/// SHA-256 of its bytes, as an evidence trail needs.
fn bare_parse(repo: &Path, files: &[assure::evidence::EvidenceFile], hash: bool) -> Duration {
    use sha2::Digest;
    let start = Instant::now();
    let mut items = 0usize;
    for f in files {
        let Ok(bytes) = std::fs::read(repo.join(&f.path)) else {
            continue;
        };
        if hash {
            items += usize::from(sha2::Sha256::digest(&bytes)[0]);
        }
        if f.path.ends_with(".csv") || f.path.ends_with(".tsv") {
            let delimiter = if f.path.ends_with(".tsv") { b'\t' } else { b',' };
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .from_reader(bytes.as_slice());
            let mut record = csv::ByteRecord::new();
            while reader.read_byte_record(&mut record).unwrap_or(false) {
                items += record.len();
            }
        } else if f.path.ends_with(".json") {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                items += v.as_array().map_or(1, Vec::len);
            }
        } else {
            items += bytes.iter().filter(|b| **b == b'\n').count();
        }
    }
    std::hint::black_box(items);
    start.elapsed()
}

/// Runs per timing; the median is reported, as the machine is shared and single runs vary.
const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn bench(repo: &Path) -> Result<String, String> {
    // Peak RSS is read after a first run as `assure check` runs by default (one thread per core, here 2).
    let (a, first) = pipeline(repo, 2)?;
    let rss = peak_rss_mb();
    // One thread and two interleaved, so a change in the shared machine's speed moves both alike. The bare
    // parses come after: run between them, they left the allocator in a state that slowed the next runs.
    let mut ones = Vec::new();
    let mut twos = vec![first];
    for _ in 0..RUNS {
        ones.push(pipeline(repo, 1)?.1);
        twos.push(pipeline(repo, 2)?.1);
    }
    let (one, two) = (median(ones), median(twos));
    // Interleaved, so a change in the machine's speed moves both floors alike.
    let (mut bares, mut hashed) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        bares.push(bare_parse(repo, &a.evidence, false));
        hashed.push(bare_parse(repo, &a.evidence, true));
    }
    let (bare, hashed) = (median(bares), median(hashed));
    let bytes: u64 = a.evidence.iter().map(|f| f.bytes).sum();
    let records: usize = a.evidence.iter().map(|f| f.records).sum();
    let mb = bytes as f64 / 1e6;
    let per_dataset: BTreeMap<&str, usize> = a.evidence.iter().fold(BTreeMap::new(), |mut m, f| {
        *m.entry(f.dataset.as_str()).or_default() += f.records;
        m
    });
    eprintln!("{}: {per_dataset:?}; {} findings", repo.display(), a.summary.findings);
    Ok(format!(
        "| {} | {mb:.1} | {records} | {:.2} | {:.2} | {:.2}x | {:.0} | {:.0} | {rss:.0} | {:.2} | {:.2}x | {:.2} | {:.2}x |",
        repo.display(),
        one.as_secs_f64(),
        two.as_secs_f64(),
        one.as_secs_f64() / two.as_secs_f64(),
        mb / two.as_secs_f64(),
        records as f64 / two.as_secs_f64(),
        bare.as_secs_f64(),
        two.as_secs_f64() / bare.as_secs_f64(),
        hashed.as_secs_f64(),
        two.as_secs_f64() / hashed.as_secs_f64(),
    ))
}
