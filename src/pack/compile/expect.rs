//! Set-level expectations (`count`, `passing`, `failing`, `ratio`, `min`, `max`, `distinct`) and the
//! comparisons they hold.

use super::conditions::infer;
use super::*;

impl Compiler<'_> {
    /// A numeric comparison; with `ratio`, values may be fractions or percentage strings.
    pub(super) fn comparison(&mut self, spec: &ComparisonSpec, ptr: &str, ratio: bool) -> Option<Comparison> {
        let (op, value, p) = self.single_op(spec, ptr)?;
        let number = match &value {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if ratio => s
                .trim()
                .strip_suffix('%')
                .and_then(|n| n.trim().parse::<f64>().ok())
                .map(|n| n / 100.0),
            _ => None,
        };
        let name = op.name();
        let Some(mut n) = number else {
            let want = if ratio {
                "a fraction (0.95) or a percentage (\"95%\")"
            } else {
                "a number"
            };
            self.problem(Code::Comparison, p, format!("`{name}` needs {want}"), None);
            return None;
        };
        if ratio && value.is_number() && n > 1.0 {
            self.problem(
                Code::Comparison,
                p,
                format!("a ratio of {n} is more than 1"),
                Some(format!("write \"{n}%\" for a percentage")),
            );
            return None;
        }
        if ratio {
            n = n.clamp(0.0, 1.0);
        }
        Some(Comparison { op, value: n })
    }

    pub(super) fn expect(&mut self, e: &ExpectSpec, ptr: &str) -> Expect {
        let cmp = |me: &mut Self, c: &Option<ComparisonSpec>, name: &str, ratio: bool| {
            c.as_ref()
                .and_then(|c| me.comparison(c, &format!("{ptr}/{name}"), ratio))
        };
        let count = cmp(self, &e.count, "count", false);
        let passing = cmp(self, &e.passing, "passing", false);
        let failing = cmp(self, &e.failing, "failing", false);
        let ratio = cmp(self, &e.ratio, "ratio", true);
        if e.count.is_none()
            && e.passing.is_none()
            && e.failing.is_none()
            && e.ratio.is_none()
            && e.min.is_none()
            && e.max.is_none()
        {
            self.problem(
                Code::Expect,
                ptr.to_string(),
                "`expect` is empty".into(),
                Some("add count, passing, failing, ratio, min or max".into()),
            );
        }
        if (e.passing.is_some() || e.failing.is_some() || e.ratio.is_some())
            && self.input.spec.assert.is_none()
            && self.input.spec.deadline.is_none()
        {
            self.problem(
                Code::Expect,
                ptr.to_string(),
                "`passing`, `failing` and `ratio` count records against `assert` (or `deadline`), which this check lacks"
                    .into(),
                None,
            );
        }
        let distinct = e
            .distinct
            .as_ref()
            .and_then(|f| self.path(f, &format!("{ptr}/distinct")));
        let min = e.min.as_ref().and_then(|a| self.aggregate(a, &format!("{ptr}/min")));
        let max = e.max.as_ref().and_then(|a| self.aggregate(a, &format!("{ptr}/max")));
        Expect {
            count,
            passing,
            failing,
            ratio,
            min,
            max,
            distinct,
        }
    }

    /// The one comparison written (exactly one of eq ne lt le gt ge), its value with params substituted, and
    /// the value's pointer.
    pub(super) fn single_op(&mut self, spec: &ComparisonSpec, ptr: &str) -> Option<(CmpOp, Value, String)> {
        let all = [
            (CmpOp::Eq, &spec.eq),
            (CmpOp::Ne, &spec.ne),
            (CmpOp::Lt, &spec.lt),
            (CmpOp::Le, &spec.le),
            (CmpOp::Gt, &spec.gt),
            (CmpOp::Ge, &spec.ge),
        ];
        let present: Vec<_> = all.iter().filter_map(|(op, v)| v.as_ref().map(|v| (*op, v))).collect();
        if present.len() != 1 {
            self.problem(
                Code::Comparison,
                ptr.to_string(),
                "write exactly one of eq ne lt le gt ge, e.g. `{ ge: 1 }`".into(),
                None,
            );
            return None;
        }
        let (op, value) = present[0];
        let p = format!("{ptr}/{}", op.name());
        let value = self.subst(value, &p)?;
        Some((op, value, p))
    }

    pub(super) fn aggregate(&mut self, a: &AggregateSpec, ptr: &str) -> Option<Aggregate> {
        let field = self.path(&a.field, &format!("{ptr}/field"))?;
        let (op, value, p) = self.single_op(&a.comparison(), ptr)?;
        let ty = a.as_type.unwrap_or_else(|| infer(&value));
        let value = parse_literal(&value, ty, false, self.input.as_of)
            .map_err(|e| self.problem(Code::Value, p, e, None))
            .ok()?;
        Some(Aggregate { field, ty, op, value })
    }
}
