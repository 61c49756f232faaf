//! Asking a registry which digest a tag points at (`resolve_tags = true`), so refs by tag can
//! use the result cache too. Anonymous, or with the credentials Trivy uses (TRIVY_USERNAME /
//! TRIVY_PASSWORD, or the variables `trivy.username_env` / `password_env` name), through the
//! registry's Basic or Bearer token challenge. Any failure leaves the tag to be scanned as is.

use std::time::Duration;

use base64::Engine;

use crate::reference::ImageRef;

/// `host[:port]` and repository path of a reference, with Docker Hub's defaults.
fn split(name: &str) -> (String, String) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first.to_string(), rest.to_string())
        }
        _ if !name.contains('/') => ("registry-1.docker.io".into(), format!("library/{name}")),
        _ => ("registry-1.docker.io".into(), name.to_string()),
    }
}

/// Registries on the loopback interface speak plain HTTP, as Trivy assumes too.
fn scheme(host: &str) -> &'static str {
    let bare = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if matches!(bare, "localhost" | "127.0.0.1" | "[::1]") {
        "http"
    } else {
        "https"
    }
}

const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// The digest `reference`'s tag points at.
pub fn resolve_digest(
    reference: &ImageRef,
    login: Option<(String, String)>,
) -> Result<String, String> {
    let (host, repo) = split(&reference.name);
    let tag = reference.tag.as_deref().unwrap_or("latest");
    let url = format!("{}://{host}/v2/{repo}/manifests/{tag}", scheme(&host));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(20)))
        .http_status_as_error(false)
        .build()
        .into();
    let head = |auth: Option<&str>| {
        let mut req = agent.head(&url).header("Accept", ACCEPT);
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        req.call().map_err(|e| e.to_string())
    };
    let mut response = head(None)?;
    if response.status() == 401 {
        let challenge = response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let basic = login.as_ref().map(|(u, p)| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )
        });
        let auth = if challenge.to_ascii_lowercase().starts_with("bearer") {
            let param = |key: &str| {
                challenge
                    .split([',', ' '])
                    .find_map(|kv| kv.strip_prefix(&format!("{key}=\"")))
                    .map(|v| v.trim_end_matches('"').to_string())
            };
            let realm = param("realm").ok_or("no realm in the registry's challenge")?;
            let mut token_url = format!("{realm}?scope=repository:{repo}:pull");
            if let Some(service) = param("service") {
                token_url.push_str(&format!("&service={service}"));
            }
            let mut req = agent.get(&token_url);
            if let Some(b) = &basic {
                req = req.header("Authorization", b);
            }
            let mut tok = req.call().map_err(|e| e.to_string())?;
            let text = tok
                .body_mut()
                .read_to_string()
                .map_err(|e| format!("token: {e}"))?;
            let body: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("token: {e}"))?;

            let token = body["token"]
                .as_str()
                .or(body["access_token"].as_str())
                .ok_or("no token from the registry")?;
            format!("Bearer {token}")
        } else {
            basic.ok_or("the registry wants a login; none is configured")?
        };
        response = head(Some(&auth))?;
    }
    if response.status() != 200 {
        return Err(format!("the registry answered {}", response.status()));
    }
    response
        .headers()
        .get("docker-content-digest")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| "the registry sent no Docker-Content-Digest".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_and_repository() {
        assert_eq!(
            split("alpine"),
            ("registry-1.docker.io".into(), "library/alpine".into())
        );
        assert_eq!(
            split("team/app"),
            ("registry-1.docker.io".into(), "team/app".into())
        );
        assert_eq!(
            split("127.0.0.1:5000/fleet/app"),
            ("127.0.0.1:5000".into(), "fleet/app".into())
        );
        assert_eq!(scheme("127.0.0.1:5000"), "http");
        assert_eq!(scheme("registry.example.com"), "https");
    }
}
