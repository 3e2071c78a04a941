//! Micro-benchmarks of the hot paths: loading each format, evaluating conditions, joins and aggregates.
//!
//! `cargo bench --bench hot_paths`. End-to-end figures come from `examples/bench_trust.rs`; see
//! docs/performance.md.

use assure::core::source::SourceFile;
use assure::core::vocab::Format;
use assure::engine::run_check;
use assure::evidence::formats::{ReadOptions, parse};
use assure::evidence::{Dataset, Evidence, Record};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::hint::black_box;

// The allocator `assure` itself runs with (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROWS: usize = 20_000;

fn csv_text() -> String {
    let mut s = String::from("DeviceName,CveId,VulnerabilitySeverityLevel,CvssScore,SecurityUpdateReleaseDate\n");
    for i in 0..ROWS {
        s.push_str(&format!(
            "NSH-LT-{:06},CVE-2026-{:05},{},{}.5,2026-10-{:02}\n",
            i % 4000,
            i,
            ["Critical", "High", "Low"][i % 3],
            5 + i % 5,
            1 + i % 28
        ));
    }
    s
}

fn json_text() -> String {
    let items: Vec<String> = (0..ROWS)
        .map(|i| format!("{{\"deviceName\": \"NSH-LT-{i:06}\", \"operatingSystem\": \"Windows\", \"osVersion\": \"10.0.{}.1\", \"isEncrypted\": {}}}", if i % 10 == 0 { 19045 } else { 26100 }, i % 20 != 0))
        .collect();
    format!("{{\"value\": [\n{}\n]}}", items.join(",\n"))
}

/// A register of incidents, as trusts keep them in YAML.
fn yaml_text() -> String {
    (0..ROWS)
        .map(|i| {
            format!(
                "- id: INC-{i:05}\n  type: breach\n  severity: {}\n  status: closed\n  detected_at: 2026-05-12T08:00:00Z\n  reported_at: 2026-05-13T09:30:00Z\n",
                ["low", "medium", "high"][i % 3]
            )
        })
        .collect()
}

/// A log read line by line with a pattern's named groups.
fn log_text() -> String {
    (0..ROWS)
        .map(|i| {
            format!(
                "CC-{i:05} HIGH issued=2026-10-01T08:00:00Z acknowledged=2026-10-02T{:02}:00:00Z\n",
                i % 24
            )
        })
        .collect()
}

/// One sshd_config (a keyvalue file is one record): about a hundred lines.
fn keyvalue_text() -> String {
    (0..100)
        .map(|i| format!("# option {i}\nOption{i} value-{i}\n"))
        .collect::<String>()
        + "PermitRootLogin no\nPasswordAuthentication no\n"
}

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    let pattern = regex::Regex::new(
        r"^(?P<alert>CC-\d+) (?P<severity>\w+) issued=(?P<issued>\S+) acknowledged=(?P<acknowledged>\S+)",
    )
    .ok();
    for (name, text, format) in [
        ("csv", csv_text(), Format::Csv),
        ("json", json_text(), Format::Json),
        ("yaml", yaml_text(), Format::Yaml),
        ("lines", log_text(), Format::Lines),
        ("keyvalue", keyvalue_text(), Format::Keyvalue),
    ] {
        let file = SourceFile::new(format!("x.{name}"), text);
        g.throughput(Throughput::Bytes(file.text.len() as u64));
        let opts = ReadOptions {
            format,
            records: None,
            pattern: pattern.as_ref().filter(|_| format == Format::Lines),
            delimiter: b',',
            renames: &Default::default(),
        };
        g.bench_function(name, |b| b.iter(|| black_box(parse(&file, &opts).map(|r| r.len()))));
    }
    g.finish();
}

fn records(file: &str, format: Format, text: String) -> Vec<Record> {
    let file = SourceFile::new(file, text);
    let opts = ReadOptions {
        format,
        records: None,
        pattern: None,
        delimiter: b',',
        renames: &Default::default(),
    };
    parse(&file, &opts).unwrap_or_default()
}

fn check(yaml: &str) -> assure::engine::Check {
    let mut files = assure::pack::embedded_files();
    files.retain(|(n, _)| !n.starts_with("ndg-"));
    files.push((
        "bench.yaml".into(),
        format!("standard: {{ id: B, title: Bench, statement: s }}\nchecks:\n  - id: B-1\n    title: bench\n    severity: low\n{yaml}").into_bytes(),
    ));
    let (pack, diags) = assure::pack::load_files(files);
    // One check maps no framework entry and the pack's own checks are left out, so the coverage warnings and
    // those naming the pack's checks (an exception register's) are expected; anything else is a bug here.
    let diags: Vec<_> = diags
        .into_iter()
        .filter(|d| d.code != "assure::uncovered-requirement" && d.code != "assure::unknown-check")
        .collect();
    assert!(
        diags.is_empty(),
        "{:?}",
        diags.iter().map(|d| d.one_line()).collect::<Vec<_>>()
    );
    let as_of = "2026-11-01T00:00:00Z".parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let (mut checks, _) = pack.compile_all(&BTreeMap::new(), &BTreeMap::new(), None, as_of);
    checks.remove(0)
}

fn evaluate(c: &mut Criterion) {
    let mut evidence = Evidence::default();
    evidence.datasets.insert(
        "vulnerabilities".into(),
        Dataset {
            records: records("v.csv", Format::Csv, csv_text()),
            error: None,
        },
    );
    evidence.datasets.insert(
        "devices".into(),
        Dataset {
            records: records("d.json", Format::Json, json_text()),
            error: None,
        },
    );
    evidence.datasets.insert(
        "os_lifecycle".into(),
        Dataset {
            records: records(
                "l.csv",
                Format::Csv,
                "product,build,end_of_support\nWindows,10.0.19045,2025-10-14\nWindows,10.0.26100,2027-10-12\n".into(),
            ),
            error: None,
        },
    );
    // Staff and their training completions, six a person: "trained in the last year" written both ways.
    let staff = ROWS / 6;
    let mut staff_csv = String::from("staff_id,status\n");
    let mut training_csv = String::from("staff_id,course,completed_on\n");
    for i in 0..staff {
        staff_csv.push_str(&format!("E{i:06},active\n"));
    }
    for i in 0..ROWS {
        let course = ["Data Security Awareness", "Fire safety"][i % 2];
        training_csv.push_str(&format!(
            "E{:06},{course},2026-{:02}-{:02}\n",
            (i / 6) % staff,
            1 + i % 12,
            1 + i % 28
        ));
    }
    for (name, file, text) in [("staff", "s.csv", staff_csv), ("training", "t.csv", training_csv)] {
        evidence.datasets.insert(
            name.into(),
            Dataset {
                records: records(file, Format::Csv, text),
                error: None,
            },
        );
    }
    let cases = [
        (
            "lookup latest",
            "    dataset: staff\n    lookup: [{ as: t, dataset: training, on: { staff_id: staff_id }, latest: completed_on, where: { field: course, matches: \"^Data Security\" } }]\n    assert: { field: t.completed_on, as: date, ge: \"as_of - 365d\" }\n",
        ),
        (
            "exists_in where",
            "    dataset: staff\n    assert: { field: staff_id, exists_in: { dataset: training, field: staff_id, where: { all: [{ field: course, matches: \"^Data Security\" }, { field: completed_on, as: date, ge: \"as_of - 365d\" }] } } }\n",
        ),
        (
            "condition",
            "    dataset: vulnerabilities\n    where: { field: VulnerabilitySeverityLevel, in: [Critical, High] }\n    assert: { field: SecurityUpdateReleaseDate, gt: \"as_of - 14d\" }\n",
        ),
        (
            "join",
            "    dataset: devices\n    lookup: [{ as: l, dataset: os_lifecycle, on: { operatingSystem: product }, version_prefix: { field: osVersion, other: build } }]\n    assert: { field: l.end_of_support, as: date, gt: as_of }\n",
        ),
        (
            "exists_in",
            "    dataset: vulnerabilities\n    assert: { field: DeviceName, exists_in: { dataset: devices, field: deviceName } }\n",
        ),
        (
            "aggregate",
            "    dataset: vulnerabilities\n    assert: { field: CvssScore, as: number, lt: 9 }\n    expect: { ratio: { ge: 0.5 }, max: { field: CvssScore, as: number, le: 10 } }\n",
        ),
    ];
    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(ROWS as u64));
    for (name, yaml) in cases {
        let check = check(yaml);
        g.bench_function(name, |b| b.iter(|| black_box(run_check(&check, &evidence).failing)));
    }
    g.finish();
}

criterion_group!(benches, load, evaluate);
criterion_main!(benches);
