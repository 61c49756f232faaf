//! First validation phase: the shape of the merged config against the schema table. Every
//! unknown key and wrong type is reported, not only the first.

use crate::diagnostic_code::Code;
use figment::value::Value;

use super::diagnostics::{Problem, suggest};
use super::keys::{Field, Kind, ROOT};
use super::layers::Layered;
use crate::source::{KeyPath, Seg};

/// The shape problems, and the merged value with the offending keys removed so the second
/// phase can still check everything else.
pub fn check_shape(layered: &Layered) -> (Vec<Problem>, Value) {
    let mut found = Vec::new();
    check_table(
        layered,
        &layered.merged,
        ROOT,
        &KeyPath::default(),
        &mut found,
    );
    let mut pruned = layered.merged.clone();
    for (path, _) in &found {
        remove(&mut pruned, &path.0);
    }
    (found.into_iter().map(|(_, p)| p).collect(), pruned)
}

fn remove(value: &mut Value, path: &[Seg]) {
    match (path, value) {
        ([Seg::Key(k)], Value::Dict(_, d)) => {
            d.remove(k);
        }
        ([Seg::Index(i)], Value::Array(_, a)) => {
            // Keep indices stable for the paths still to remove: blank the item instead.
            if let Some(item) = a.get_mut(*i) {
                *item = Value::from(figment::value::Dict::new());
            }
        }
        ([Seg::Key(k), rest @ ..], Value::Dict(_, d)) => {
            if let Some(child) = d.get_mut(k) {
                remove(child, rest);
            }
        }
        ([Seg::Index(i), rest @ ..], Value::Array(_, a)) => {
            if let Some(child) = a.get_mut(*i) {
                remove(child, rest);
            }
        }
        _ => {}
    }
}

fn check_table(
    layered: &Layered,
    value: &Value,
    fields: &[Field],
    path: &KeyPath,
    out: &mut Vec<(KeyPath, Problem)>,
) {
    let Some(dict) = value.as_dict() else { return };
    for (key, child) in dict {
        let child_path = path.key(key);
        match fields.iter().find(|f| f.name == key) {
            Some(field) => check_value(layered, child, field.kind, &child_path, out),
            None => {
                let known = fields.iter().map(|f| f.name);
                let help = match suggest(key, known.clone()) {
                    Some(s) => crate::msg!("suggest-one", s = s),
                    None => crate::msg!(
                        "config-unknown-key-known-help",
                        list = known.collect::<Vec<_>>().join(", ")
                    ),
                };
                let message = if path.0.is_empty() {
                    crate::msg!("config-unknown-key", key = key)
                } else {
                    crate::msg!(
                        "config-unknown-key-in",
                        key = key,
                        place = format!("`{path}`")
                    )
                };
                out.push((
                    child_path.clone(),
                    Problem::error(Code::ConfigUnknownKey, message)
                        .label(crate::msg!("config-unknown-key-label"))
                        .help(help)
                        .at(&layered.key_origin(&child_path)),
                ));
            }
        }
    }
}

fn check_value(
    layered: &Layered,
    value: &Value,
    kind: Kind,
    path: &KeyPath,
    out: &mut Vec<(KeyPath, Problem)>,
) {
    let ok = match (kind, value) {
        (Kind::String, Value::String(..)) => true,
        (Kind::Integer, Value::Num(_, n)) => int_of(*n).is_some(),
        (Kind::Boolean, Value::Bool(..)) => true,
        (Kind::Severity, Value::String(..)) => true,
        (Kind::Severity, Value::Num(_, n)) => int_of(*n).is_some(),
        (Kind::Probability, Value::String(..) | Value::Num(..)) => true,
        (Kind::NewFindings | Kind::KevGate, Value::String(..) | Value::Bool(..)) => true,
        (Kind::Strings, Value::Array(_, items)) => {
            for (i, item) in items.iter().enumerate() {
                check_value(layered, item, Kind::String, &path.index(i), out);
            }
            true
        }
        (Kind::StringMap, Value::Dict(_, entries)) => {
            for (key, item) in entries {
                check_value(layered, item, Kind::String, &path.key(key), out);
            }
            true
        }
        (Kind::Table(fields), Value::Dict(..)) => {
            check_table(layered, value, fields, path, out);
            true
        }
        (Kind::Tables(fields), Value::Array(_, items)) => {
            for (i, item) in items.iter().enumerate() {
                let item_path = path.index(i);
                if item.as_dict().is_some() {
                    check_table(layered, item, fields, &item_path, out);
                } else {
                    out.push((
                        item_path.clone(),
                        wrong_type(layered, item, crate::msg!("kind-table"), &item_path),
                    ));
                }
            }
            true
        }
        _ => false,
    };
    if !ok {
        out.push((
            path.clone(),
            wrong_type(layered, value, kind.describe(), path),
        ));
    }
}

fn wrong_type(
    layered: &Layered,
    value: &Value,
    expected: crate::i18n::Msg,
    path: &KeyPath,
) -> Problem {
    Problem::error(
        Code::ConfigWrongType,
        crate::msg!(
            "config-wrong-type",
            path = path,
            expected = expected,
            found = describe(value)
        ),
    )
    .label(crate::msg!("config-wrong-type-label", expected = expected))
    .at(&layered.origin(path))
}

pub fn describe(value: &Value) -> crate::i18n::Msg {
    match value {
        Value::String(_, s) => crate::msg!("value-string", value = format!("{s:?}")),
        Value::Char(_, c) => crate::msg!("value-char", value = format!("{c:?}")),
        Value::Bool(_, b) => crate::msg!("value-boolean", value = b),
        Value::Num(_, n) => match int_of(*n) {
            Some(i) => crate::msg!("value-integer", value = format!("{i}")),
            None => crate::msg!(
                "value-number",
                value = format!("{}", n.to_f64().unwrap_or_default())
            ),
        },
        Value::Dict(..) => crate::msg!("kind-table"),
        Value::Array(..) => crate::msg!("value-array"),
        Value::Empty(..) => crate::msg!("value-nothing"),
    }
}

/// A whole number of any width (figment reads `8` from an env var as unsigned).
pub fn int_of(n: figment::value::Num) -> Option<i128> {
    n.to_i128()
        .or_else(|| n.to_u128().and_then(|u| i128::try_from(u).ok()))
}
