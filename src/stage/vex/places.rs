//! Where each element of a top-level array (`statements`, `vulnerabilities`) starts in a JSON
//! document's text, so a diagnostic about one statement points at its line. serde_json keeps
//! no positions; a document's structure is simple enough to find them by scanning.

/// Byte offsets of the elements of the array at top-level `key`, in order; empty when the
/// key is absent or not an array. The text is valid JSON (it was parsed first).
pub fn array_elements(text: &str, key: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    // The string that just ended at depth 1, and whether a ':' followed it (a key).
    let mut last_key: Option<(usize, usize)> = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i = string_end(bytes, i);
                if depth == 1 {
                    last_key = Some((start, i - 1));
                }
            }
            b'{' | b'[' => {
                if depth == 1
                    && bytes[i] == b'['
                    && last_key.is_some_and(|(s, e)| &text[s..e] == key)
                {
                    return elements(bytes, i);
                }
                depth += 1;
                last_key = None;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b',' => {
                last_key = None;
                i += 1;
            }
            _ => i += 1,
        }
    }
    Vec::new()
}

/// The index just past the string starting at `open` (a `"`).
fn string_end(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// The start of each element of the array opening at `open`.
fn elements(bytes: &[u8], open: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut expecting = true;
    let mut i = open + 1;
    while i < bytes.len() {
        let b = bytes[i];
        if depth == 0 && expecting && !b.is_ascii_whitespace() && b != b']' {
            out.push(i);
            expecting = false;
        }
        match b {
            b'"' => {
                i = string_end(bytes, i);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' => depth -= 1,
            b']' if depth == 0 => return out,
            b']' => depth -= 1,
            b',' if depth == 0 => expecting = true,
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_statement_is_found_where_it_starts() {
        let text = r#"{"@id": "x", "note": "statements [", "nested": {"statements": [9]},
  "statements": [
    {"vulnerability": {"name": "A"}, "products": [{"@id": "p"}]},
    {"vulnerability": {"name": "B \" ]"}}
  ]}"#;
        let at = array_elements(text, "statements");
        assert_eq!(at.len(), 2);
        assert!(text[at[0]..].starts_with(r#"{"vulnerability": {"name": "A"}"#));
        assert!(text[at[1]..].starts_with(r#"{"vulnerability": {"name": "B"#));
        assert!(array_elements(text, "absent").is_empty());
    }
}
