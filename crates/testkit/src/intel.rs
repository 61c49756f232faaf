//! Exploitation feeds for tests: a CISA KEV catalog and FIRST EPSS scores in the publishers'
//! formats, and a small HTTP server on 127.0.0.1 that serves them and counts the requests.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// One KEV catalog entry.
pub struct KevEntry {
    pub cve: String,
    pub date_added: String,
    pub due_date: String,
    pub ransomware: bool,
}

impl KevEntry {
    pub fn new(cve: &str, date_added: &str, due_date: &str, ransomware: bool) -> KevEntry {
        KevEntry {
            cve: cve.into(),
            date_added: date_added.into(),
            due_date: due_date.into(),
            ransomware,
        }
    }
}

/// The KEV catalog JSON as CISA publishes it, released on `date` (YYYY-MM-DD).
pub fn kev_json(date: &str, entries: &[KevEntry]) -> Vec<u8> {
    let vulnerabilities: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "cveID": e.cve,
                "vendorProject": "Example",
                "product": "Test",
                "vulnerabilityName": format!("Example {} Vulnerability", e.cve),
                "dateAdded": e.date_added,
                "shortDescription": "A test entry.",
                "requiredAction": "Apply mitigations per vendor instructions.",
                "dueDate": e.due_date,
                "knownRansomwareCampaignUse": if e.ransomware { "Known" } else { "Unknown" },
                "notes": "",
                "cwes": []
            })
        })
        .collect();
    serde_json::to_vec_pretty(&serde_json::json!({
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": date.replace('-', "."),
        "dateReleased": format!("{date}T14:00:12.4517Z"),
        "count": entries.len(),
        "vulnerabilities": vulnerabilities
    }))
    .expect("json")
}

/// FIRST's EPSS CSV, gzipped as published, scored on `date`: (cve, probability, percentile).
pub fn epss_csv_gz(date: &str, scores: &[(&str, f64, f64)]) -> Vec<u8> {
    let mut csv = format!(
        "#model_version:v2025.03.14,score_date:{date}T00:00:00+0000\ncve,epss,percentile\n"
    );
    for (cve, p, pct) in scores {
        csv.push_str(&format!("{cve},{p:.5},{pct:.5}\n"));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).expect("gzip");
    gz.finish().expect("gzip")
}

/// Today's date, YYYY-MM-DD (UTC), and the date `days` before it.
pub fn date_days_ago(days: u64) -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        - days * 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// An HTTP/1.1 server on 127.0.0.1 serving fixed bodies by path (404 otherwise), counting
/// the requests per path. Stops when dropped.
pub struct FeedServer {
    pub addr: String,
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    stop: Arc<AtomicBool>,
}

impl FeedServer {
    pub fn start() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let files: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (f, h, s) = (files.clone(), hits.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                // The headers, up to the blank line.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                *h.lock().unwrap().entry(path.clone()).or_default() += 1;
                let body = f.lock().unwrap().get(&path).cloned();
                let _ = match body {
                    Some(body) => stream
                        .write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n",
                                body.len()
                            )
                            .as_bytes(),
                        )
                        .and_then(|()| stream.write_all(&body)),
                    None => stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    ),
                };
            }
        });
        FeedServer {
            addr,
            files,
            hits,
            stop,
        }
    }

    /// Serves `body` at `path` (`/kev.json`); returns its URL.
    pub fn serve(&self, path: &str, body: Vec<u8>) -> String {
        self.files.lock().unwrap().insert(path.to_string(), body);
        self.url(path)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many requests `path` had.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(&self.addr);
    }
}
