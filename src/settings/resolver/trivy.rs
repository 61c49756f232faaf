//! `[trivy]`: the binary, cache, timeout, backend, DB locations, credentials and server.

use std::path::{Path, PathBuf};

use crate::diagnostic_code::Code;

use super::{Resolver, or_builtin, parse_path};
use crate::settings::diagnostics::Problem;
use crate::settings::resolved::{Backend, RemoteServer, TrivySettings};
use crate::settings::schema::{BACKENDS, FileConfig, TrivyFile};

impl Resolver<'_> {
    /// `[trivy]`: the binary, cache, timeout, backend, DB locations, credentials and server.
    pub(super) fn trivy_settings(
        &mut self,
        file: &FileConfig,
        defaults: &FileConfig,
        base_dir: &Path,
    ) -> TrivySettings {
        let t = file.trivy.clone().unwrap_or_default();
        let remote = self.remote_server(&t);
        let credentials = self.credential_variables(&t);
        let td = defaults.trivy.clone().unwrap_or_default();
        let timeout_text = or_builtin(t.timeout, td.timeout.clone());
        let timeout = self.duration(&timeout_text, td.timeout.as_deref(), "trivy.timeout");
        let backend_name = or_builtin(t.backend, td.backend);
        let backend = self
            .one_of(
                &backend_name,
                &BACKENDS,
                &parse_path("trivy.backend"),
                Code::ConfigBackend,
                "backend",
                |b| match b {
                    "server" => Some(Backend::Server),
                    "memory" => Some(Backend::Memory),
                    "standalone" => Some(Backend::Standalone),
                    _ => None,
                },
            )
            .unwrap_or(Backend::Server);
        let binary = or_builtin(t.binary, td.binary);
        let binary = if binary.contains('/') {
            base_dir.join(binary)
        } else {
            PathBuf::from(binary)
        };
        let trivy = TrivySettings {
            binary,
            cache_dir: base_dir.join(or_builtin(t.cache_dir, td.cache_dir)),
            timeout,
            timeout_text,
            backend,
            db_repositories: or_builtin(t.db_repositories, td.db_repositories),
            java_db_repositories: or_builtin(t.java_db_repositories, td.java_db_repositories),
            offline: or_builtin(t.offline, td.offline),
            require_db: or_builtin(t.require_db, td.require_db),
            extra_args: t.extra_args.clone().unwrap_or_default(),
            credentials,
            remote,
            result_cache: or_builtin(t.result_cache, td.result_cache),
        };
        self.refuse_secret_flags(&trivy.extra_args);
        trivy
    }

    /// A secret on Trivy's command line is visible to every user of the machine (`ps`), and
    /// lands in logs: the credentials go through the `*_env` keys only.
    fn refuse_secret_flags(&mut self, extra_args: &[String]) {
        for (i, arg) in extra_args.iter().enumerate() {
            let flag = arg.split('=').next().unwrap_or(arg);
            if let Some((_, key)) = SECRET_FLAGS.iter().find(|(f, _)| *f == flag) {
                self.problems.push(
                    Problem::error(
                        Code::ConfigSecretFlag,
                        crate::msg!("config-secret-flag", flag = flag, i = i),
                    )
                    // Neither the value nor its line is shown: the secret may be on it.
                    .help(crate::msg!("config-secret-flag-help", key = key)),
                );
            }
        }
    }

    /// `trivy.server`: an http(s) URL without credentials in it.
    fn remote_server(&mut self, t: &TrivyFile) -> Option<RemoteServer> {
        if let Some(url) = t
            .server
            .as_ref()
            .map(|u| u.trim().trim_end_matches('/').to_string())
        {
            let has_userinfo = url
                .split_once("://")
                .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or(""))
                .is_some_and(|authority| authority.contains('@'));
            if has_userinfo {
                // The URL is not shown: it holds a password.
                self.problems.push(
                    Problem::error(
                        Code::ConfigServerCredentials,
                        crate::msg!("config-server-credentials"),
                    )
                    .label(crate::msg!("config-server-credentials-label"))
                    .help(crate::msg!("config-server-credentials-help")),
                );
            } else if url.starts_with("http://") || url.starts_with("https://") {
                return Some(RemoteServer {
                    url,
                    token_env: t.server_token_env.clone(),
                    token_header: t.server_token_header.clone(),
                });
            } else {
                self.problems.push(
                    Problem::error(
                        Code::ConfigServer,
                        crate::msg!("config-server", url = format!("{:?}", url)),
                    )
                    .label(crate::msg!("label-not-http-url"))
                    .help(crate::msg!("config-server-help"))
                    .at(&self.origin("trivy.server")),
                );
            }
        }
        None
    }

    /// The `*_env` keys: names of environment variables (never the secrets), as (the variable
    /// Trivy reads, ours).
    fn credential_variables(&mut self, t: &TrivyFile) -> Vec<(&'static str, String)> {
        let mut credentials = Vec::new();
        for (key, trivy_var, name) in [
            ("username_env", "TRIVY_USERNAME", &t.username_env),
            ("password_env", "TRIVY_PASSWORD", &t.password_env),
            (
                "registry_token_env",
                "TRIVY_REGISTRY_TOKEN",
                &t.registry_token_env,
            ),
            // Read by trivyscan itself for the remote server's token.
            ("server_token_env", "", &t.server_token_env),
        ] {
            let Some(name) = name else { continue };
            let valid = !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if valid {
                if !trivy_var.is_empty() {
                    credentials.push((trivy_var, name.clone()));
                }
            } else {
                // Neither the value nor its line is shown: it may be the secret itself, pasted in
                // by mistake, and diagnostics end up in CI logs.
                let place = self.origin(&format!("trivy.{key}"));
                self.problems.push(
                    Problem::error(
                        Code::ConfigCredentialEnv,
                        crate::msg!("config-credential-env", key = key, place = place),
                    )
                    .help(crate::msg!("config-credential-env-help", key = key)),
                );
            }
        }
        credentials
    }
}

/// Trivy flags that carry a secret, and the key that takes the variable holding it instead.
const SECRET_FLAGS: &[(&str, &str)] = &[
    ("--password", "password_env"),
    ("--password-stdin", "password_env"),
    ("--registry-token", "registry_token_env"),
    ("--token", "server_token_env"),
];
