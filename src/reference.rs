//! Image references, checked against the OCI distribution reference grammar
//! (`[registry[:port]/]repo/path[:tag][@algo:hex]`).

use std::sync::LazyLock;

use regex::Regex;

/// The parts of a valid reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn is_pinned(&self) -> bool {
        self.digest.is_some()
    }
}

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let alnum = "[a-z0-9]+";
    let separator = "(?:[._]|__|[-]+)";
    let path_component = format!("{alnum}(?:{separator}{alnum})*");
    let domain_component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    let domain_name = format!("{domain_component}(?:\\.{domain_component})*");
    let ipv6 = r"\[(?:[a-fA-F0-9:]+)\]";
    let host = format!("(?:{domain_name}|{ipv6})");
    let domain = format!("{host}(?::[0-9]+)?");
    let name = format!("(?:{domain}/)?{path_component}(?:/{path_component})*");
    // The grammar's `\w` is ASCII (Go's): a Unicode class repeated 127 times also made this
    // the slowest part of every start (tens of ms compiling).
    let tag = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    let digest = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    Regex::new(&format!("^({name})(?::({tag}))?(?:@({digest}))?$")).expect("reference grammar")
});

/// Checks `text` against the reference grammar; the error says what is wrong in words.
pub fn parse(text: &str) -> Result<ImageRef, crate::i18n::Msg> {
    if text.is_empty() {
        return Err(crate::msg!("image-ref-empty"));
    }
    if text.starts_with('-') {
        return Err(crate::msg!("image-ref-leading-dash"));
    }
    if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(crate::msg!(
            "image-ref-bad-character",
            c = format!("{:?}", c)
        ));
    }
    let Some(caps) = REFERENCE.captures(text) else {
        let lower = text.to_ascii_lowercase();
        if lower != text && REFERENCE.is_match(&lower) {
            return Err(crate::msg!("image-ref-uppercase"));
        }
        return Err(crate::msg!("image-ref-unparsed"));
    };
    let name = caps[1].to_string();
    if name.len() > 255 {
        return Err(crate::msg!("reference-name-too-long"));
    }
    let digest = caps.get(3).map(|m| m.as_str().to_string());
    if let Some(d) = &digest
        && let Some(hex) = d.strip_prefix("sha256:")
        && hex.len() != 64
    {
        return Err(crate::msg!("reference-digest-length", digits = hex.len()));
    }
    Ok(ImageRef {
        name,
        tag: caps.get(2).map(|m| m.as_str().to_string()),
        digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        let longest_tag = format!("app:{}", "v".repeat(128));
        assert!(parse(&longest_tag).is_ok());
        assert!(parse(&format!("{longest_tag}1")).is_err());
        for ok in [
            "alpine",
            "alpine:3.19",
            "library/alpine:3.19",
            "docker.io/library/alpine:3.19",
            "127.0.0.1:5000/team/app:v1.2.3",
            "localhost:5000/app",
            "ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "registry.example.com/a/b/c:tag@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "[::1]:5000/app:1",
            "my-app__x.y/z-1",
        ] {
            assert!(parse(ok).is_ok(), "{ok} should parse: {:?}", parse(ok));
        }
        let r = parse("127.0.0.1:5000/team/app:v1").unwrap();
        assert_eq!(r.name, "127.0.0.1:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("v1"));
        assert!(!r.is_pinned());
    }

    #[test]
    fn rejects_bad_forms() {
        for bad in [
            "",
            "-q",
            "--output=/etc/x",
            "upper/Case",
            "app:",
            "app:tag with space",
            "app@sha256:abc",
            "app@sha256:0123456789abcdef0123456789abcdef",
            "a//b",
            "app:-tag",
            "http://registry/app",
            // The grammar's word characters are ASCII.
            "app:v1é",
            "app:версия",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            parse("upper/Case").unwrap_err(),
            crate::msg!("image-ref-uppercase")
        );
    }
}
