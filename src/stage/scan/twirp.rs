//! The local `trivy server`'s Scan calls, recorded and replayed. The server keeps every layer
//! it analysed (blob) in its cache; a scan is one Twirp call naming the artifact and its blobs,
//! and the server matches their packages against its current DB. So after a DB update a stored
//! target is rescanned by replaying that call: no pull, no Trivy client process.
//!
//! Recording: clients talk to the server through a small proxy in front of it, which forwards
//! every request and keeps each `Scanner/Scan` request's target, artifact ID and blob IDs.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::stage::cache::ScanCall;

const SCAN_PATH: &str = "/twirp/trivy.scanner.v1.Scanner/Scan";

/// The proxy in front of the local server. Stops when dropped.
pub struct Recorder {
    /// What clients are given as `--server`.
    pub url: String,
    addr: String,
    calls: Arc<Mutex<HashMap<String, ScanCall>>>,
    stop: Arc<AtomicBool>,
}

impl Recorder {
    /// A proxy on a free 127.0.0.1 port forwarding to `upstream` (`http://host:port`).
    pub fn start(upstream: &str, timeout: Duration) -> std::io::Result<Recorder> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?.to_string();
        let calls: Arc<Mutex<HashMap<String, ScanCall>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let agent = crate::http::agent(timeout);
        let (upstream, calls_in, stop_in) = (upstream.to_string(), calls.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_in.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (agent, upstream, calls) = (agent.clone(), upstream.clone(), calls_in.clone());
                std::thread::spawn(move || {
                    let _ = forward(stream, &agent, &upstream, &calls);
                });
            }
        });
        Ok(Recorder {
            url: format!("http://{addr}"),
            addr,
            calls,
            stop,
        })
    }

    /// The Scan call recorded for `target` (a report's `ArtifactName`), taken out.
    pub fn take(&self, target: &str) -> Option<ScanCall> {
        self.calls.lock().expect("recorded calls").remove(target)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(&self.addr);
    }
}

/// One request from a client, forwarded; the answer written back, the connection closed.
fn forward(
    stream: TcpStream,
    agent: &ureq::Agent,
    upstream: &str,
    calls: &Mutex<HashMap<String, ScanCall>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, path) = match (parts.next(), parts.next()) {
        (Some(m), Some(p)) => (m.to_string(), p.to_string()),
        _ => return Ok(()),
    };
    let mut headers = Vec::new();
    let mut length = 0usize;
    let mut chunked = false;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.trim_end().split_once(':') {
            let (name, value) = (name.trim().to_string(), value.trim().to_string());
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().unwrap_or(0),
                "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
                // Hop-by-hop, or made again by the client below.
                "host" | "connection" | "accept-encoding" | "user-agent" => {}
                _ => headers.push((name, value)),
            }
        }
    }
    let body = if chunked {
        read_chunked(&mut reader)?
    } else {
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        body
    };
    let url = format!("{upstream}{path}");
    let sent = match method.as_str() {
        "POST" => {
            let mut req = agent.post(&url);
            for (k, v) in &headers {
                req = req.header(k, v);
            }
            req.send(&body[..])
        }
        _ => {
            let mut req = agent.get(&url);
            for (k, v) in &headers {
                req = req.header(k, v);
            }
            req.call()
        }
    };
    let mut out = stream;
    let mut response = match sent {
        Ok(r) => r,
        Err(e) => {
            let msg = format!("{{\"code\":\"unavailable\",\"msg\":\"trivyscan proxy: {e}\"}}");
            write!(
                out,
                "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{msg}",
                msg.len()
            )?;
            return Ok(());
        }
    };
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    let answer = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .map_err(std::io::Error::other)?;
    if path.ends_with(SCAN_PATH) && status.as_u16() == 200 {
        let is_json = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("content-type") && v.contains("json"));
        let call = if is_json {
            serde_json::from_slice::<ScanCall>(&body).ok()
        } else {
            decode_scan_request(&body)
        };
        if let Some(call) = call {
            calls
                .lock()
                .expect("recorded calls")
                .insert(call.target.clone(), call);
        }
    }
    write!(
        out,
        "HTTP/1.1 {} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        answer.len()
    )?;
    out.write_all(&answer)?;
    out.flush()
}

fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        reader.read_line(&mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
            .map_err(|_| std::io::Error::other("bad chunk size"))?;
        let mut chunk = vec![0; size + 2];
        reader.read_exact(&mut chunk)?;
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

/// A protobuf varint at `at`, and where the next field starts.
fn varint(bytes: &[u8], mut at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(at)?;
        at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some((value, at));
        }
    }
    None
}

/// `ScanRequest` as the Go client sends it (protobuf): target = 1, artifact_id = 2,
/// blob_ids = 3 (strings); the options (4) are made again when replaying.
fn decode_scan_request(bytes: &[u8]) -> Option<ScanCall> {
    let mut call = ScanCall::default();
    let mut at = 0;
    while at < bytes.len() {
        let (key, next) = varint(bytes, at)?;
        at = next;
        match key & 7 {
            0 => at = varint(bytes, at)?.1,
            1 => at += 8,
            5 => at += 4,
            2 => {
                let (len, next) = varint(bytes, at)?;
                let end = next.checked_add(len as usize)?;
                let value = bytes.get(next..end)?;
                at = end;
                let text = || String::from_utf8(value.to_vec()).ok();
                match key >> 3 {
                    1 => call.target = text()?,
                    2 => call.artifact_id = text()?,
                    3 => call.blob_ids.push(text()?),
                    _ => {}
                }
            }
            _ => return None,
        }
    }
    (!call.artifact_id.is_empty()).then_some(call)
}

/// Why a replay did not give a result.
#[derive(Debug)]
pub enum ReplayError {
    /// The server no longer holds the layers (its cache was wiped or pruned).
    CacheMissing,
    Other(String),
}

/// Replays `call` against the server at `url`: the vulnerabilities of the stored layers under
/// the server's current DB, as a Trivy JSON report (`Results` with Trivy's field names).
pub fn replay(
    url: &str,
    token: &str,
    token_header: Option<&str>,
    call: &ScanCall,
    timeout: Duration,
) -> Result<Vec<u8>, ReplayError> {
    let agent = crate::http::agent(timeout);
    let body = serde_json::json!({
        "target": call.target,
        "artifact_id": call.artifact_id,
        "blob_ids": call.blob_ids,
        "options": {"scanners": ["vuln"], "pkg_types": ["os", "library"]},
    });
    let mut response = agent
        .post(&format!("{url}{SCAN_PATH}"))
        .header("Content-Type", "application/json")
        .header(token_header.unwrap_or("Trivy-Token"), token)
        .send(body.to_string())
        .map_err(|e| ReplayError::Other(e.to_string()))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_string()
        .map_err(|e| ReplayError::Other(e.to_string()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ReplayError::Other(e.to_string()))?;
    if status != 200 {
        let msg = json["msg"].as_str().unwrap_or(&text).to_string();
        return Err(if msg.contains("cache missing") {
            ReplayError::CacheMissing
        } else {
            ReplayError::Other(format!("the server answered {status}: {msg}"))
        });
    }
    let results: Vec<serde_json::Value> = json["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(trivy_result)
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "ArtifactName": call.target,
        "Results": results,
    }))
    .map_err(|e| ReplayError::Other(e.to_string()))
}

/// A Twirp `Result` (protobuf field names) as Trivy's JSON report writes it.
fn trivy_result(r: &serde_json::Value) -> serde_json::Value {
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or("").to_string();
    let vulns: Vec<serde_json::Value> = r["vulnerabilities"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            let mut out = serde_json::Map::new();
            let mut put = |key: &str, value: String| {
                if !value.is_empty() {
                    out.insert(key.to_string(), value.into());
                }
            };
            put("VulnerabilityID", text(v, "vulnerability_id"));
            put("PkgID", text(v, "pkg_id"));
            put("PkgName", text(v, "pkg_name"));
            put("PkgPath", text(v, "pkg_path"));
            put("InstalledVersion", text(v, "installed_version"));
            put("FixedVersion", text(v, "fixed_version"));
            put("SeveritySource", text(v, "severity_source"));
            put("PrimaryURL", text(v, "primary_url"));
            put("Title", text(v, "title"));
            put("Description", text(v, "description"));
            put(
                "Severity",
                v["severity"].as_str().unwrap_or("UNKNOWN").to_string(),
            );
            let cvss: serde_json::Map<String, serde_json::Value> = v["cvss"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(vendor, c)| {
                    let mut entry = serde_json::Map::new();
                    for (from, to) in [("v2_vector", "V2Vector"), ("v3_vector", "V3Vector")] {
                        if let Some(s) = c[from].as_str().filter(|s| !s.is_empty()) {
                            entry.insert(to.into(), s.into());
                        }
                    }
                    for (from, to) in [("v2_score", "V2Score"), ("v3_score", "V3Score")] {
                        if let Some(n) = c[from].as_f64().filter(|n| *n != 0.0) {
                            entry.insert(to.into(), n.into());
                        }
                    }
                    (vendor.clone(), entry.into())
                })
                .collect();
            if !cvss.is_empty() {
                out.insert("CVSS".into(), cvss.into());
            }
            out.into()
        })
        .collect();
    let mut result = serde_json::Map::new();
    result.insert("Target".into(), text(r, "target").into());
    result.insert("Class".into(), text(r, "class").into());
    if !text(r, "type").is_empty() {
        result.insert("Type".into(), text(r, "type").into());
    }
    if !vulns.is_empty() {
        result.insert("Vulnerabilities".into(), vulns.into());
    }
    result.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protobuf_scan_request_gives_its_target_artifact_and_blobs() {
        // target = 1, artifact_id = 2, blob_ids = 3 (twice), options = 4 (a message, skipped).
        let mut bytes = Vec::new();
        for (field, text) in [
            (1u8, "reg/app@sha256:aa"),
            (2, "sha256:art"),
            (3, "sha256:b1"),
            (3, "sha256:b2"),
        ] {
            bytes.push(field << 3 | 2);
            bytes.push(text.len() as u8);
            bytes.extend_from_slice(text.as_bytes());
        }
        bytes.extend_from_slice(&[4 << 3 | 2, 2, 0x08, 0x01]);
        let call = decode_scan_request(&bytes).unwrap();
        assert_eq!(call.target, "reg/app@sha256:aa");
        assert_eq!(call.artifact_id, "sha256:art");
        assert_eq!(call.blob_ids, ["sha256:b1", "sha256:b2"]);
        assert_eq!(decode_scan_request(&[0x0a, 0x05, b'x']), None, "truncated");
    }

    #[test]
    fn twirp_results_read_as_trivy_json() {
        let twirp = serde_json::json!({
            "target": "Python", "class": "lang-pkgs", "type": "python-pkg",
            "vulnerabilities": [{
                "vulnerability_id": "CVE-2099-0777", "pkg_name": "requests",
                "installed_version": "2.30.0", "fixed_version": "2.32.0", "severity": "HIGH",
                "title": "", "cvss": {"nvd": {"v3_vector": "CVSS:3.1/AV:N", "v3_score": 7.5,
                "v2_vector": "", "v2_score": 0}}
            }]
        });
        let r = trivy_result(&twirp);
        assert_eq!(r["Target"], "Python");
        assert_eq!(r["Class"], "lang-pkgs");
        let v = &r["Vulnerabilities"][0];
        assert_eq!(v["VulnerabilityID"], "CVE-2099-0777");
        assert_eq!(v["Severity"], "HIGH");
        assert!(
            v.get("Title").is_none(),
            "empty fields are left out as Trivy does"
        );
        assert_eq!(
            v["CVSS"],
            serde_json::json!({"nvd": {"V3Vector": "CVSS:3.1/AV:N", "V3Score": 7.5}})
        );
    }
}
