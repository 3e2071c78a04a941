//! Fuzz smoke run on stable Rust: for each fuzz target, every seed in `fuzz/corpus/TARGET/`, then a fixed number
//! of inputs mutated from them by a seeded generator, through the same entry points as the cargo-fuzz targets
//! (`assure::fuzzing`). CI runs it (`.ci/run`); cargo-fuzz needs a nightly toolchain, which CI does not have.
//!
//! ```sh
//! cargo run --example fuzz_smoke -- --iterations 300            # what CI runs
//! cargo run --release --example fuzz_smoke -- --seconds 60 yaml # a longer run of one target
//! ```
//!
//! A panic, or an input that runs longer than `--timeout` seconds (a hang), fails the run: the input is saved as
//! `target/fuzz-smoke/TARGET-crash-N` (or `-hang-N`) and named with the seed that reproduces it. It prints, per
//! target, the inputs run, their rate and the time taken.
//!
//! Inputs are made as libFuzzer's mutator makes them, seeded so a run is reproducible: bit flips, byte
//! changes, insertions and deletions, copies of a run of the input, splices with another seed, truncation,
//! long runs of one byte (deep nesting, long lines) and tokens the formats give meaning to.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Options {
    iterations: u64,
    seconds: Option<u64>,
    seed: u64,
    timeout: u64,
    targets: Vec<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        iterations: 300,
        seconds: None,
        seed: 2026,
        timeout: 20,
        targets: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match a.as_str() {
            "--iterations" => o.iterations = number("--iterations")?,
            "--seconds" => o.seconds = Some(number("--seconds")?),
            "--seed" => o.seed = number("--seed")?,
            "--timeout" => o.timeout = number("--timeout")?,
            name if assure::fuzzing::TARGETS.iter().any(|(n, _)| *n == name) => o.targets.push(name.to_string()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(o)
}

/// The seeds of a target's corpus, in name order.
fn corpus(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
}

fn save(name: &str, kind: &str, n: u64, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-smoke");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}-{kind}-{n}"));
    let _ = std::fs::write(&path, input);
    path
}

fn main() {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "fuzz_smoke: {e}\nusage: fuzz_smoke [--iterations N | --seconds S] [--seed N] [--timeout S] [TARGET...]"
            );
            std::process::exit(2);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    // A panic is reported once, below, with the input that caused it.
    std::panic::set_hook(Box::new(|_| {}));
    let (mut failed, mut ran) = (0usize, 0usize);
    for (name, target) in assure::fuzzing::TARGETS {
        if !o.targets.is_empty() && !o.targets.iter().any(|t| t == name) {
            continue;
        }
        ran += 1;
        let seeds = corpus(&root.join(name));
        if seeds.is_empty() {
            eprintln!("{name}: no seed in fuzz/corpus/{name}");
            failed += 1;
            continue;
        }
        // A watchdog: the input being run and when it started; one that runs past the timeout is a hang.
        let current: Arc<std::sync::Mutex<(u64, Vec<u8>, Instant)>> =
            Arc::new(std::sync::Mutex::new((0, Vec::new(), Instant::now())));
        let done = Arc::new(AtomicU64::new(0));
        let (watched, finished, timeout) = (current.clone(), done.clone(), o.timeout);
        let watchdog = std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(200));
                if finished.load(Ordering::Relaxed) == 1 {
                    return;
                }
                if let Ok(c) = watched.lock()
                    && c.2.elapsed() > Duration::from_secs(timeout)
                {
                    let path = save(name, "hang", c.0, &c.1);
                    eprintln!(
                        "{name}: input {} ran for more than {timeout} s: saved as {}",
                        c.0,
                        path.display()
                    );
                    std::process::exit(1);
                }
            }
        });
        let mut rng = fastrand::Rng::with_seed(o.seed);
        let started = Instant::now();
        let mut previous: Vec<u8> = Vec::new();
        let mut n: u64 = 0;
        let mut crashes = 0;
        loop {
            let more = match o.seconds {
                Some(s) => started.elapsed() < Duration::from_secs(s),
                None => n < seeds.len() as u64 + o.iterations,
            };
            if !more {
                break;
            }
            // The seeds as they are first, then mutations of a seed or of the previous input.
            let input = match seeds.get(n as usize) {
                Some(seed) => seed.clone(),
                None => {
                    let base = if !previous.is_empty() && below(&mut rng, 4) == 0 {
                        previous.clone()
                    } else {
                        seeds[below(&mut rng, seeds.len())].clone()
                    };
                    let other = &seeds[below(&mut rng, seeds.len())];
                    mutate(&mut rng, &base, other)
                }
            };
            if let Ok(mut c) = current.lock() {
                *c = (n, input.clone(), Instant::now());
            }
            if std::panic::catch_unwind(|| target(&input)).is_err() {
                let path = save(name, "crash", n, &input);
                eprintln!(
                    "{name}: input {n} (seed {}) panicked: saved as {}",
                    o.seed,
                    path.display()
                );
                crashes += 1;
            }
            previous = input;
            n += 1;
        }
        done.store(1, Ordering::Relaxed);
        let _ = watchdog.join();
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{name}: {n} inputs ({} seeds, {} mutated, seed {}) in {secs:.1} s, {:.0}/s, {crashes} crashes",
            seeds.len(),
            n.saturating_sub(seeds.len() as u64),
            o.seed,
            n as f64 / secs.max(1e-9)
        );
        failed += usize::from(crashes > 0);
    }
    // The plain closing line a CI log reader counts.
    println!("fuzz_smoke: {} passed, {failed} failed", ran.saturating_sub(failed));
    if failed > 0 {
        std::process::exit(1);
    }
}

/// Fragments the input formats give meaning to: structure, templates, anchors and aliases, dates, globs,
/// sshd keywords, and sizes near limits.
const TOKENS: &[&[u8]] = &[
    b"{{",
    b"}}",
    b"{%",
    b"%}",
    b"{#",
    b": ",
    b"- ",
    b"\n",
    b"\r\n",
    b"\t",
    b"\"",
    b"'",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"&a ",
    b"*a",
    b"<<: *a",
    b"!!str ",
    b"---\n",
    b"...",
    b"#",
    b";",
    b"=",
    b"\\u0000",
    b"\\ud800",
    b"\xEF\xBB\xBF",
    b"\0",
    b"as_of - 365d",
    b"2026-11-01",
    b"4/1/2021 9:00:00 AM",
    b"/Date(1700000000000)/",
    b"value[*]",
    b"**/",
    b"../",
    b"Match User x\n",
    b"Include x\n",
    b"expr: ",
    b"dataset: ",
    b"field: ",
    b"quantifier: ",
    b"lookup: ",
    b"99999999999999999999",
    b"-0.0e-999",
    b"NaN",
    b"true",
    b"null",
];

/// One input derived from `base` (and, for splices, `other`): one to four mutations.
fn mutate(rng: &mut fastrand::Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = base.to_vec();
    for _ in 0..1 + below(rng, 4) {
        let len = out.len();
        match below(rng, 9) {
            0 if len > 0 => {
                let i = below(rng, len);
                // Mostly within ASCII: text targets stop at the first invalid UTF-8 byte.
                let bits = if below(rng, 8) == 0 { 8 } else { 7 };
                out[i] ^= 1 << below(rng, bits);
            }
            1 if len > 0 => {
                let i = below(rng, len);
                out[i] = byte(rng);
            }
            2 => {
                let i = below(rng, len + 1);
                out.insert(i, byte(rng));
            }
            3 if len > 0 => {
                let start = below(rng, len);
                let end = (start + 1 + below(rng, 16)).min(len);
                out.drain(start..end);
            }
            4 if len > 0 => {
                // A copy of a run of the input elsewhere in it (repetition, nesting).
                let start = below(rng, len);
                let end = (start + 1 + below(rng, 64)).min(len);
                let piece = out[start..end].to_vec();
                let at = below(rng, len + 1);
                out.splice(at..at, piece);
            }
            5 if !other.is_empty() => {
                let cut = below(rng, len + 1);
                let from = below(rng, other.len());
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            6 if len > 0 => out.truncate(below(rng, len)),
            7 => {
                // The same byte many times: deep nesting, long lines, wide rows.
                let byte = *TOKENS[below(rng, TOKENS.len())].first().unwrap_or(&b'[');
                let at = below(rng, len + 1);
                let run = vec![byte; 1 + below(rng, 2048)];
                out.splice(at..at, run);
            }
            _ => {
                let token = TOKENS[below(rng, TOKENS.len())];
                let at = below(rng, len + 1);
                out.splice(at..at, token.iter().copied());
            }
        }
    }
    out
}

/// A number below `n` (0 when `n` is 0).
fn below(rng: &mut fastrand::Rng, n: usize) -> usize {
    if n == 0 { 0 } else { rng.usize(..n) }
}

/// A random byte, ASCII seven times in eight (text targets stop at the first invalid UTF-8 byte).
fn byte(rng: &mut fastrand::Rng) -> u8 {
    if below(rng, 8) == 0 { rng.u8(..) } else { rng.u8(..0x80) }
}
