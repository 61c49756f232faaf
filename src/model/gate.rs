//! Which new findings the fleet gate counts (`fail_on_new`), as the settings, the report and
//! `report merge` say it.

use serde::{Deserialize, Serialize};

/// `fail_on_new`: every finding (`Off`), only those new since the baseline (`Any`), or only
/// those new that the DB's learning alone does not explain (`Introduced`: a finding
/// `disclosed` on an unchanged image is let through, every other new one counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NewFindings {
    #[default]
    Off,
    Any,
    Introduced,
}

impl NewFindings {
    pub const NAMES: [&'static str; 2] = ["any", "introduced"];

    pub fn from_name(name: &str) -> Option<NewFindings> {
        match name {
            "any" => Some(NewFindings::Any),
            "introduced" => Some(NewFindings::Introduced),
            _ => None,
        }
    }

    /// The rule's name, as a JUnit failure says which rules caught a finding.
    pub fn rule(self) -> Option<&'static str> {
        match self {
            NewFindings::Off => None,
            NewFindings::Any => Some("new"),
            NewFindings::Introduced => Some("introduced"),
        }
    }

    /// Whether the gate counts new findings only.
    pub fn is_on(self) -> bool {
        self != NewFindings::Off
    }
}

impl std::fmt::Display for NewFindings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NewFindings::Off => "false",
            NewFindings::Any => "true",
            NewFindings::Introduced => "\"introduced\"",
        })
    }
}

/// In a report: `false`, `true` (any new one) or `"introduced"`, so reports of earlier
/// versions (a boolean) read the same.
impl Serialize for NewFindings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            NewFindings::Off => s.serialize_bool(false),
            NewFindings::Any => s.serialize_bool(true),
            NewFindings::Introduced => s.serialize_str("introduced"),
        }
    }
}

impl<'de> Deserialize<'de> for NewFindings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Flag(bool),
            Name(String),
        }
        match Wire::deserialize(d)? {
            Wire::Flag(false) => Ok(NewFindings::Off),
            Wire::Flag(true) => Ok(NewFindings::Any),
            Wire::Name(name) => NewFindings::from_name(&name).ok_or_else(|| {
                serde::de::Error::custom(format!("fail_on_new: {name:?} is not any or introduced"))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_it_writes_and_the_old_boolean() {
        for gate in [NewFindings::Off, NewFindings::Any, NewFindings::Introduced] {
            let text = serde_json::to_string(&gate).unwrap();
            assert_eq!(serde_json::from_str::<NewFindings>(&text).unwrap(), gate);
        }
        assert_eq!(serde_json::to_string(&NewFindings::Any).unwrap(), "true");
        assert_eq!(
            serde_json::from_str::<NewFindings>("\"any\"").unwrap(),
            NewFindings::Any
        );
        assert!(serde_json::from_str::<NewFindings>("\"some\"").is_err());
    }
}
