//! `cache stats` and `cache prune`.

use crate::cli::CacheCommand;
use crate::error::{Error, exit};
use crate::paths::display_path;
use crate::settings::LoadOptions;

use super::{Ui, load, print_stdout};

/// `cache stats` and `cache prune`: the result cache in the configured Trivy cache dir.
pub(super) fn cache_command(
    opts: &LoadOptions,
    ui: Ui,
    command: &CacheCommand,
) -> Result<u8, Error> {
    let (settings, _) = load(opts, ui)?;
    let cache = crate::stage::result_cache::ResultCache::new(&settings.trivy.cache_dir);
    let entries = cache.entries();
    match command {
        CacheCommand::Stats { .. } => {
            let size: u64 = entries.iter().map(|e| e.2).sum();
            let mut by_db: std::collections::BTreeMap<String, usize> = Default::default();
            let (mut damaged, mut earlier) = (0, 0);
            for (path, meta, _, _) in &entries {
                match meta {
                    Some(m) => *by_db.entry(m.db_updated_at.clone()).or_default() += 1,
                    // An entry directory of an earlier build: not read, not damaged.
                    None if path.is_dir() => earlier += 1,
                    None => damaged += 1,
                }
            }
            let mut text = format!(
                "{}\nentries: {}\nsize: {:.1} MB\n",
                display_path(&crate::stage::result_cache::dir_in(
                    &settings.trivy.cache_dir
                )),
                entries.len(),
                size as f64 / 1e6
            );
            for (db, n) in by_db {
                text.push_str(&format!("  DB {db}: {n}\n"));
            }
            if damaged > 0 {
                text.push_str(&format!("damaged (removed by `cache prune`): {damaged}\n"));
            }
            if earlier > 0 {
                text.push_str(&format!(
                    "left by an earlier trivyscan, not read (removed by `cache prune`): {earlier}\n"
                ));
            }
            print_stdout(&text)?;
        }
        CacheCommand::Prune { older_than, .. } => {
            let limit = match older_than {
                Some(text) => Some(
                    humantime::parse_duration(text).map_err(|_| Error::Duration(text.clone()))?,
                ),
                None => None,
            };
            let now = std::time::SystemTime::now();
            let mut removed = 0;
            for (dir, meta, _, modified) in &entries {
                let old =
                    limit.is_none_or(|l| now.duration_since(*modified).unwrap_or_default() >= l);
                if (meta.is_none() || old) && crate::stage::result_cache::remove_entry(dir) {
                    removed += 1;
                }
            }
            print_stdout(&format!("removed {removed} of {} entries\n", entries.len()))?;
        }
    }
    Ok(exit::OK)
}
