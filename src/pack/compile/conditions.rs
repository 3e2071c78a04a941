//! Conditions: `all`/`any`/`not`/`expr` trees and leaves, each leaf's op read from the op table
//! ([`crate::spec::ops`]) with its operand typed; and per-record deadlines.

use super::*;

impl Compiler<'_> {
    pub(super) fn deadline(&mut self, spec: &DeadlineSpec, ptr: &str) -> Option<Deadline> {
        let from = self.path(&spec.from, &format!("{ptr}/from"));
        let done = match &spec.done {
            Some(d) => Some(self.path(d, &format!("{ptr}/done"))?),
            None => None,
        };
        let dates = match spec.as_type {
            None | Some(ValueType::Datetime) => false,
            Some(ValueType::Date) => true,
            Some(_) => {
                self.problem(
                    Code::Deadline,
                    format!("{ptr}/as"),
                    "a deadline counts in `date` or `datetime`".into(),
                    None,
                );
                return None;
            }
        };
        let within_ptr = format!("{ptr}/within");
        let within_value = self.subst(&Value::String(spec.within.clone()), &within_ptr)?;
        let within = match parse_literal(&within_value, ValueType::Duration, false, self.input.as_of) {
            Ok(crate::engine::types::Typed::Duration(d)) if d.is_positive() => d,
            Ok(_) => {
                self.problem(
                    Code::Deadline,
                    within_ptr,
                    "`within` must be a positive duration".into(),
                    Some("e.g. `72h` or `14d`".into()),
                );
                return None;
            }
            Err(e) => {
                self.problem(Code::Value, within_ptr, e, Some("e.g. `72h` or `14d`".into()));
                return None;
            }
        };
        let within_text = match &within_value {
            Value::String(s) => s.trim().to_string(),
            other => other.to_string(),
        };
        Some(Deadline {
            from: from?,
            within,
            done,
            dates,
            within_text,
        })
    }

    pub(super) fn condition(&mut self, spec: &ConditionSpec, ptr: &str) -> Option<Condition> {
        let forms: Vec<&str> = [
            ("all", spec.all.is_some()),
            ("any", spec.any.is_some()),
            ("not", spec.not.is_some()),
            ("expr", spec.expr.is_some()),
            ("field", spec.field.is_some()),
        ]
        .into_iter()
        .filter_map(|(n, on)| on.then_some(n))
        .collect();
        let ops: Vec<&str> = spec.ops.present().map(|o| o.name).collect();
        if forms.len() != 1 {
            let message = if forms.is_empty() && !ops.is_empty() {
                format!("`{}` needs a `field` to test", ops[0])
            } else if forms.is_empty() {
                "empty condition".to_string()
            } else {
                format!(
                    "a condition is one of all / any / not / expr / a leaf, but this one has {}",
                    forms.join(" and ")
                )
            };
            self.problem(
                Code::Condition,
                ptr.to_string(),
                message,
                Some("write `{ field: NAME, OP: VALUE }`, or combine conditions with all / any / not".into()),
            );
            return None;
        }
        let list = |me: &mut Self, items: &Vec<ConditionSpec>, name: &str| -> Option<Vec<Condition>> {
            if items.is_empty() {
                me.problem(
                    Code::Condition,
                    format!("{ptr}/{name}"),
                    format!("`{name}` needs at least one condition"),
                    None,
                );
                return None;
            }
            let compiled: Vec<Option<Condition>> = items
                .iter()
                .enumerate()
                .map(|(i, c)| me.condition(c, &format!("{ptr}/{name}/{i}")))
                .collect();
            compiled.into_iter().collect()
        };
        if forms[0] != "field"
            && (!ops.is_empty() || spec.quantifier.is_some() || spec.as_type.is_some() || spec.minus.is_some())
        {
            self.problem(
                Code::Condition,
                ptr.to_string(),
                format!(
                    "`{}` cannot be combined with leaf keys such as `{}`",
                    forms[0],
                    ops.first().copied().unwrap_or("as")
                ),
                Some("put the leaf inside the list, e.g. `all: [{ field: x, eq: 1 }]`".into()),
            );
            return None;
        }
        match forms[0] {
            "all" => list(self, spec.all.as_ref()?, "all").map(Condition::All),
            "any" => list(self, spec.any.as_ref()?, "any").map(Condition::Any),
            "not" => self
                .condition(spec.not.as_ref()?, &format!("{ptr}/not"))
                .map(|c| Condition::Not(Box::new(c))),
            "expr" => {
                let src = spec.expr.clone()?;
                if src.chars().count() > MAX_CODE_CHARS {
                    self.problem(
                        Code::Expr,
                        format!("{ptr}/expr"),
                        format!("expression is longer than {MAX_CODE_CHARS} characters"),
                        Some("split it into declarative conditions under `all:`".into()),
                    );
                    return None;
                }
                let env = expression_env();
                if let Err(e) = env.compile_expression(&src) {
                    self.problem(
                        Code::Expr,
                        format!("{ptr}/expr"),
                        format!("expression does not compile: {e}"),
                        None,
                    );
                    return None;
                }
                self.exprs.push(src);
                Some(Condition::Expr(self.exprs.len() - 1))
            }
            _ => self.leaf(spec, ptr).map(|l| Condition::Leaf(Box::new(l))),
        }
    }

    pub(super) fn leaf(&mut self, spec: &ConditionSpec, ptr: &str) -> Option<Leaf> {
        let field = self.path(spec.field.as_deref()?, &format!("{ptr}/field"))?;
        let minus = match &spec.minus {
            Some(m) => Some(self.path(m, &format!("{ptr}/minus"))?),
            None => None,
        };
        let ops: Vec<&'static OpDef> = spec.ops.present().collect();
        let quantifier = spec.quantifier;
        if ops.len() > 1 {
            for extra in &ops[1..] {
                self.key_problem(
                    Code::Condition,
                    format!("{ptr}/{}", extra.name),
                    format!("a leaf takes exactly one op, but this one also has `{}`", ops[0].name),
                    Some("combine several tests with `all: [...]`".into()),
                );
            }
            return None;
        }
        if ops.is_empty() && quantifier != Some(Quantifier::Count) {
            self.problem(
                Code::Condition,
                ptr.to_string(),
                format!("the leaf on `{field}` has no op"),
                Some(format!("add one of {}", crate::spec::ops::names())),
            );
            return None;
        }
        match (quantifier, &spec.count) {
            (Some(Quantifier::Count), None) => {
                self.problem(
                    Code::Quantifier,
                    format!("{ptr}/quantifier"),
                    "`quantifier: count` needs `count:`, e.g. `count: { ge: 2 }`".into(),
                    None,
                );
                return None;
            }
            (q, Some(_)) if q != Some(Quantifier::Count) => {
                self.key_problem(
                    Code::Quantifier,
                    format!("{ptr}/count"),
                    "`count:` goes with `quantifier: count`".into(),
                    None,
                );
                return None;
            }
            _ => {}
        }
        if field.has_wildcard() && quantifier.is_none() {
            self.problem(
                Code::Quantifier,
                format!("{ptr}/field"),
                format!("`{field}` can yield several values, so the leaf must say `quantifier: any|all|none|count`"),
                None,
            );
            return None;
        }
        if minus.is_some() && (quantifier.is_some() || !ops.first().is_some_and(|d| d.test.compares())) {
            self.problem(
                Code::Minus,
                format!("{ptr}/minus"),
                format!(
                    "`minus` gives a duration: compare it with {}, without a quantifier",
                    crate::spec::ops::comparing_names()
                ),
                None,
            );
            return None;
        }
        let count = match &spec.count {
            Some(cmp) => Some(self.comparison(cmp, &format!("{ptr}/count"), false)?),
            None => None,
        };
        let ic = spec.ignore_case.unwrap_or(false);
        // A leaf has no op only with `quantifier: count`; problems then point at its `count`.
        let def = ops.first().copied();
        let op_name = def.map_or("count", |d| d.name);
        let op_ptr = format!("{ptr}/{op_name}");

        // Substitute params in the op's value(s) before inferring the type.
        let operand = def.map(OpDef::operand);
        let written = def.and_then(|d| spec.ops.get(d.name));
        let raw: Vec<Value> = match (written.cloned(), operand) {
            (_, None | Some(Operand::Flag | Operand::Dataset)) => Vec::new(),
            (Some(Value::Array(items)), Some(Operand::List)) => items,
            (Some(v), _) => vec![v],
            (None, _) => return None,
        };
        let is_list = operand == Some(Operand::List);
        let mut values = Vec::new();
        for (i, v) in raw.iter().enumerate() {
            let p = if is_list {
                format!("{op_ptr}/{i}")
            } else {
                op_ptr.clone()
            };
            match self.subst(v, &p)? {
                // A list parameter inside `in: [...]` stands for its items.
                Value::Array(items) if is_list => values.extend(items.into_iter().map(|item| (item, p.clone()))),
                other => values.push((other, p)),
            }
        }
        let ty = spec.as_type.unwrap_or_else(|| {
            if minus.is_some() {
                ValueType::Duration
            } else if operand == Some(Operand::Network) {
                ValueType::Cidr
            } else {
                values.first().map_or(ValueType::String, |(v, _)| infer(v))
            }
        });
        if minus.is_some() && ty != ValueType::Duration {
            self.problem(
                Code::Minus,
                format!("{ptr}/as"),
                "`minus` gives a duration: remove `as` or write `as: duration`".into(),
                None,
            );
            return None;
        }
        if is_list && raw.is_empty() {
            self.problem(
                Code::Condition,
                op_ptr,
                format!("`{op_name}` needs a non-empty list"),
                None,
            );
            return None;
        }
        let as_of = self.input.as_of;
        let literal = |me: &mut Self, (v, p): &(Value, String), ty: ValueType| -> Option<crate::engine::types::Typed> {
            parse_literal(v, ty, ic, as_of)
                .map_err(|e| me.problem(Code::Value, p.clone(), e, None))
                .ok()
        };
        let text = |me: &mut Self| -> Option<String> {
            let (v, _) = values.first()?;
            let s = v.as_str().map(str::to_string);
            if s.is_none() {
                me.problem(Code::Value, op_ptr.clone(), format!("`{op_name}` takes a string"), None);
            }
            s
        };
        let regex = |me: &mut Self, pattern: String| {
            regex::RegexBuilder::new(&pattern)
                .case_insensitive(ic)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| {
                    me.problem(
                        Code::Regex,
                        op_ptr.clone(),
                        format!("regex does not compile: {}", first_line(&e.to_string())),
                        Some(format!(
                            "Rust `regex` syntax, at most {} KiB compiled; no look-around or backreferences",
                            REGEX_SIZE_LIMIT / 1024
                        )),
                    )
                })
                .ok()
        };
        let lower = |s: String| if ic { s.to_lowercase() } else { s };
        let arg = match operand {
            None => None,
            Some(Operand::Scalar) => {
                if let Some(Test::Compare(cmp)) = def.map(|d| d.test)
                    && ty == ValueType::Cidr
                    && cmp.orders()
                {
                    self.problem(
                        Code::Value,
                        op_ptr.clone(),
                        "networks are not ordered: use eq, ne, subnet_of or contains".into(),
                        None,
                    );
                    return None;
                }
                Some(Arg::Value(literal(self, &values[0], ty)?))
            }
            Some(Operand::List) => {
                let list: Option<Vec<_>> = values
                    .iter()
                    .map(|v| literal(self, v, ty))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .collect();
                Some(Arg::List(list?))
            }
            Some(Operand::Text) => Some(Arg::Text(lower(text(self)?))),
            Some(Operand::Regex) => {
                let t = text(self)?;
                Some(Arg::Regex(regex(self, t)?))
            }
            // One network, or a list (`"{{ lists.internal_networks }}"`): the value is within any of them.
            Some(Operand::Network) => {
                let items: Vec<(Value, String)> = match &values[0] {
                    (Value::Array(items), p) => items.iter().map(|i| (i.clone(), p.clone())).collect(),
                    one => vec![one.clone()],
                };
                let mut nets = Vec::new();
                for item in &items {
                    match literal(self, item, ValueType::Cidr)? {
                        crate::engine::types::Typed::Cidr(n) => nets.push(n),
                        _ => return None,
                    }
                }
                Some(Arg::Networks(nets))
            }
            Some(Operand::Flag) => {
                let def = def?;
                let flag = written.and_then(Value::as_bool).unwrap_or(true);
                // `exists: false` is `absent: true`: one way to write each test.
                if def.test == Test::Exists && !flag {
                    let other = crate::spec::ops::opposite(def).map_or("", |o| o.name);
                    self.problem(
                        Code::Condition,
                        op_ptr,
                        format!("write `{other}: true` rather than `{}: false`", def.name),
                        None,
                    );
                    return None;
                }
                Some(Arg::Flag(flag))
            }
            Some(Operand::Dataset) => {
                // Its shape was checked when the leaf was read; a failure here is said, not dropped.
                let e: ExistsInSpec = match serde_json::from_value(written?.clone()) {
                    Ok(e) => e,
                    Err(e) => {
                        self.problem(Code::Value, op_ptr, e.to_string(), None);
                        return None;
                    }
                };
                self.dataset(&e.dataset, &format!("{op_ptr}/dataset"));
                let field = self.path(&e.field, &format!("{op_ptr}/field"))?;
                let where_ = match &e.where_ {
                    Some(w) => Some(self.condition(w, &format!("{op_ptr}/where"))?),
                    None => None,
                };
                self.sets.push(SetRef {
                    dataset: e.dataset.clone(),
                    field,
                    ignore_case: e.ignore_case || ic,
                    host_names: e.host_names,
                    where_,
                });
                Some(Arg::Set(self.sets.len() - 1))
            }
        };
        let op = def.zip(arg).map(|(def, arg)| Op { def, arg });
        let plus = match &spec.plus {
            None => None,
            Some(text) => {
                let p = format!("{ptr}/plus");
                let value = self.subst(&Value::String(text.clone()), &p)?;
                let duration = value.as_str().and_then(crate::engine::types::parse_duration);
                let dated = matches!(ty, ValueType::Date | ValueType::Datetime);
                match duration {
                    Some(d) if dated && minus.is_none() && quantifier.is_none() => Some(d),
                    _ => {
                        self.problem(
                            Code::Plus,
                            p,
                            "`plus` adds a duration (e.g. `1d`, `-12h`) to a date field: it needs `as: date` or `as: datetime`, without `minus` or a quantifier".into(),
                            None,
                        );
                        return None;
                    }
                }
            }
        };
        let mut expected = describe_expected(&values, op.as_ref(), &count);
        if let Some(text) = &spec.plus {
            expected = format!("{expected} (after adding {} to it)", text.trim());
        }
        Some(Leaf {
            field,
            minus,
            plus,
            ty,
            ignore_case: ic,
            quantifier,
            count,
            op,
            expected,
        })
    }
}

pub(super) fn infer(v: &Value) -> ValueType {
    match v {
        Value::Number(_) => ValueType::Number,
        Value::Bool(_) => ValueType::Bool,
        Value::String(s) if s.trim_start().starts_with("as_of") => ValueType::Datetime,
        _ => ValueType::String,
    }
}

/// How the leaf's expectation reads in findings, as its op's row says.
fn describe_expected(values: &[(Value, String)], op: Option<&Op>, count: &Option<Comparison>) -> String {
    let shown = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let base = match op {
        None => String::new(),
        Some(op) => match (op.def.reads, &op.arg, values.first()) {
            (Reads::Words(words), _, _) => words.to_string(),
            (Reads::Flag(yes, no), Arg::Flag(flag), _) => (if *flag { yes } else { no }).to_string(),
            (_, Arg::List(_), _) => format!(
                "{} [{}]",
                op.def.name,
                values.iter().map(|(v, _)| shown(v)).collect::<Vec<_>>().join(", ")
            ),
            // An operand counted from `as_of` also shows the date it stands for.
            (Reads::Resolved, Arg::Value(t), Some((v, _))) if shown(v).trim_start().starts_with("as_of") => {
                format!("{} {} ({t})", op.def.name, shown(v))
            }
            (_, _, Some((v, _))) => format!("{} {}", op.def.name, shown(v)),
            (_, _, None) => op.def.name.to_string(),
        },
    };
    match count {
        Some(c) => format!("{base} with count {} {}", c.op.name(), c.value)
            .trim()
            .to_string(),
        None => base,
    }
}
