//! `config show`: the merged config as TOML, every value annotated with where it came from.

use figment::value::Value;

use super::keys::{Field, Kind, ROOT};
use super::layers::{ConfigSource, Layered};
use super::validate::int_of;
use crate::paths::display_path;
use crate::source::KeyPath;

pub fn render_effective(layered: &Layered) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# effective configuration, profile \"{}\"\n",
        layered.profile
    ));
    match &layered.source {
        ConfigSource::File(p) => out.push_str(&format!("# config file: {}\n", display_path(p))),
        ConfigSource::Legacy(d) => out.push_str(&format!(
            "# no scanner.toml: using the legacy input files in {}\n",
            display_path(d)
        )),
        ConfigSource::Nothing(_) => {
            out.push_str("# no scanner.toml found: built-in defaults only\n")
        }
    }
    if !layered.available_profiles.is_empty() {
        out.push_str(&format!(
            "# profiles: {}\n",
            layered.available_profiles.join(", ")
        ));
    }
    // Under [default], so the output pasted into a scanner.toml means what it shows (a bare
    // [trivy] there would be a profile, which is refused).
    out.push_str("# pasted into a scanner.toml, this is the same configuration\n");
    let root = KeyPath::default();
    write_table(layered, &layered.merged, ROOT, &root, "[default]", &mut out);
    out
}

fn write_table(
    layered: &Layered,
    value: &Value,
    fields: &[Field],
    path: &KeyPath,
    header: &str,
    out: &mut String,
) {
    let Some(dict) = value.as_dict() else { return };
    if !header.is_empty() {
        out.push_str(&format!("\n{header}\n"));
    }
    let mut nested = Vec::new();
    for field in fields {
        let Some(child) = dict.get(field.name) else {
            continue;
        };
        let child_path = path.key(field.name);
        match field.kind {
            Kind::Table(_) | Kind::Tables(_) => nested.push((field, child, child_path)),
            _ => {
                let origin = layered.origin(&child_path);
                out.push_str(&format!(
                    "{} = {}  # {}\n",
                    field.name,
                    toml_text(child),
                    origin
                ));
            }
        }
    }
    for (field, child, child_path) in nested {
        match field.kind {
            Kind::Table(sub) => write_table(
                layered,
                child,
                sub,
                &child_path,
                &format!("[default.{child_path}]"),
                out,
            ),
            Kind::Tables(sub) => {
                if let Value::Array(_, items) = child {
                    for (i, item) in items.iter().enumerate() {
                        write_table(
                            layered,
                            item,
                            sub,
                            &child_path.index(i),
                            &format!("[[default.{child_path}]]"),
                            out,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn toml_text(value: &Value) -> String {
    toml_value(value).to_string().trim().to_string()
}

fn toml_value(value: &Value) -> toml_edit::Value {
    match value {
        Value::String(_, s) => s.as_str().into(),
        Value::Char(_, c) => c.to_string().into(),
        Value::Bool(_, b) => (*b).into(),
        Value::Num(_, n) => match int_of(*n) {
            Some(i) => (i as i64).into(),
            None => n.to_f64().unwrap_or_default().into(),
        },
        Value::Array(_, items) => toml_edit::Value::Array(items.iter().map(toml_value).collect()),
        Value::Dict(_, d) => {
            let mut t = toml_edit::InlineTable::new();
            for (k, v) in d {
                t.insert(k, toml_value(v));
            }
            toml_edit::Value::InlineTable(t)
        }
        Value::Empty(..) => "".into(),
    }
}
