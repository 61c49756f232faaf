//! The HTML report at fleet size (#34 item 7): 10,000 targets through a real run (imported
//! Trivy reports of digest-pinned images, most of them clean, one unreadable), the page opened
//! in headless Chromium at a desktop's and a phone's width. A probe script, added to a copy of
//! the page, measures what the layout shows; the screenshots are kept as test artifacts.

use std::fs;
use std::path::Path;

use crate::common::{Project, report_paths, text};

const TARGETS: usize = 10_000;
/// Every 250th target has findings.
const EVERY: usize = 250;
/// The page's load (parsing, its script, layout) in Chromium stays under this; the measured
/// time is in docs/performance.md.
const LOAD_BOUND_MS: f64 = 5_000.0;

fn digest(i: usize) -> String {
    format!("{:016x}", i * 7919 + 1).repeat(4)
}

fn reference(i: usize) -> String {
    format!(
        "127.0.0.1:5000/platform/team-{}/service-{i}@sha256:{}",
        i % 37,
        digest(i)
    )
}

/// What target `i` has: the 7th with findings has three criticals, the 13th two, the others
/// one high and some mediums; the rest none.
fn vulnerabilities(i: usize) -> Vec<&'static str> {
    if !i.is_multiple_of(EVERY) {
        return Vec::new();
    }
    match i / EVERY {
        7 => vec!["CRITICAL"; 3],
        13 => vec!["CRITICAL"; 2],
        k => std::iter::once("HIGH")
            .chain(std::iter::repeat_n("MEDIUM", k % 5))
            .collect(),
    }
}

fn trivy_report(i: usize) -> String {
    let vulns: Vec<serde_json::Value> = vulnerabilities(i)
        .iter()
        .enumerate()
        .map(|(n, severity)| {
            serde_json::json!({
                "VulnerabilityID": format!("CVE-2097-{i:05}{n}"),
                "PkgName": format!("pkg{n}"),
                "InstalledVersion": "1.0.0",
                "FixedVersion": "1.0.1",
                "Severity": severity,
                "Title": format!("test advisory {n}"),
            })
        })
        .collect();
    let results = if vulns.is_empty() {
        serde_json::json!([])
    } else {
        serde_json::json!([{"Target": "debian 12", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": vulns}])
    };
    serde_json::json!({
        "SchemaVersion": 2,
        "ArtifactName": reference(i),
        "ArtifactType": "container_image",
        "Metadata": {"OS": {"Family": "debian", "Name": "12"}},
        "Results": results,
    })
    .to_string()
}

/// Added before `</body>` of a copy: the facts of the layout, as JSON in `data-probe`.
const PROBE: &str = r#"<script>
(function(){
  var root = document.documentElement;
  function box(r){ return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }
  function textBox(cell){ var range = document.createRange(); range.selectNodeContents(cell); return box(range.getBoundingClientRect()); }
  function underBadges(table){
    var heads = table.tHead.rows[0].cells, row = table.tBodies[0].rows[0], out = [];
    for (var i = 0; i < heads.length; i++) {
      var badge = heads[i].querySelector('.sev');
      if (badge) { out.push({severity: badge.textContent, badge: box(badge.getBoundingClientRect()), count: textBox(row.cells[i])}); }
    }
    return out;
  }
  var rows = document.querySelectorAll('#target-table tbody tr');
  var probe = {
    ready: root.dataset.ready || '',
    ms: performance.now(),
    width: window.innerWidth,
    overflow: root.scrollWidth - window.innerWidth,
    totals: underBadges(document.querySelector('#overview table')),
    ranked: underBadges(document.getElementById('target-table')),
    first: Array.prototype.slice.call(rows, 0, 4).map(function(r){ return {name: r.cells[0].textContent, title: r.cells[0].title, last: r.cells[r.cells.length - 1].textContent}; }),
    ranked_rows: rows.length,
    clean: document.querySelector('#clean-targets summary').textContent,
    sections: document.querySelectorAll('section.target').length,
    shown: root.dataset.targetsShown || ''
  };
  root.setAttribute('data-probe', JSON.stringify(probe));
})();
</script>"#;

/// Opens `page` (+ `fragment`) at `width` px: a screenshot to `shot`, then the probe's facts.
fn open(page: &Path, fragment: &str, width: u32, shot: &Path) -> serde_json::Value {
    let bin = std::env::var("TESTKIT_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let url = format!("file://{}{fragment}", page.display());
    let run = |extra: &[&str]| {
        let out = std::process::Command::new(&bin)
            .args(["--headless", "--no-sandbox", "--disable-gpu"])
            .args(["--enable-logging=stderr", "--v=0"])
            .arg(format!("--window-size={width},1600"))
            .args(extra)
            .arg(&url)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {bin}: {e} (scripts/test.sh installs it)"));
        let log = text(&out.stderr);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "console messages: {console:#?}");
        text(&out.stdout)
    };
    run(&[&format!("--screenshot={}", shot.display())]);
    let dom = run(&["--dump-dom"]);
    let probe = regex::Regex::new(r#"data-probe="([^"]*)""#)
        .unwrap()
        .captures(&dom)
        .unwrap_or_else(|| panic!("the probe did not run: {}", &dom[..dom.len().min(2000)]))[1]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&probe).unwrap()
}

/// Each count sits under its severity badge: below it, right edges aligned as the column's.
fn assert_under_badges(pairs: &serde_json::Value, what: &str) {
    let pairs = pairs.as_array().unwrap();
    assert_eq!(pairs.len(), 5, "{what}: {pairs:?}");
    for p in pairs {
        let (badge, count) = (&p["badge"], &p["count"]);
        let f = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap();
        assert!(
            (f(count, "right") - f(badge, "right")).abs() <= 2.0
                && f(count, "top") >= f(badge, "bottom") - 1.0,
            "{what}: the {} count is not under its badge: {p}",
            p["severity"]
        );
    }
}

#[test]
fn a_fleet_of_ten_thousand_targets_leads_with_what_needs_action_at_both_widths() {
    let p = Project::new();
    let imported = p.path().join("imported");
    fs::create_dir(&imported).unwrap();
    for i in 0..TARGETS {
        fs::write(imported.join(format!("r{i:05}.json")), trivy_report(i)).unwrap();
    }
    fs::write(imported.join("broken.json"), "{\"Results\": [").unwrap();
    fs::write(
        p.path().join("scanner.toml"),
        "[default]\nseverity = \"low\"\n[default.trivy]\nbinary = \"/nonexistent/trivy\"\n[default.report]\nformats = [\"json\", \"html\"]\n[[default.targets]]\nname = \"fleet\"\nreports = [\"imported/*.json\"]\n",
    )
    .unwrap();
    let out = p.trivyscan().arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let paths = report_paths(&out);
    let html_path = p
        .path()
        .join(paths.iter().find(|p| p.ends_with(".html")).unwrap());
    let html = fs::read_to_string(&html_path).unwrap();
    let body_end = html.rfind("</body>").unwrap();
    let probed = p.path().join("probed.html");
    fs::write(
        &probed,
        format!("{}{PROBE}{}", &html[..body_end], &html[body_end..]),
    )
    .unwrap();
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-fleet");
    fs::create_dir_all(&artifacts).unwrap();
    let with_findings = (0..TARGETS).filter(|i| i.is_multiple_of(EVERY)).count();

    for (width, shot) in [(1400, "wide.png"), (390, "phone.png")] {
        let probe = open(&probed, "", width, &artifacts.join(shot));
        let what = format!("{width} px");
        assert_eq!(probe["ready"], "1", "{what}: the page script ran");
        // Headless Chromium's narrowest window is 500 px: the page's narrowest layout (below
        // 700 px) is what a phone gets.
        assert!(
            probe["width"].as_u64().unwrap() <= u64::from(width.max(500)),
            "{what}: {probe}"
        );
        let ms = probe["ms"].as_f64().unwrap();
        eprintln!("html_fleet: {TARGETS} targets loaded in {ms:.0} ms at {what}");
        assert!(ms < LOAD_BOUND_MS, "{what}: loaded in {ms} ms");
        // Nothing wider than the screen: wide tables scroll inside their own box.
        assert!(
            probe["overflow"].as_f64().unwrap() <= 0.0,
            "{what}: {probe}"
        );
        assert_under_badges(&probe["totals"], &format!("{what}, fleet totals"));
        assert_under_badges(&probe["ranked"], &format!("{what}, targets"));
        // What needs action first: the unreadable report, then by severity; readable names
        // with the full reference as a title.
        let first = probe["first"].as_array().unwrap();
        assert!(
            first[0]["name"].as_str().unwrap().contains("broken.json"),
            "{what}: {first:?}"
        );
        assert!(
            first[0]["last"]
                .as_str()
                .unwrap()
                .starts_with("not scanned"),
            "{first:?}"
        );
        assert_eq!(
            first[1]["name"],
            format!(
                "platform/team-{}/service-{}@sha256:{} (from imported/r{:05}.json)",
                (7 * EVERY) % 37,
                7 * EVERY,
                &digest(7 * EVERY)[..12],
                7 * EVERY
            ),
            "{what}"
        );
        assert!(
            first[1]["title"]
                .as_str()
                .unwrap()
                .starts_with(&reference(7 * EVERY)),
            "{first:?}"
        );
        assert!(
            first[2]["name"]
                .as_str()
                .unwrap()
                .contains(&format!("service-{}@", 13 * EVERY))
        );
        assert_eq!(probe["ranked_rows"], with_findings + 1);
        // The clean ones are one folded line, not thousands of sections.
        assert_eq!(
            probe["clean"],
            format!(
                "{} targets with no findings",
                trivyscan::report::sarif::thousands(TARGETS - with_findings)
            )
        );
        assert_eq!(probe["sections"], with_findings + 1);
    }

    // Search over targets, also from the address: the clean ones it matches are unfolded.
    let probe = open(
        &probed,
        "#target=service-77",
        1400,
        &artifacts.join("search.png"),
    );
    let matching = (0..TARGETS)
        .filter(|i| reference(*i).contains("service-77"))
        .count();
    assert_eq!(probe["shown"], matching.to_string());
}
