//! The local `trivy server`'s Scan calls, recorded and replayed. The server keeps every layer
//! it analysed (blob) in its cache; a scan is one Twirp call naming the artifact and its blobs,
//! and the server matches their packages against its current DB. So after a DB update a stored
//! target is rescanned by replaying that call: no pull, no Trivy client process.
//!
//! Recording: clients talk to the server through a small proxy in front of it. Only the Trivy
//! clients trivyscan started get through: each carries the server's token and a ticket of its
//! own (`Trivyscan-Ticket`, given in its environment), and the one `POST` to exactly the Scan
//! path made under a ticket is the call recorded for that ticket's target; the uploads the
//! clients made (`uploads.rs`) are kept too. Anything else on the
//! port (another local user's process) is refused and never recorded. The proxy bounds its
//! connections, what it reads of a request, and how long it waits for one.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::twirp_wire::{ScanRequest, ScanResponse, TwirpError, length_delimited_fields};
use crate::stage::result_cache::ScanCall;

const SCAN_PATH: &str = "/twirp/trivy.scanner.v1.Scanner/Scan";
/// The header that ties a client's requests to the target trivyscan started it for.
pub const TICKET_HEADER: &str = "Trivyscan-Ticket";
/// Connections open at once (a client keeps one or two open while it runs); more are
/// answered 503 at once.
const MAX_CONNECTIONS: usize = 512;
/// A request's head (request line and headers).
const MAX_HEAD: usize = 64 << 10;
/// A request's body (a client's layer analysis can be large; a Scan call is small).
const MAX_BODY: u64 = 256 << 20;
/// How long a connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// One ticket: the plan index it was given for, and the Scan calls made under it.
struct Ticket {
    index: usize,
    calls: Vec<ScanCall>,
}

/// The tickets given out, by ticket and by plan index.
#[derive(Default)]
struct Tickets {
    by_ticket: HashMap<String, Ticket>,
    by_index: HashMap<usize, String>,
}

struct State {
    /// The header and value every request must carry (the server's token), when there is one.
    token: Option<(String, String)>,
    /// What the clients uploaded (artifacts and blobs), for the result cache.
    spool: super::uploads::Spool,
    tickets: Mutex<Tickets>,
    active: AtomicUsize,
}

/// The proxy in front of the server. Stops when dropped.
pub struct Recorder {
    /// What clients are given as `--server`.
    pub url: String,
    addr: String,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
}

/// Counts a connection while it is handled.
struct Active<'a>(&'a AtomicUsize);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Recorder {
    /// A proxy on a free 127.0.0.1 port forwarding to `upstream` (`http://host:port`); every
    /// request must carry `token` (header, value) when given, and a ticket of [`Recorder::ticket`].
    pub fn start(
        upstream: &str,
        timeout: Duration,
        token: Option<(String, String)>,
        spool: &std::path::Path,
    ) -> std::io::Result<Recorder> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?.to_string();
        let state = Arc::new(State {
            token,
            spool: super::uploads::Spool::new(spool.to_path_buf())?,
            tickets: Mutex::default(),
            active: AtomicUsize::new(0),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let agent = crate::http::agent(timeout);
        let (upstream, state_in, stop_in) = (upstream.to_string(), state.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_in.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = stream else { continue };
                if state_in.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    state_in.active.fetch_sub(1, Ordering::SeqCst);
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                    let _ = answer(
                        &mut stream,
                        503,
                        "application/json",
                        b"{\"code\":\"unavailable\",\"msg\":\"trivyscan proxy: busy\"}",
                    );
                    continue;
                }
                let (agent, upstream, state) = (agent.clone(), upstream.clone(), state_in.clone());
                std::thread::spawn(move || {
                    let _active = Active(&state.active);
                    let _ = serve(stream, &agent, &upstream, &state);
                });
            }
        });
        Ok(Recorder {
            url: format!("http://{addr}"),
            addr,
            state,
            stop,
        })
    }

    /// A new ticket for a client scanning target `index` (128 random bits); the ticket given
    /// for it before, and what was recorded under it, are dropped.
    pub fn ticket(&self, index: usize) -> Option<String> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).ok()?;
        let ticket: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut tickets = self.state.tickets.lock().expect("tickets");
        if let Some(old) = tickets.by_index.insert(index, ticket.clone()) {
            tickets.by_ticket.remove(&old);
        }
        tickets.by_ticket.insert(
            ticket.clone(),
            Ticket {
                index,
                calls: Vec::new(),
            },
        );
        Some(ticket)
    }

    /// The Scan call recorded for target `index`, taken out: only when its client made exactly
    /// one (two under one ticket cannot be told apart, so neither is kept).
    pub fn take(&self, index: usize) -> Option<ScanCall> {
        let mut tickets = self.state.tickets.lock().expect("tickets");
        let key = tickets.by_index.remove(&index)?;
        let mut ticket = tickets.by_ticket.remove(&key)?;
        debug_assert_eq!(ticket.index, index);
        (ticket.calls.len() == 1).then(|| ticket.calls.remove(0))
    }

    /// What the run's clients uploaded for `call`, as the result cache keeps it; `None` unless
    /// its artifact and every blob were.
    pub fn uploads_for(&self, call: &ScanCall) -> Option<Vec<u8>> {
        self.state.spool.collect(call)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(&self.addr);
    }
}

fn answer(
    out: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    };
    write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    out.write_all(body)?;
    out.flush()
}

fn refuse(out: &mut TcpStream, status: u16, why: &str) -> std::io::Result<()> {
    let body = TwirpError {
        code: "permission_denied".into(),
        msg: format!("trivyscan proxy: {why}"),
    };
    let body = serde_json::to_vec(&body).expect("a Twirp error serializes");
    answer(out, status, "application/json", &body)
}

/// A request as read: its method, path, headers and body.
struct Request {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// Reads one request, bounded in size; `Err` with the status to refuse it with.
fn read_request(stream: &mut TcpStream) -> Result<Request, (u16, &'static str)> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = memchr::memmem::find(&buf, b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err((431, "request head too large"));
        }
        let n = match stream.read(&mut chunk) {
            // Closed, or idle past the timeout, between two requests: nothing to answer.
            Ok(0) | Err(_) if buf.is_empty() => return Err((0, "closed")),
            Ok(n) => n,
            Err(_) => return Err((400, "read error")),
        };
        if n == 0 {
            return Err((400, "request cut short"));
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut slots);
    match parsed.parse(&buf[..head_end]) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err((400, "not an HTTP/1.1 request")),
    }
    let method = parsed.method.unwrap_or("").to_string();
    let path = parsed.path.unwrap_or("").to_string();
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let chunked = header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let mut rest = std::io::Cursor::new(buf[head_end..].to_vec()).chain(&mut *stream);
    let body = if chunked {
        read_chunked(&mut rest).map_err(|_| (400, "bad chunked body"))?
    } else {
        let length: u64 = match header("content-length") {
            Some(v) => v.trim().parse().map_err(|_| (400, "bad Content-Length"))?,
            None => 0,
        };
        if length > MAX_BODY {
            return Err((413, "request body too large"));
        }
        // Read as it comes, never allocated from what the header claims.
        let mut body = Vec::new();
        rest.take(length)
            .read_to_end(&mut body)
            .map_err(|_| (400, "read error"))?;
        if body.len() as u64 != length {
            return Err((400, "request cut short"));
        }
        body
    };
    Ok(Request {
        method,
        path,
        headers,
        body,
    })
}

/// A client's connection: its requests one after another (the Go client keeps its connection
/// for the next call of the scan, so a scan costs one connection, not one per call), until it
/// closes it, asks to, or a request is refused.
fn serve(
    mut stream: TcpStream,
    agent: &ureq::Agent,
    upstream: &str,
    state: &State,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    loop {
        let request = match read_request(&mut stream) {
            Ok(r) => r,
            Err((0, _)) => return Ok(()),
            Err((status, why)) => return refuse(&mut stream, status, why),
        };
        if !forward(&mut stream, request, agent, upstream, state)? {
            return Ok(());
        }
    }
}

/// One request, checked, forwarded, the answer written back; whether the connection stays
/// open for the next.
fn forward(
    stream: &mut TcpStream,
    request: Request,
    agent: &ureq::Agent,
    upstream: &str,
    state: &State,
) -> std::io::Result<bool> {
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    if let Some((name, token)) = &state.token
        && header(name) != Some(token.as_str())
    {
        return refuse(stream, 401, "the run's token is missing or wrong").map(|_| false);
    }
    let ticket = header(TICKET_HEADER).unwrap_or("").to_string();
    if !state
        .tickets
        .lock()
        .expect("tickets")
        .by_ticket
        .contains_key(&ticket)
    {
        return refuse(stream, 403, "not a Trivy client of this run").map(|_| false);
    }
    let sent = send_upstream(agent, upstream, &request);
    let mut response = match sent {
        Ok(r) => r,
        Err(e) => {
            let body = TwirpError {
                code: "unavailable".into(),
                msg: format!("trivyscan proxy: {e}"),
            };
            let body = serde_json::to_vec(&body).expect("a Twirp error serializes");
            return answer(stream, 503, "application/json", &body).map(|_| false);
        }
    };
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .to_string();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .map_err(std::io::Error::other)?;
    // Exactly a POST to the Scan path (no query, no suffix) that the server answered.
    if request.method == "POST" && status.as_u16() == 200 {
        if request.path == SCAN_PATH {
            record_call(state, &ticket, &request, header("content-type"));
        } else {
            // An upload (`PutArtifact`, `PutBlob`) the server took; anything else is ignored.
            let content_type = header("content-type").unwrap_or("application/protobuf");
            state
                .spool
                .record(&request.path, content_type, &request.body);
        }
    }
    let keep_open = !header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close"));
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len(),
        if keep_open { "keep-alive" } else { "close" },
    )
    .into_bytes();
    head.extend_from_slice(&body);
    stream.write_all(&head)?;
    stream.flush()?;
    Ok(keep_open)
}

/// The client's request, sent on to the server without the hop-by-hop headers and ours.
fn send_upstream(
    agent: &ureq::Agent,
    upstream: &str,
    request: &Request,
) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
    let url = format!("{upstream}{}", request.path);
    let forwarded = |name: &str| {
        // Hop-by-hop, made again by the client below, or ours alone.
        !matches!(
            name.to_ascii_lowercase().as_str(),
            "host"
                | "connection"
                | "accept-encoding"
                | "user-agent"
                | "content-length"
                | "transfer-encoding"
        ) && !name.eq_ignore_ascii_case(TICKET_HEADER)
    };
    match request.method.as_str() {
        "POST" => {
            let mut req = agent.post(&url);
            for (k, v) in request.headers.iter().filter(|(k, _)| forwarded(k)) {
                req = req.header(k, v);
            }
            req.send(&request.body[..])
        }
        _ => {
            let mut req = agent.get(&url);
            for (k, v) in request.headers.iter().filter(|(k, _)| forwarded(k)) {
                req = req.header(k, v);
            }
            req.call()
        }
    }
}

/// Keeps a Scan call under the client's ticket, for a replay after the next DB update.
fn record_call(state: &State, ticket: &str, request: &Request, content_type: Option<&str>) {
    let call = if content_type.is_some_and(|v| v.contains("json")) {
        serde_json::from_slice::<ScanCall>(&request.body).ok()
    } else {
        decode_scan_request(&request.body)
    };
    if let Some(call) = call
        && let Some(t) = state
            .tickets
            .lock()
            .expect("tickets")
            .by_ticket
            .get_mut(ticket)
    {
        t.calls.push(call);
    }
}

fn read_chunked(reader: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut reader = std::io::BufReader::new(reader);
    let mut body = Vec::new();
    loop {
        let mut size = String::new();
        std::io::BufRead::read_line(&mut (&mut reader).take(64), &mut size)?;
        let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
            .map_err(|_| std::io::Error::other("bad chunk size"))?;
        if (body.len() + size) as u64 > MAX_BODY {
            return Err(std::io::Error::other("body too large"));
        }
        let mut chunk = Vec::new();
        (&mut reader)
            .take(size as u64 + 2)
            .read_to_end(&mut chunk)?;
        if chunk.len() != size + 2 {
            return Err(std::io::Error::other("chunk cut short"));
        }
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&chunk[..size]);
    }
}

/// `ScanRequest` as the Go client sends it (protobuf): target = 1, artifact_id = 2,
/// blob_ids = 3 (strings); the options (4) are made again when replaying.
fn decode_scan_request(bytes: &[u8]) -> Option<ScanCall> {
    let mut call = ScanCall::default();
    for (field, value) in length_delimited_fields(bytes)? {
        let text = || String::from_utf8(value.to_vec()).ok();
        match field {
            1 => call.target = text()?,
            2 => call.artifact_id = text()?,
            3 => call.blob_ids.push(text()?),
            _ => {}
        }
    }
    (!call.artifact_id.is_empty()).then_some(call)
}

/// Why a replay did not give a result.
#[derive(Debug)]
pub enum ReplayError {
    /// The server no longer holds the layers (its cache was wiped or pruned).
    CacheMissing,
    /// The call or its answer does not belong to the target's image (another number of
    /// layers, or packages in layers the image does not have).
    Unverified(String),
    Other(String),
}

/// Replays `call` against the server at `url`: the vulnerabilities of the stored layers under
/// the server's current DB, as a Trivy JSON report (`Results` with Trivy's field names).
pub fn replay(
    url: &str,
    token: &str,
    token_header: Option<&str>,
    call: &ScanCall,
    layers: &[String],
    timeout: Duration,
) -> Result<Vec<u8>, ReplayError> {
    // `layers`: the image's DiffIDs, as the stored report names them. A call naming another
    // number of blobs is not this image's.
    if !layers.is_empty() && call.blob_ids.len() != layers.len() {
        return Err(ReplayError::Unverified(format!(
            "the stored call names {} layer(s), the image has {}",
            call.blob_ids.len(),
            layers.len()
        )));
    }
    let agent = crate::http::agent(timeout);
    let body = serde_json::to_string(&ScanRequest::replaying(call))
        .map_err(|e| ReplayError::Other(e.to_string()))?;
    let mut response = agent
        .post(&format!("{url}{SCAN_PATH}"))
        .header("Content-Type", "application/json")
        .header(token_header.unwrap_or("Trivy-Token"), token)
        .send(body)
        .map_err(|e| ReplayError::Other(e.to_string()))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_string()
        .map_err(|e| ReplayError::Other(e.to_string()))?;
    if status != 200 {
        let msg = serde_json::from_str::<TwirpError>(&text)
            .map(|e| e.msg)
            .unwrap_or(text);
        return Err(if msg.contains("cache missing") {
            ReplayError::CacheMissing
        } else {
            ReplayError::Other(format!("the server answered {status}: {msg}"))
        });
    }
    let answer: ScanResponse =
        serde_json::from_str(&text).map_err(|e| ReplayError::Other(e.to_string()))?;
    // Every package the answer found must sit in one of the image's own layers.
    if !layers.is_empty()
        && let Some(layer) = answer.layers().find(|d| !layers.iter().any(|l| l == d))
    {
        return Err(ReplayError::Unverified(format!(
            "the server's answer names layer {layer}, which the image does not have"
        )));
    }
    serde_json::to_vec(&answer.into_report(&call.target))
        .map_err(|e| ReplayError::Other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server answering `{}` to every request, keeping connections open; counts requests.
    fn fake_upstream() -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(AtomicUsize::new(0));
        let counted = seen.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let counted = counted.clone();
                std::thread::spawn(move || {
                    while read_request(&mut stream).is_ok() {
                        counted.fetch_add(1, Ordering::SeqCst);
                        let reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
                        if stream.write_all(reply.as_bytes()).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        (addr, seen)
    }

    /// Sends one request on `stream` and reads the answer's status and `Connection` header.
    fn ask(stream: &mut TcpStream, addr: &str, ticket: &str) -> Option<(u16, String)> {
        let body = "{}";
        let request = format!(
            "POST /twirp/trivy.cache.v1.Cache/MissingBlobs HTTP/1.1\r\nHost: {addr}\r\nTrivy-Token: secret\r\n{TICKET_HEADER}: {ticket}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).ok()?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 1024];
        let head_end = loop {
            if let Some(at) = memchr::memmem::find(&buf, b"\r\n\r\n") {
                break at + 4;
            }
            let n = stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
            buf.extend_from_slice(&chunk[..n]);
        };
        let mut slots = [httparse::EMPTY_HEADER; 16];
        let mut response = httparse::Response::new(&mut slots);
        response.parse(&buf[..head_end]).ok()?;
        let header = |name: &str| {
            response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| String::from_utf8_lossy(h.value).to_string())
        };
        let length: usize = header("content-length")?.parse().ok()?;
        let mut rest = buf[head_end..].to_vec();
        while rest.len() < length {
            let n = stream.read(&mut chunk).ok().filter(|n| *n > 0)?;
            rest.extend_from_slice(&chunk[..n]);
        }
        Some((response.code?, header("connection").unwrap_or_default()))
    }

    #[test]
    fn a_kept_open_connection_has_each_request_checked_and_is_closed_at_the_first_refusal() {
        let (upstream, seen) = fake_upstream();
        let spool = tempfile::tempdir().unwrap();
        let token = Some(("Trivy-Token".to_string(), "secret".to_string()));
        let recorder =
            Recorder::start(&upstream, Duration::from_secs(5), token, spool.path()).unwrap();
        let ticket = recorder.ticket(0).unwrap();
        let mut stream = TcpStream::connect(&recorder.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        // Two calls of one client on one connection: both forwarded, the connection kept.
        for _ in 0..2 {
            let answer = ask(&mut stream, &recorder.addr, &ticket).unwrap();
            assert_eq!(answer, (200, "keep-alive".to_string()));
        }
        assert_eq!(seen.load(Ordering::SeqCst), 2);
        // A request without a ticket of this run on the same connection: refused, not
        // forwarded, and the connection closed after it.
        let refused = ask(&mut stream, &recorder.addr, "0123").unwrap();
        assert_eq!(refused, (403, "close".to_string()));
        assert_eq!(seen.load(Ordering::SeqCst), 2);
        assert!(ask(&mut stream, &recorder.addr, &ticket).is_none());
        assert_eq!(seen.load(Ordering::SeqCst), 2);
    }

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
        let wire: super::super::twirp_wire::WireResult = serde_json::from_value(twirp).unwrap();
        let r = serde_json::to_value(crate::trivy_json::TrivyResult::from(wire)).unwrap();
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
