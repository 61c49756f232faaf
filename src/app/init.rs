//! `init`: a scanner.toml to start from.

use crate::error::{Error, exit};
use crate::i18n::tf;
use crate::paths::display_path;
use crate::settings::{self, LoadOptions};

use super::{Ui, print_stdout};

/// `init`: scanner.toml in the working directory (or `--config PATH`), never overwritten
/// without `--force`.
pub(super) fn init(
    opts: &LoadOptions,
    ui: Ui,
    from_legacy: bool,
    force: bool,
) -> Result<u8, Error> {
    let path = opts
        .config
        .clone()
        .unwrap_or_else(|| opts.cwd.join(settings::CONFIG_FILE));
    if path.exists() && !force {
        return Err(Error::InitExists(display_path(&path)));
    }
    let (text, imported, invalid) = if from_legacy {
        match crate::config_template::from_legacy(&opts.cwd).map_err(Error::Stdout)? {
            Some(made) => (made.config, Some(made.imported.join(", ")), made.invalid),
            None => return Err(Error::InitNoLegacy),
        }
    } else {
        (
            crate::config_template::TEMPLATE.to_string(),
            None,
            Vec::new(),
        )
    };
    // Written whole or not at all; 0644: a config holds no secrets.
    let written = crate::atomic::write_atomic_at(&path, text.as_bytes())?;
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&written, std::fs::Permissions::from_mode(0o644));
    print_stdout(&format!("{}\n", display_path(&written)))?;
    let shown = display_path(&written);
    // The next commands must find this file: name it unless it is where they look.
    let config = if opts.config.is_some() && written != opts.cwd.join(settings::CONFIG_FILE) {
        format!("--config {shown} ")
    } else {
        String::new()
    };
    ui.note(&crate::i18n::Msg::verbatim(match imported {
        Some(lists) => tf(
            "init_imported",
            &[("path", &shown), ("lists", &lists), ("config", &config)],
        ),
        None => tf("init_wrote", &[("path", &shown), ("config", &config)]),
    }));
    for (place, line) in &invalid {
        ui.note(&crate::msg!(
            "init-legacy-line-invalid",
            place = place,
            line = format!("{line:?}")
        ));
    }
    Ok(exit::OK)
}
