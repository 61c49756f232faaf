//! A remote `trivy server` (started by the test, with its own DB): trivyscan checks it before
//! the run, scans through it with the token from the environment, starts no server and
//! downloads no DB of its own; a wrong token or a server that is down stops the run at once.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Project, report_paths, text};
use testkit::recipes;

/// A remote server and the cache dir it runs on.
struct Server {
    // Declared first: stopped before its cache dir goes.
    server: testkit::trivy_server::TrivyServer,
    url: String,
    _cache: tempfile::TempDir,
}

impl Server {
    /// Stops the server and hands back its cache dir (DB and analysed layers).
    fn stop_keeping_cache(self) -> tempfile::TempDir {
        drop(self.server);
        self._cache
    }
}

/// A `trivy server` with `token` on a free port ([`testkit::trivy_server::TrivyServer`]).
fn start_server(token: &str, header: Option<&str>) -> Server {
    let cache = tempfile::tempdir().unwrap();
    crate::common::fleet_db().write_to_cache(cache.path());
    start_server_in(cache, token, header)
}

/// [`start_server`] on a cache dir that is already there (with its DB and analysed layers).
fn start_server_in(cache: tempfile::TempDir, token: &str, header: Option<&str>) -> Server {
    start_server_with(cache, token, header, &[])
}

/// [`start_server_in`] with more of `trivy server`'s flags (`--cache-backend redis://...`).
fn start_server_with(
    cache: tempfile::TempDir,
    token: &str,
    header: Option<&str>,
    extra: &[&str],
) -> Server {
    let server = testkit::trivy_server::TrivyServer::start(cache.path(), token, header, extra);
    Server {
        url: server.url.clone(),
        server,
        _cache: cache,
    }
}

/// `trivyscan run` with the server token in REMOTE_TOKEN.
fn run_with_token(p: &Project, token: &str) -> std::process::Output {
    p.trivyscan()
        .arg("run")
        .env("REMOTE_TOKEN", token)
        .output()
        .unwrap()
}

fn configure<S: AsRef<str>>(p: &Project, images: &[S], server: &str, header: Option<&str>) {
    config(p, images, server, header).write();
}

/// The config of [`configure`], to add to before writing it.
fn config<'a, S: AsRef<str>>(
    p: &'a Project,
    images: &[S],
    server: &str,
    header: Option<&str>,
) -> crate::common::Config<'a> {
    let mut config = p
        .config()
        .default_toml("severity = \"low\"\n[default.report]\noutput_dir = \"out\"\n[default.concurrency]\nremote = 2")
        .images("a", images)
        .set("default.trivy.server", server)
        .set("default.trivy.server_token_env", "REMOTE_TOKEN");
    if let Some(header) = header {
        config = config.set("default.trivy.server_token_header", header);
    }
    config
}

#[test]
fn scans_go_through_the_remote_server_with_its_token() {
    let server = start_server("s3rver-token", None);
    // No DB in trivyscan's own cache, and none published: only the server has one.
    let p = Project::new();
    let a = p.push("fleet/debian", "12", &recipes::debian_openssl());
    let b = p.push("fleet/mixed", "1", &crate::common::mixed_rootfs());
    configure(&p, &[&a, &b], &server.url, None);

    let out = run_with_token(&p, "s3rver-token");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(
        crate::common::findings_of(&targets[0]).len(),
        1,
        "{}",
        targets[0]
    );
    assert!(crate::common::findings_of(&targets[1]).len() >= 4);
    assert!(
        !p.cache_dir().join("db/trivy.db").exists(),
        "no DB was downloaded"
    );
    assert!(!stderr.contains("downloading"), "{stderr}");

    // A wrong token: one diagnostic before any scan.
    let out = run_with_token(&p, "wrong");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("trivyscan::server::token"), "{stderr}");
    assert!(
        out.stdout.is_empty() && !stderr.contains("[1/2]"),
        "{stderr}"
    );

    // The variable unset.
    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert!(text(&out.stderr).contains("trivyscan::server::token_missing"));

    // The server gone: its address refuses (a port the project holds closed, which no
    // other test's server can take).
    drop(server);
    configure(&p, &[&a, &b], &format!("http://{}", p.closed_addr()), None);
    let out = run_with_token(&p, "s3rver-token");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("trivyscan::server::unreachable"),
        "{stderr}"
    );
}

#[test]
fn a_custom_token_header() {
    let server = start_server("hdr-token", Some("X-Scan-Token"));
    let p = Project::new();
    let a = p.push("fleet/debian", "12", &recipes::debian_openssl());
    configure(&p, &[&a], &server.url, Some("X-Scan-Token"));
    let out = run_with_token(&p, "hdr-token");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(crate::common::findings_of(&report["targets"][0]).len(), 1);
}

/// Issue 17: the same replay through a shared remote server. Results are keyed by the server's
/// DB (`GET /version`); after the server gets a newer DB, each target's recorded Scan call is
/// replayed there: the new advisory, no registry request, no `trivy image` process.
#[test]
fn a_db_update_on_the_remote_server_is_rescanned_there_with_no_pull() {
    let p = Project::new();
    let refs = p.pinned_mixed_images("remote/app", &["1", "2"]);
    let (wrapper, recorded) = p.recording_trivy();
    let server = start_server("rescan-token", None);
    config(&p, &refs, &server.url, None)
        .set("default.trivy.binary", wrapper.display().to_string())
        .write();
    let out = run_with_token(&p, "rescan-token");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let cold = p.read_json(&report_paths(&out)[0]);
    assert_eq!(crate::common::cache_of(&cold), ["scanned", "scanned"]);
    assert_eq!(
        cold["run"]["db_updated_at"], "2024-01-01T00:00:00Z",
        "the server's DB"
    );

    // The server restarted with a newer DB, its cache (the analysed layers) kept.
    let cache = server.stop_keeping_cache();
    std::fs::remove_dir_all(cache.path().join("db")).unwrap();
    testkit::recipes::newer_fleet_db().write_to_cache(cache.path());
    let server = start_server_in(cache, "rescan-token", None);
    config(&p, &refs, &server.url, None)
        .set("default.trivy.binary", wrapper.display().to_string())
        .write();
    let requests = p.registry().log().matches("/v2/remote/app/").count();
    let before = recorded();
    let out = run_with_token(&p, "rescan-token");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report = p.read_json(&report_paths(&out)[0]);
    assert_eq!(
        crate::common::cache_of(&report),
        ["rescanned_on_server", "rescanned_on_server"],
        "{stderr}"
    );
    for t in report["targets"].as_array().unwrap() {
        assert!(
            crate::common::findings_of(t)
                .iter()
                .any(|f| f.2 == "CVE-2099-0777"),
            "{t}"
        );
    }
    assert_eq!(
        p.registry().log().matches("/v2/remote/app/").count(),
        requests,
        "no registry request"
    );
    let after = recorded();
    assert!(
        !after[before.len()..]
            .lines()
            .any(|l| l == "image" || l == "sbom"),
        "no Trivy client ran: {after}"
    );
}

/// Issue 33 item 2: N shard processes at once, as N CI jobs would (`--shard auto` from GitLab's
/// CI_NODE_INDEX/CI_NODE_TOTAL and from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX),
/// against one shared Trivy server, each with its own cache; `report merge` of their reports is
/// the unsharded run's.
#[test]
fn concurrent_shards_against_a_shared_server_merge_into_the_unsharded_run() {
    let server = start_server("shared-token", None);
    let p = Project::new();
    let mut images = Vec::new();
    for i in 0..4 {
        images.push(p.push("fleet/debian", &format!("v{i}"), &recipes::debian_openssl()));
        images.push(p.push(
            "fleet/mixed",
            &format!("v{i}"),
            &crate::common::mixed_rootfs(),
        ));
    }
    images.push(format!("{}/fleet/missing:1", p.registry().addr));
    configure(&p, &images, &server.url, None);
    let full = run_with_token(&p, "shared-token");
    assert_eq!(full.status.code(), Some(2), "{}", text(&full.stderr));
    let full = p.read_json(&crate::common::report_paths(&full)[0]);

    let engines: [&[(&str, &str)]; 3] = [
        &[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "3")],
        &[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")],
        &[
            ("JOB_COMPLETION_INDEX", "2"),
            ("TRIVYSCAN_SHARD_TOTAL", "3"),
        ],
    ];
    let children: Vec<_> = engines
        .iter()
        .enumerate()
        .map(|(i, vars)| {
            let mut cmd = p.std_command();
            cmd.args(["run", "--shard", "auto"])
                .env("REMOTE_TOKEN", "shared-token")
                // Each job its own machine: its own cache and result cache.
                .env(
                    "TRIVYSCAN_TRIVY__CACHE_DIR",
                    p.path().join(format!("job-cache-{i}")),
                )
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            for (k, v) in *vars {
                cmd.env(k, v);
            }
            cmd.spawn().unwrap()
        })
        .collect();
    let mut shards = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{}",
            text(&out.stderr)
        );
        let path = crate::common::report_paths(&out)[0].clone();
        shards.push(p.read_json(&path)["run"]["shard"].clone());
    }
    shards.sort_by_key(|s| s.to_string());
    assert_eq!(shards, ["1/3", "2/3", "3/3"]);
    // `out` holds the unsharded run's report too: the merge is given the shards'.
    let shard_files: Vec<String> = std::fs::read_dir(p.path().join("out"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("-shard-") && n.ends_with(".json"))
        .map(|n| format!("out/{n}"))
        .collect();
    assert_eq!(shard_files.len(), 3, "{shard_files:?}");
    let out = p
        .trivyscan()
        .args(["report", "merge"])
        .args(&shard_files)
        .args(["-o", "fleet.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let merged = p.read_json("fleet.json");
    assert_eq!(
        crate::trivy::fleet::by_target(&merged),
        crate::trivy::fleet::by_target(&full)
    );
    assert_eq!(merged["totals"], full["totals"]);
}

/// A `redis-server` on a free port of 127.0.0.1, nothing saved to disk, stopped when dropped.
struct Redis {
    child: Child,
    port: u16,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Redis {
    fn start() -> Redis {
        let bin = std::env::var("TESTKIT_REDIS").unwrap_or_else(|_| "redis-server".into());
        for _ in 0..10 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = Command::new(&bin)
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("{bin}: {e} (scripts/setup-test-tools.sh installs it)"));
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
                if Redis::ping(port) {
                    return Redis { child, port };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("redis-server did not start on any of 10 ports");
    }

    fn ping(port: u16) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return false;
        };
        let mut buf = [0u8; 16];
        s.write_all(b"PING\r\n").is_ok()
            && s.read(&mut buf)
                .is_ok_and(|n| buf[..n].starts_with(b"+PONG"))
    }

    /// Empties the cache, as an eviction or a new Redis would.
    fn flush(&self) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.write_all(b"FLUSHALL\r\n").unwrap();
        let mut buf = [0u8; 16];
        let n = s.read(&mut buf).unwrap();
        assert!(buf[..n].starts_with(b"+OK"));
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

/// How each target's result was made (`cache` in the JSON report), by target.
fn cache_uses(report: &serde_json::Value) -> Vec<String> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["cache"].as_str().unwrap_or("-").to_string())
        .collect()
}

/// Issue 33 item 1: two `trivy server` replicas sharing a Redis cache. A fleet scanned cold
/// through one is rescanned by replay after a DB update through the other (the layers are in
/// Redis, not in the replica); with Redis flushed, the rescan falls back to the kept SBOMs and
/// the report says so; either way the new advisory is found.
#[test]
fn replicas_sharing_redis_rescan_by_replay_whichever_answers() {
    let redis = Redis::start();
    let backend = redis.url();
    let extra = ["--cache-backend", backend.as_str()];
    let replica = |db: &testkit::VulnDb| {
        let cache = tempfile::tempdir().unwrap();
        db.write_to_cache(cache.path());
        start_server_with(cache, "replica-token", None, &extra)
    };
    let p = Project::new();
    let steady = p.push(
        "fleet/steady",
        "1",
        &recipes::alpine(&[("busybox", "busybox", "1.36.1-r15")])
            .with(recipes::python_package("requests", "2.30.0")),
    );
    let other = p.push("fleet/debian", "12", &recipes::debian_openssl());
    let write = |server: &str| {
        config(&p, &[&steady, &other], server, None)
            .set("default.resolve_tags", true)
            .write()
    };
    let run = |code: i32| {
        let out = run_with_token(&p, "replica-token");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        (p.read_json(&report_paths(&out)[0]), stderr)
    };
    let ids = |report: &serde_json::Value| -> Vec<String> {
        let mut ids: Vec<String> = crate::trivy::triage::findings(report)
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };

    let (a, b) = (
        replica(&crate::common::fleet_db()),
        replica(&crate::common::fleet_db()),
    );
    write(&a.url);
    let (cold, stderr) = run(0);
    assert_eq!(cache_uses(&cold), ["scanned", "scanned"], "{stderr}");
    assert!(!ids(&cold).contains(&"CVE-2099-0777".to_string()));

    // Overnight both replicas get a newer DB (restarted on it); the layers stay in Redis.
    let (cache_a, cache_b) = (a.stop_keeping_cache(), b.stop_keeping_cache());
    recipes::newer_fleet_db().write_to_cache(cache_a.path());
    recipes::newer_fleet_db().write_to_cache(cache_b.path());
    let a = start_server_with(cache_a, "replica-token", None, &extra);
    let b = start_server_with(cache_b, "replica-token", None, &extra);
    // The other replica answers this time: it never saw these images, Redis has their layers.
    write(&b.url);
    let (replayed, stderr) = run(0);
    assert_eq!(
        cache_uses(&replayed),
        ["rescanned_on_server", "rescanned_on_server"],
        "{stderr}"
    );
    assert!(
        ids(&replayed).contains(&"CVE-2099-0777".to_string()),
        "{stderr}"
    );

    // Redis loses everything, and the DB moves on again: no replica has the layers, so the
    // uploads trivyscan kept are given to the replica again and the calls replayed (no pull,
    // no client), finding the same.
    redis.flush();
    let newest = recipes::newer_fleet_db().updated_at("2031-01-01T00:00:00Z");
    let (cache_a, cache_b) = (a.stop_keeping_cache(), b.stop_keeping_cache());
    newest.write_to_cache(cache_a.path());
    newest.write_to_cache(cache_b.path());
    let a = start_server_with(cache_a, "replica-token", None, &extra);
    let b = start_server_with(cache_b, "replica-token", None, &extra);
    write(&a.url);
    let (fallback, stderr) = run(0);
    assert_eq!(
        cache_uses(&fallback),
        ["rescanned_on_server", "rescanned_on_server"],
        "{stderr}"
    );
    assert!(
        stderr.contains("the trivy server no longer held its layers; gave it again"),
        "{stderr}"
    );
    assert_eq!(ids(&fallback), ids(&replayed));

    // One replica updated before the other, both behind one address (a round-robin, as a load
    // balancer would be): said, and results kept as made with the oldest DB, so nothing made
    // with the older DB passes for the newer one's. (Issue 33, item 1.)
    let cache_b = b.stop_keeping_cache();
    std::fs::remove_dir_all(cache_b.path().join("db")).unwrap();
    recipes::newer_fleet_db()
        .updated_at("2032-01-01T00:00:00Z")
        .write_to_cache(cache_b.path());
    let _b = start_server_with(cache_b, "replica-token", None, &extra);
    let both = round_robin(vec![a.url.clone(), _b.url.clone()]);
    write(&both);
    let (mixed, stderr) = run(0);
    assert!(stderr.contains("trivyscan::server::mixed_db"), "{stderr}");
    assert!(
        stderr.contains("2031-01-01T00:00:00Z, 2032-01-01T00:00:00Z"),
        "{stderr}"
    );
    assert_eq!(mixed["run"]["db_updated_at"], "2031-01-01T00:00:00Z");
    assert_eq!(cache_uses(&mixed), ["reused", "reused"], "{stderr}");
}

/// A TCP round-robin in front of `upstreams` (`http://host:port`), as a load balancer would
/// be: each new connection goes to the next one. Its threads end with the test binary.
fn round_robin(upstreams: Vec<String>) -> String {
    use std::net::{Shutdown, TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for (n, client) in listener.incoming().enumerate() {
            let Ok(client) = client else { continue };
            let upstream = upstreams[n % upstreams.len()]
                .trim_start_matches("http://")
                .to_string();
            std::thread::spawn(move || {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    return;
                };
                let (mut from_client, mut to_server) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let up = std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from_client, &mut to_server);
                    let _ = to_server.shutdown(Shutdown::Write);
                });
                let (mut to_client, mut from_server) = (client, server);
                let _ = std::io::copy(&mut from_server, &mut to_client);
                let _ = to_client.shutdown(Shutdown::Write);
                let _ = up.join();
            });
        }
    });
    format!("http://{addr}")
}
