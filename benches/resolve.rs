//! Loading and resolving a config with 10,000 targets (`cargo bench --bench resolve`).
//! The target is "well under a second"; numbers are recorded in docs/performance.md.

use std::time::Instant;

use trivyscan::settings::{self, LoadOptions};
use trivyscan::stage::resolve;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut toml = String::from("[default]\nseverity = \"high\"\n");
    for set in 0..10 {
        toml.push_str(&format!(
            "\n[[default.targets]]\nname = \"set-{set}\"\nimages = [\n"
        ));
        for i in 0..1000 {
            toml.push_str(&format!(
                "  \"registry.example.com/team-{set}/app-{i}:1.{i}.0\",\n"
            ));
        }
        toml.push_str("]\n");
    }
    std::fs::write(dir.path().join("scanner.toml"), &toml).unwrap();
    let opts = LoadOptions {
        cwd: dir.path().to_path_buf(),
        ..LoadOptions::default()
    };
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let (settings, _) = settings::load(&opts).expect("valid config");
        let resolved = resolve::resolve(&settings);
        assert_eq!(resolved.plan.targets.len(), 10_000);
        assert!(!resolved.problems.iter().any(|p| p.is_error()));
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "resolve 10,000 targets: best of 5 = {:.1} ms",
        best * 1000.0
    );
}
