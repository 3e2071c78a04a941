//! Every output format from one shared fixture assessment: a few of the northshire example's checks (passing,
//! failing, waived and pending records among them), rendered through the one [`Render`] signature and kept as
//! insta snapshots, so any change to any output is seen in review.

use assure::assess::run::{Options, assess_then};
use assure::assess::select::Selector;
use assure::render::html::Templates;
use assure::render::{Output, Render};

fn fixture() -> assure::assess::Assessment {
    let options = Options {
        select: Selector {
            checks: ["NDG6-12H", "NDG4-LEAVERS", "NDG4-PRIVACY-ALERTS", "NDG8-OS", "NDG1-*"]
                .map(String::from)
                .to_vec(),
            ..Selector::default()
        },
        jobs: 1,
        ..Options::new("examples/northshire".into())
    };
    let (assessed, ()) = assess_then(assure::pack::embedded_files(), &options, None, |_| ())
        .unwrap_or_else(|s| panic!("the fixture does not assess: {:?}", s.message));
    assessed.assessment
}

#[test]
fn every_renderer_from_one_fixture() {
    let a = fixture();
    assert!(a.results.iter().any(|r| r.state == assure::assess::State::Fail));
    assert!(
        a.results.iter().any(|r| !r.pending.is_empty()),
        "the fixture should hold a pending record"
    );
    let templates = Templates { dir: None, repo: None };
    let outputs = [
        ("human", Output::Human { quiet: false }),
        ("human_quiet", Output::Human { quiet: true }),
        ("json", Output::Json),
        (
            "sarif",
            Output::Sarif {
                base: "examples/northshire",
            },
        ),
        ("junit", Output::Junit),
        (
            "github",
            Output::Github {
                base: "examples/northshire",
            },
        ),
        ("csv", Output::CsvPlan),
        ("oscal", Output::Oscal),
        ("markdown", Output::Markdown),
        (
            "html",
            Output::Html {
                templates: &templates,
                findings_limit: 25,
            },
        ),
    ];
    for (name, output) in outputs {
        let text = output.to_text(&a).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!text.is_empty(), "{name} is empty");
        insta::assert_snapshot!(format!("render_{name}"), text);
    }
}
