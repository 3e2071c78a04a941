//! Message, summary and remediation templates: size-limited, fuel-limited, compiled once per check.

use super::*;
use std::sync::LazyLock;

// A constant pattern, covered by tests: it cannot fail on any input.
#[allow(clippy::expect_used)]
static TEMPLATE_CODE: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("static regex"));

impl Compiler<'_> {
    pub(super) fn templates(&mut self, base: &str) -> minijinja::Environment<'static> {
        let mut env = minijinja::Environment::new();
        env.set_fuel(Some(FUEL));
        // A missing field or lookup renders empty (`lookup.field` included) rather than failing the message.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        let spec = self.input.spec;
        for (name, src) in [
            (MESSAGE, &spec.message),
            (SUMMARY, &spec.summary),
            (REMEDIATION, &spec.remediation),
        ] {
            let Some(src) = src else { continue };
            let code: usize = TEMPLATE_CODE.find_iter(src).map(|m| m.as_str().chars().count()).sum();
            if src.chars().count() > MAX_TEMPLATE_CHARS || code > MAX_CODE_CHARS {
                self.problem(
                    Code::Template,
                    format!("{base}/{name}"),
                    format!("{name} template is too long (at most {MAX_TEMPLATE_CHARS} characters, {MAX_CODE_CHARS} of them inside {{{{ }}}} and {{% %}})"),
                    None,
                );
                continue;
            }
            if let Err(e) = env.add_template_owned(name, src.clone()) {
                self.problem(
                    Code::Template,
                    format!("{base}/{name}"),
                    format!("{name} template does not compile: {e}"),
                    None,
                );
            }
        }
        env
    }
}
