//! intel stage: what is known about the exploitation of vulnerabilities, from CISA's Known
//! Exploited Vulnerabilities catalog (JSON) and FIRST's EPSS scores (CSV, gzipped or not).
//!
//! Each feed is downloaded at most once a day into `<cache_dir>/intel/`, under a file lock as
//! the DB is, and read from there. A feed that cannot be had, or whose own date is older than
//! `intel.max_age`, is not used, and the run says "not prioritized: <reason>" everywhere: it
//! never stops the run.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use crate::model::{FeedRun, FeedStatus, KevInfo};
use crate::settings::IntelSettings;

/// A copy fetched less than this long ago is not downloaded again.
const REFRESH: Duration = Duration::from_secs(24 * 3600);
/// The feeds are a few megabytes; anything far larger is not one.
const MAX_FEED_BYTES: u64 = 64 << 20;
/// What an EPSS file may inflate to: the real one is tens of MB.
const MAX_EPSS_INFLATED: u64 = 128 << 20;
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub use crate::model::Intel;

/// The lock was being waited for when the run was interrupted.
#[derive(Debug)]
pub struct Interrupted;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Feed {
    Kev,
    Epss,
}

impl Feed {
    fn name(self) -> &'static str {
        match self {
            Feed::Kev => "KEV catalog",
            Feed::Epss => "EPSS scores",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Feed::Kev => "kev.json",
            Feed::Epss => "epss.csv",
        }
    }
}

/// What is kept beside each feed's copy.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    source: String,
    fetched_at: DateTime<Utc>,
}

/// Loads the feeds the settings want, downloading what is not fresh in the cache.
pub fn prepare(
    settings: &IntelSettings,
    now: DateTime<Utc>,
    say: &dyn Fn(&crate::i18n::Msg),
) -> Result<Intel, Interrupted> {
    let mut intel = Intel::none();
    if !settings.kev && !settings.epss {
        return Ok(intel);
    }
    let _lock = match crate::lock::exclusive(&settings.dir, ".trivyscan-intel.lock", say) {
        Ok(lock) => Some(lock),
        Err(crate::lock::LockError::Interrupted) => return Err(Interrupted),
        // Without the lock the copies are still read; a download may race another run's,
        // which the atomic writes make harmless.
        Err(crate::lock::LockError::Io { .. }) => None,
    };
    if settings.kev {
        let (kev, run) = read_feed(Feed::Kev, &settings.kev_url, settings, now, parse_kev);
        if let Some(kev) = kev {
            intel.kev = kev.entries;
        }
        intel.run.kev = run;
    }
    if settings.epss {
        let (epss, run) = read_feed(Feed::Epss, &settings.epss_url, settings, now, parse_epss);
        if let Some(epss) = epss {
            intel.epss_date = epss.date.to_string();
            intel.epss = epss.scores;
        }
        intel.run.epss = run;
    }
    Ok(intel)
}

/// What a parsed feed says of itself: its version, its own date and how many entries it has.
trait FeedData {
    fn version(&self) -> &str;
    fn date(&self) -> NaiveDate;
    fn entries(&self) -> usize;
}

impl FeedData for Kev {
    fn version(&self) -> &str {
        &self.version
    }
    fn date(&self) -> NaiveDate {
        self.date
    }
    fn entries(&self) -> usize {
        self.entries.len()
    }
}

impl FeedData for Epss {
    fn version(&self) -> &str {
        &self.model_version
    }
    fn date(&self) -> NaiveDate {
        self.date
    }
    fn entries(&self) -> usize {
        self.scores.len()
    }
}

/// One feed, had and read: its data when usable (read and not older than `intel.max_age`),
/// and what the run records of it either way.
fn read_feed<T: FeedData>(
    feed: Feed,
    url: &str,
    settings: &IntelSettings,
    now: DateTime<Utc>,
    parse: fn(&[u8]) -> Result<T, String>,
) -> (Option<T>, FeedRun) {
    let (bytes, mut run) = load(feed, url, settings, now);
    match bytes.map(|b| parse(&b)) {
        Some(Ok(data)) => {
            run.version = data.version().to_string();
            run.date = data.date().to_string();
            run.entries = data.entries();
            if let Some(why) = stale(feed, data.date(), settings, now) {
                run.status = FeedStatus::Stale;
                run.reason = join(&why, &run.reason);
                (None, run)
            } else {
                run.status = FeedStatus::Ok;
                (Some(data), run)
            }
        }
        Some(Err(e)) => {
            unusable(&mut run, feed, &e);
            (None, run)
        }
        None => (None, run),
    }
}

fn join(first: &str, then: &str) -> String {
    if then.is_empty() {
        first.to_string()
    } else {
        format!("{first}; {then}")
    }
}

fn unusable(run: &mut FeedRun, feed: Feed, e: &str) {
    run.status = FeedStatus::Unavailable;
    run.reason = join(
        &format!("the {} cannot be read: {e}", feed.name()),
        &run.reason,
    );
}

/// Why data of `date` is too old to use, if it is.
fn stale(
    feed: Feed,
    date: NaiveDate,
    settings: &IntelSettings,
    now: DateTime<Utc>,
) -> Option<String> {
    let at = date.and_hms_opt(0, 0, 0)?.and_utc();
    let age = (now - at).to_std().unwrap_or_default();
    (age > settings.max_age).then(|| {
        format!(
            "the {} is of {date}, older than intel.max_age ({})",
            feed.name(),
            settings.max_age_text
        )
    })
}

/// The feed's bytes (fresh from the cache, downloaded, or an older cached copy when the
/// download failed), and what the run records of it. `None`: nothing to read.
fn load(
    feed: Feed,
    url: &str,
    settings: &IntelSettings,
    now: DateTime<Utc>,
) -> (Option<Vec<u8>>, FeedRun) {
    let data_path = settings.dir.join(feed.file());
    let meta_path = settings.dir.join(format!("{}.meta.json", feed.file()));
    let meta: Option<Meta> = std::fs::read(&meta_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|_| data_path.is_file());
    let mut run = FeedRun {
        source: crate::terminal::printable(url).into_owned(),
        ..FeedRun::default()
    };
    let cached = |run: &mut FeedRun, meta: &Meta| {
        run.fetched_at = meta.fetched_at.to_rfc3339();
        run.source = meta.source.clone();
        read_file(&data_path).ok()
    };
    let fresh = meta.as_ref().filter(|m| {
        m.source == url && (now - m.fetched_at).to_std().is_ok_and(|age| age < REFRESH)
    });
    if let Some(m) = fresh {
        return (cached(&mut run, m), run);
    }
    let download_failure = if settings.offline {
        "intel.offline = true".to_string()
    } else {
        match fetch(url).and_then(|bytes| {
            // Only a copy that reads is kept: a broken download must not replace a good one.
            let check = match feed {
                Feed::Kev => parse_kev(&bytes).map(|_| ()),
                Feed::Epss => parse_epss(&bytes).map(|_| ()),
            };
            check.map(|()| bytes)
        }) {
            Ok(bytes) => {
                let meta = Meta {
                    source: url.to_string(),
                    fetched_at: now,
                };
                let stored = crate::atomic::write_atomic_at(&data_path, &bytes).and_then(|_| {
                    crate::atomic::write_atomic_at(
                        &meta_path,
                        &serde_json::to_vec(&meta).expect("meta serializes"),
                    )
                });
                if let Err(e) = stored {
                    run.reason = format!("the copy could not be kept: {e}");
                }
                run.fetched_at = now.to_rfc3339();
                return (Some(bytes), run);
            }
            Err(e) => format!(
                "download from {} failed: {e}",
                crate::terminal::printable(url)
            ),
        }
    };
    match &meta {
        // A copy is the copy of one source: another URL's data never stands in for this one's.
        Some(m) if m.source != url => {
            run.status = FeedStatus::Unavailable;
            run.reason = format!(
                "{download_failure}; the cached copy is of another source ({}), not used",
                crate::terminal::printable(&m.source)
            );
            (None, run)
        }
        Some(m) => {
            let bytes = cached(&mut run, m);
            run.reason = format!(
                "{download_failure}; using the copy fetched at {} from {}",
                run.fetched_at, run.source
            );
            (bytes, run)
        }
        None => {
            run.status = FeedStatus::Unavailable;
            run.reason = format!(
                "no {} could be had ({download_failure}) and none is cached in {}",
                feed.name(),
                crate::paths::display_path(&settings.dir)
            );
            (None, run)
        }
    }
}

fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    crate::input::read_io(path, None, MAX_FEED_BYTES)
}

/// `http(s)://` through an HTTP client; `file://` and plain paths from the file system. At
/// most 64 MiB; the feeds' timeouts.
pub fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        // A connection that is dropped rather than refused (a firewall) gives up soon: the run
        // goes on without the data rather than wait for it.
        let agent = crate::http::agent_with_connect_timeout(DOWNLOAD_TIMEOUT, CONNECT_TIMEOUT);
        let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
        if response.status() != 200 {
            return Err(format!("the server answered {}", response.status()));
        }
        let mut bytes = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_FEED_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        if bytes.len() as u64 > MAX_FEED_BYTES {
            return Err(format!("it is over {} MiB", MAX_FEED_BYTES >> 20));
        }
        return Ok(bytes);
    }
    let path = match url.strip_prefix("file://") {
        Some(rest) => PathBuf::from(rest),
        None if url.contains("://") => {
            return Err("only http://, https:// and file:// URLs (or paths) are read".into());
        }
        None => PathBuf::from(url),
    };
    read_file(&path).map_err(|e| e.to_string())
}

#[derive(Debug)]
struct Kev {
    version: String,
    date: NaiveDate,
    entries: HashMap<String, KevInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KevFile {
    #[serde(default)]
    catalog_version: String,
    date_released: String,
    vulnerabilities: Vec<KevEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KevEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(default)]
    date_added: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    known_ransomware_campaign_use: String,
    #[serde(default)]
    vulnerability_name: String,
}

/// The date at the start of `text` (`2026-11-29`, `2026-11-29T14:00:12Z`).
fn leading_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

fn parse_kev(bytes: &[u8]) -> Result<Kev, String> {
    let file: KevFile = serde_json::from_slice(bytes).map_err(|e| {
        format!("not a KEV catalog (JSON with dateReleased and vulnerabilities): {e}")
    })?;
    let date = leading_date(&file.date_released)
        .ok_or_else(|| format!("its dateReleased {:?} is not a date", file.date_released))?;
    let entries = file
        .vulnerabilities
        .into_iter()
        .map(|v| {
            (
                v.cve_id.trim().to_string(),
                KevInfo {
                    date_added: v.date_added,
                    due_date: v.due_date,
                    known_ransomware_use: v
                        .known_ransomware_campaign_use
                        .eq_ignore_ascii_case("known"),
                    name: v.vulnerability_name,
                },
            )
        })
        .collect();
    Ok(Kev {
        version: file.catalog_version,
        date,
        entries,
    })
}

#[derive(Debug)]
struct Epss {
    model_version: String,
    date: NaiveDate,
    scores: HashMap<String, (f64, f64)>,
}

/// FIRST's CSV: `#model_version:v2025.03.14,score_date:2026-11-29T00:00:00+0000`, then
/// `cve,epss,percentile`, then a row per CVE. Gzipped as published, or plain.
fn parse_epss(bytes: &[u8]) -> Result<Epss, String> {
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_EPSS_INFLATED + 1)
            .read_to_string(&mut out)
            .map_err(|e| format!("not gzipped CSV: {e}"))?;
        // A bomb is refused, never cut short and read as a whole file (nor kept).
        if out.len() as u64 > MAX_EPSS_INFLATED {
            return Err(format!(
                "it inflates to more than {} MiB (the real file is tens of MB): refused",
                MAX_EPSS_INFLATED >> 20
            ));
        }
        out
    } else {
        String::from_utf8(bytes.to_vec()).map_err(|_| "not UTF-8 text".to_string())?
    };
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let mut model_version = String::new();
    let mut date = None;
    for part in first.trim_start_matches('#').split(',') {
        match part.split_once(':') {
            Some(("model_version", v)) => model_version = v.trim().to_string(),
            Some(("score_date", v)) => date = leading_date(v.trim()),
            _ => {}
        }
    }
    let date = date.ok_or_else(|| {
        "its first line is not `#model_version:...,score_date:YYYY-MM-DD...`".to_string()
    })?;
    let header = lines.next().unwrap_or_default();
    if header.trim() != "cve,epss,percentile" {
        // Quoted only as a short escaped prefix: the file may be anything.
        let prefix: String = header.chars().take(24).collect();
        let more = if header.chars().count() > 24 {
            "..."
        } else {
            ""
        };
        return Err(format!(
            "its second line ({:?}{more}) is not \"cve,epss,percentile\"",
            crate::terminal::printable(&prefix)
        ));
    }
    let mut scores = HashMap::default();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.split(',');
        let parsed = (|| {
            let cve = fields.next()?.trim();
            let epss: f64 = fields.next()?.trim().parse().ok()?;
            let percentile: f64 = fields.next()?.trim().parse().ok()?;
            let valid = (0.0..=1.0).contains(&epss) && (0.0..=1.0).contains(&percentile);
            (valid && !cve.is_empty()).then(|| (cve.to_string(), (epss, percentile)))
        })();
        match parsed {
            Some((cve, score)) => {
                scores.insert(cve, score);
            }
            None => return Err(format!("line {} is not `cve,epss,percentile`", i + 3)),
        }
    }
    Ok(Epss {
        model_version,
        date,
        scores,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dir: &Path, kev_url: &str, epss_url: &str) -> IntelSettings {
        IntelSettings {
            kev: true,
            epss: true,
            kev_url: kev_url.into(),
            epss_url: epss_url.into(),
            max_age: Duration::from_secs(3 * 86_400),
            max_age_text: "3d".into(),
            offline: false,
            dir: dir.join("intel"),
        }
    }

    const KEV: &str = r#"{"catalogVersion":"2026.11.28","dateReleased":"2026-11-28T14:00:12.4517Z","count":1,
        "vulnerabilities":[{"cveID":"CVE-2099-0101","vendorProject":"x","product":"y",
        "vulnerabilityName":"Busybox RCE","dateAdded":"2026-11-01","dueDate":"2026-11-22",
        "knownRansomwareCampaignUse":"Known","notes":""}]}"#;
    const EPSS: &str = "#model_version:v2025.03.14,score_date:2026-11-29T00:00:00+0000\ncve,epss,percentile\nCVE-2099-0003,0.91234,0.99876\nCVE-2099-0001,0.00042,0.1\n";

    fn now() -> DateTime<Utc> {
        "2026-11-29T12:00:00Z".parse().unwrap()
    }

    #[test]
    fn feeds_parse_and_are_looked_up_by_id() {
        let dir = tempfile::tempdir().unwrap();
        let kev = dir.path().join("kev.json");
        std::fs::write(&kev, KEV).unwrap();
        let epss = dir.path().join("epss.csv.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, EPSS.as_bytes()).unwrap();
        std::fs::write(&epss, gz.finish().unwrap()).unwrap();
        let s = settings(
            dir.path(),
            kev.to_str().unwrap(),
            &format!("file://{}", epss.display()),
        );
        let intel = prepare(&s, now(), &|_| {}).unwrap();
        assert!(intel.has_kev() && intel.has_epss(), "{:?}", intel.run);
        let k = intel.kev("CVE-2099-0101").unwrap();
        assert!(k.known_ransomware_use);
        assert_eq!(k.due_date, "2026-11-22");
        assert_eq!(intel.run.kev.version, "2026.11.28");
        assert_eq!(intel.epss("CVE-2099-0003").unwrap().probability, 0.91234);
        assert_eq!(intel.run.epss.date, "2026-11-29");
        assert!(intel.kev("CVE-2099-0003").is_none());
        // A second run within the day reads the cached copies, even with the sources gone.
        std::fs::remove_file(&kev).unwrap();
        std::fs::remove_file(&epss).unwrap();
        let again = prepare(&s, now() + chrono::Duration::hours(5), &|_| {}).unwrap();
        assert!(again.has_kev() && again.has_epss(), "{:?}", again.run);
        // A day later the download is tried, fails, and the cached copy is used and said so.
        let later = prepare(&s, now() + chrono::Duration::hours(30), &|_| {}).unwrap();
        assert!(later.has_kev(), "{:?}", later.run);
        assert!(
            later.run.kev.reason.contains("failed"),
            "{}",
            later.run.kev.reason
        );
        // Four days after its date the catalog is stale: not used, and said.
        let stale = prepare(&s, now() + chrono::Duration::days(4), &|_| {}).unwrap();
        assert!(!stale.has_kev());
        assert_eq!(stale.run.kev.status, FeedStatus::Stale);
        assert!(stale.kev("CVE-2099-0101").is_none());
        let missing = stale.run.missing_feeds();
        assert_eq!(missing[0].0, "KEV");
        assert!(
            missing[0]
                .1
                .starts_with("the KEV catalog is of 2026-11-28, older than intel.max_age (3d)"),
            "{missing:?}"
        );
    }

    #[test]
    fn a_copy_of_another_source_never_stands_in_for_a_failed_download() {
        let dir = tempfile::tempdir().unwrap();
        let kev = dir.path().join("kev.json");
        std::fs::write(&kev, KEV).unwrap();
        let first = settings(dir.path(), kev.to_str().unwrap(), "");
        assert!(prepare(&first, now(), &|_| {}).unwrap().has_kev());
        // Another URL, which cannot be had: the copy of the first is not its data.
        let other = settings(dir.path(), "/nonexistent/other-kev.json", "");
        let intel = prepare(&other, now(), &|_| {}).unwrap();
        assert!(!intel.has_kev());
        assert_eq!(intel.run.kev.status, FeedStatus::Unavailable);
        assert!(
            intel.run.kev.reason.contains("another source"),
            "{}",
            intel.run.kev.reason
        );
        let entries = intel.run.ledger_entries();
        assert_eq!(entries[0].status, crate::model::LedgerStatus::Failed);
        // The same URL failing a day later: its own copy is used, and said with its source.
        std::fs::remove_file(&kev).unwrap();
        let later = prepare(&first, now() + chrono::Duration::days(1), &|_| {}).unwrap();
        assert!(later.has_kev());
        assert!(
            later.run.kev.reason.contains("using the copy fetched at")
                && later.run.kev.reason.contains(kev.to_str().unwrap()),
            "{}",
            later.run.kev.reason
        );
        let entries = later.run.ledger_entries();
        assert_eq!(entries[0].status, crate::model::LedgerStatus::Done);
        assert!(!entries[0].reason.is_empty());
    }

    #[test]
    fn a_feed_that_cannot_be_had_is_unavailable_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path(), "/nonexistent/kev.json", "ftp://x/epss.csv");
        let intel = prepare(&s, now(), &|_| {}).unwrap();
        assert_eq!(intel.run.kev.status, FeedStatus::Unavailable);
        assert_eq!(intel.run.epss.status, FeedStatus::Unavailable);
        assert_eq!(intel.run.missing_feeds().len(), 2);
    }

    #[test]
    fn a_gzip_bomb_is_refused_and_never_kept() {
        let dir = tempfile::tempdir().unwrap();
        let bomb = dir.path().join("epss.csv.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(
            &mut gz,
            b"#model_version:v1,score_date:2026-11-29T00:00:00+0000\ncve,epss,percentile\n",
        )
        .unwrap();
        let zeros = vec![b'\n'; 1 << 20];
        for _ in 0..(MAX_EPSS_INFLATED >> 20) + 1 {
            std::io::Write::write_all(&mut gz, &zeros).unwrap();
        }
        let bytes = gz.finish().unwrap();
        assert!(bytes.len() < 1 << 20, "a small file");
        let Err(err) = parse_epss(&bytes) else {
            panic!("a bomb was read")
        };
        assert!(err.contains("inflates to more than 128 MiB"), "{err}");
        let s = settings(dir.path(), "", &format!("file://{}", bomb.display()));
        std::fs::write(&bomb, &bytes).unwrap();
        let intel = prepare(&s, now(), &|_| {}).unwrap();
        assert_eq!(intel.run.epss.status, FeedStatus::Unavailable);
        assert!(!s.dir.join("epss.csv").exists(), "never cached");
    }

    #[test]
    fn an_unreadable_feed_is_quoted_only_as_a_short_escaped_prefix() {
        let secret = "token-abcdefghijklmnopqrstuvwxyz-0123456789\u{1b}]0;x\u{7}";
        let text = format!("#model_version:v1,score_date:2026-11-29\n{secret}\n");
        let Err(err) = parse_epss(text.as_bytes()) else {
            panic!("read")
        };
        assert!(
            !err.contains("0123456789") && !err.contains('\u{1b}'),
            "{err}"
        );
    }

    #[test]
    fn broken_feeds_are_refused_with_the_reason() {
        assert!(parse_kev(b"{}").unwrap_err().contains("not a KEV catalog"));
        assert!(
            parse_epss(b"cve,epss,percentile\n")
                .unwrap_err()
                .contains("first line")
        );
        let bad = "#model_version:v1,score_date:2026-11-29\ncve,epss,percentile\nCVE-1,2.5,0.1\n";
        assert!(parse_epss(bad.as_bytes()).unwrap_err().contains("line 3"));
    }
}
