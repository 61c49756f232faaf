//! Hostile registries (issue 28, items 2 to 5 and 11): servers on 127.0.0.1 made here answer
//! registry globs with links to other hosts, token realms elsewhere, glob-like tags, cycles and
//! oversized listings. The login never leaves the registry's own host, nothing recurses, and
//! each refusal is an error entry naming the registry while the rest of the plan stands.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::common::{text, trivyscan};

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    authorization: Option<String>,
}

type Reply = (u16, Vec<(String, String)>, String);

/// A tiny HTTP server answering with `handler`, logging every request.
struct Server {
    addr: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start(handler: impl Fn(&Seen, &str) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (log, handler, me) = (seen.clone(), Arc::new(handler), addr.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut headers = HashMap::new();
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.trim_end().split_once(':') {
                        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                    }
                }
                let request = Seen {
                    path,
                    authorization: headers.get("authorization").cloned(),
                };
                log.lock().unwrap().push(request.clone());
                let (status, extra, body) = handler(&request, &me);
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (k, v) in extra {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(body.as_bytes());
            }
        });
        Server { addr, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

const BASIC: &str = "Basic dXNlcjpzM2NyM3Q="; // user:s3cr3t

/// A project whose scanner.toml globs `images` and whose Docker config logs in to `registry`.
fn project(images: &str, extra: &str, registry: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::create_dir(dir.path().join("docker")).unwrap();
    std::fs::write(
        dir.path().join("docker/config.json"),
        format!(
            "{{\"auths\": {{\"{registry}\": {{\"auth\": \"{}\"}}}}}}",
            BASIC.trim_start_matches("Basic ")
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("scanner.toml"),
        format!("{extra}\n[[default.targets]]\nname = \"a\"\nimages = [\"{images}\"]\n"),
    )
    .unwrap();
    dir
}

/// `targets --json` in `dir`: the exit code and stderr, its lines joined as one (miette wraps
/// messages at the terminal's width).
fn targets(dir: &tempfile::TempDir) -> (Option<i32>, String) {
    let out = trivyscan(dir.path())
        .args(["targets", "--json"])
        .env("DOCKER_CONFIG", dir.path().join("docker"))
        .env_remove("TRIVY_USERNAME")
        .env_remove("TRIVY_PASSWORD")
        .output()
        .unwrap();
    let flat = text(&out.stderr)
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (out.status.code(), flat)
}

fn ok(body: String) -> Reply {
    (200, Vec::new(), body)
}

/// Basic login required: 401 without it.
fn needs_login(seen: &Seen) -> Option<Reply> {
    (seen.authorization.as_deref() != Some(BASIC)).then(|| {
        (
            401,
            vec![("WWW-Authenticate".into(), "Basic realm=\"r\"".into())],
            "{}".into(),
        )
    })
}

#[test]
fn a_next_page_on_another_host_is_refused_and_gets_no_login() {
    let other = Server::start(|_, _| ok("{\"repositories\": [\"evil/app\"]}".into()));
    let other_addr = other.addr.clone();
    let registry = Server::start(move |seen, _| {
        needs_login(seen).unwrap_or_else(|| {
            (
                200,
                vec![(
                    "Link".into(),
                    format!("<http://{other_addr}/v2/_catalog?last=team/app&n=1>; rel=\"next\""),
                )],
                "{\"repositories\": [\"team/app\"]}".into(),
            )
        })
    });
    let dir = project(&format!("{}/team/*:1", registry.addr), "", &registry.addr);
    let (code, stderr) = targets(&dir);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(stderr.contains("another host or scheme"), "{stderr}");
    assert!(
        stderr.contains("trivyscan::resolve::registry_glob"),
        "{stderr}"
    );
    assert!(
        other.seen().iter().all(|s| s.authorization.is_none()),
        "the login went to the other host: {:?}",
        other.seen()
    );
    assert!(
        other.seen().is_empty(),
        "not even asked: {:?}",
        other.seen()
    );
}

#[test]
fn a_plain_http_token_realm_on_another_host_gets_no_login() {
    let realm = Server::start(|_, _| ok("{\"token\": \"t\"}".into()));
    let realm_addr = realm.addr.clone();
    let registry = Server::start(move |seen, _| {
        if seen.authorization.as_deref() == Some("Bearer t") {
            return ok("{\"repositories\": [\"team/app\"]}".into());
        }
        (
            401,
            vec![(
                "WWW-Authenticate".into(),
                format!("Bearer realm=\"http://{realm_addr}/token\",service=\"reg\""),
            )],
            "{}".into(),
        )
    });
    let dir = project(&format!("{}/team/*:1", registry.addr), "", &registry.addr);
    let (code, stderr) = targets(&dir);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(stderr.contains("the login is not sent there"), "{stderr}");
    assert!(realm.seen().is_empty(), "{:?}", realm.seen());
}

#[test]
fn a_tag_named_like_a_glob_is_a_literal_not_expanded_again() {
    let registry = Server::start(|seen, _| {
        if seen.path.starts_with("/v2/team/app/tags/list") {
            ok("{\"name\": \"team/app\", \"tags\": [\"release-1\", \"release-*\"]}".into())
        } else {
            (404, Vec::new(), "{}".into())
        }
    });
    let dir = project(
        &format!("{}/team/app:release-*", registry.addr),
        "",
        &registry.addr,
    );
    let (code, stderr) = targets(&dir);
    // No stack overflow: an exit code, the literal `release-*` an invalid reference.
    assert_eq!(code, Some(78), "{stderr}");
    assert!(stderr.contains("release-*"), "{stderr}");
    let asked = registry
        .seen()
        .iter()
        .filter(|s| s.path.contains("tags/list"))
        .count();
    assert_eq!(
        asked,
        1,
        "the tag list is asked once: {:?}",
        registry.seen()
    );
}

#[test]
fn a_listing_that_links_to_itself_is_a_cycle_refused_at_once() {
    let registry = Server::start(|_, me| {
        (
            200,
            vec![(
                "Link".into(),
                format!("<http://{me}/v2/_catalog>; rel=\"next\""),
            )],
            "{\"repositories\": [\"team/app\"]}".into(),
        )
    });
    let dir = project(&format!("{}/team/*:1", registry.addr), "", &registry.addr);
    let (code, stderr) = targets(&dir);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(stderr.contains("a cycle"), "{stderr}");
    assert_eq!(registry.seen().len(), 1, "{:?}", registry.seen());
}

#[test]
fn a_listing_over_the_limit_is_refused_naming_the_registry() {
    let registry = Server::start(|_, _| {
        let names: Vec<String> = (0..50).map(|i| format!("\"team/app{i}\"")).collect();
        ok(format!("{{\"repositories\": [{}]}}", names.join(",")))
    });
    let dir = project(
        &format!("{}/team/*:1", registry.addr),
        "[default]\nregistry_listing_limit = 10",
        &registry.addr,
    );
    let (code, stderr) = targets(&dir);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(
        stderr.contains("more than 10 names (registry_listing_limit)"),
        "{stderr}"
    );
    assert!(stderr.contains(&registry.addr), "{stderr}");
}

#[test]
fn a_credential_helper_with_a_path_is_never_run() {
    let registry = Server::start(|seen, _| {
        needs_login(seen).unwrap_or_else(|| ok("{\"repositories\": [\"team/app\"]}".into()))
    });
    let dir = project(&format!("{}/team/*:1", registry.addr), "", "elsewhere");
    // `docker-credential-a/../x` would be `./x`, a program that leaves a mark if run.
    let marker = dir.path().join("ran");
    std::fs::create_dir(dir.path().join("docker-credential-a")).unwrap();
    let helper = dir.path().join("x");
    std::fs::write(&helper, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(
        dir.path().join("docker/config.json"),
        format!(
            "{{\"credsStore\": \"a/../x\", \"credHelpers\": {{\"{}\": \"a/../x\"}}}}",
            registry.addr
        ),
    )
    .unwrap();
    let (code, stderr) = targets(&dir);
    assert_eq!(code, Some(78), "{stderr}");
    assert!(!marker.exists(), "a helper named with a path was run");
}
