//! Asking a registry which digest a tag points at (`resolve_tags = true`), so refs by tag can
//! use the result cache too, and which repositories and tags a glob matches (registry globs in
//! `images`). Anonymous, or with the credentials Trivy uses (TRIVY_USERNAME / TRIVY_PASSWORD,
//! or the variables `trivy.username_env` / `password_env` name), else Docker's `config.json`
//! (`auths`, credential helpers), through the registry's Basic or Bearer token challenge. A
//! failed digest lookup leaves the tag to be scanned as is.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine;

use crate::environment::Environment;
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

/// `http://host` or `https://host`: where a registry's own requests go.
fn base_url(host: &str) -> String {
    format!("{}://{host}", scheme(host))
}

/// A listing's bounds: its bytes and its time, whatever its pages say.
const LISTING_BYTES: u64 = 64 << 20;
const LISTING_TIME: Duration = Duration::from_secs(300);

/// `scheme` and `authority` (host[:port]) of an absolute URL, lowercased.
fn origin_of(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    Some((scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// The next page's URL, only on the registry's own scheme and host: a `Link` elsewhere would
/// receive the registry's login (and https must never page down to http).
fn next_page(base: &str, next: &str) -> Result<String, String> {
    if next.starts_with('/') && !next.starts_with("//") {
        return Ok(format!("{base}{next}"));
    }
    match (origin_of(base), origin_of(next)) {
        (Some(here), Some(there)) if here == there => Ok(next.to_string()),
        _ => Err(format!(
            "its next page is at {} (another host or scheme): not followed, so the registry's login is not sent there",
            crate::terminal::printable(&shown(next))
        )),
    }
}

const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

/// The digest `reference`'s tag points at.
pub fn resolve_digest(
    reference: &ImageRef,
    login: Option<(String, String)>,
    env: &Environment,
) -> Result<String, String> {
    let (host, repo) = split(&reference.name);
    let tag = reference.tag.as_deref().unwrap_or("latest");
    let url = format!("{}://{host}/v2/{repo}/manifests/{tag}", scheme(&host));
    let agent = crate::http::agent(Duration::from_secs(20));
    let response = with_login(
        &agent,
        &base_url(&host),
        &format!("repository:{repo}:pull"),
        // Docker's config (and a credential helper) only when the registry asks for a login.
        || login.or_else(|| DockerConfig::load(env).login(&host)),
        |auth| {
            let mut req = agent.head(&url).header("Accept", ACCEPT);
            if let Some(a) = auth {
                req = req.header("Authorization", a);
            }
            req.call().map_err(|e| e.to_string())
        },
    )?;
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

/// A login for one registry: user and password (or token as the password).
pub type Login = (String, String);

/// A listing as asked once: the names, or why the registry could not give them.
type Listing = Result<Vec<String>, String>;

/// An HTTP client for one run's registry requests, with the run's credentials.
pub struct Client {
    agent: ureq::Agent,
    /// Trivy's login (for every registry), as Trivy uses it.
    login: Option<Login>,
    docker: DockerConfig,
    /// Repositories per host and tags per (host, repository), asked once per run.
    catalogs: Mutex<HashMap<String, Listing>>,
    tags: Mutex<HashMap<(String, String), Listing>>,
    /// The most names one listing may hold (`registry_listing_limit`).
    listing_limit: usize,
}

impl Client {
    pub fn new(login: Option<Login>, listing_limit: usize, env: &Environment) -> Client {
        Client {
            agent: crate::http::agent(Duration::from_secs(30)),
            login,
            docker: DockerConfig::load(env),
            catalogs: Mutex::default(),
            tags: Mutex::default(),
            listing_limit,
        }
    }

    fn login_for(&self, host: &str) -> Option<Login> {
        self.login.clone().or_else(|| self.docker.login(host))
    }

    /// GET `url` (accepting `accept`), answering a 401 challenge for `scope` once.
    fn get(&self, host: &str, url: &str, scope: &str, accept: &str) -> Result<Response, String> {
        with_login(
            &self.agent,
            &base_url(host),
            scope,
            || self.login_for(host),
            |auth| {
                let mut req = self.agent.get(url).header("Accept", accept);
                if let Some(a) = auth {
                    req = req.header("Authorization", a);
                }
                req.call().map_err(|e| e.to_string())
            },
        )
    }

    /// Every page of a listing (`Link: <...>; rel="next"`), each page's names under `key`.
    fn pages(
        &self,
        host: &str,
        first: &str,
        key: &str,
        scope: &str,
    ) -> Result<Vec<String>, String> {
        let base = base_url(host);
        let mut url = format!("{base}{first}");
        let mut names = Vec::new();
        let mut visited = std::collections::HashSet::new();
        let mut read: u64 = 0;
        let started = std::time::Instant::now();
        loop {
            // A page linking back to one already read would loop for ever: a cycle, refused.
            if !visited.insert(url.clone()) {
                return Err(format!(
                    "{first}: its pages link back to {} (a cycle): refused",
                    crate::terminal::printable(&shown(&url))
                ));
            }
            if started.elapsed() > LISTING_TIME {
                return Err(format!(
                    "{first}: the listing took longer than {} s: refused",
                    LISTING_TIME.as_secs()
                ));
            }
            let mut response = self.get(host, &url, scope, "application/json")?;
            match response.status().as_u16() {
                200 => {}
                401 | 403 => {
                    return Err(format!(
                        "the registry refused the listing ({}): log in with `docker login {host}` or set trivy.username_env / password_env",
                        response.status()
                    ));
                }
                404 => return Err(format!("the registry has no {first} (404)")),
                status => return Err(format!("the registry answered {status} to {first}")),
            }
            let next = response
                .headers()
                .get("link")
                .and_then(|v| v.to_str().ok())
                .and_then(next_link);
            let left = LISTING_BYTES - read;
            let text = response
                .body_mut()
                .with_config()
                .limit(left)
                .read_to_string()
                .map_err(|e| {
                    format!(
                        "reading {first}: {e} (a whole listing may hold {} MiB)",
                        LISTING_BYTES >> 20
                    )
                })?;
            read += text.len() as u64;
            let body: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("{first} is not JSON: {e}"))?;
            names.extend(
                body[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.as_str().map(str::to_string)),
            );
            if names.len() > self.listing_limit {
                return Err(format!(
                    "{first} lists more than {} names (registry_listing_limit): refused",
                    self.listing_limit
                ));
            }
            match next {
                Some(next) => url = next_page(&base, &next)?,
                None => return Ok(names),
            }
        }
    }

    /// The registry's repositories (`/v2/_catalog`, every page), once per run.
    pub fn catalog(&self, host: &str) -> Result<Vec<String>, String> {
        if let Some(found) = self.catalogs.lock().expect("catalogs").get(host) {
            return found.clone();
        }
        let found = self.pages(host, "/v2/_catalog", "repositories", "registry:catalog:*");
        self.catalogs
            .lock()
            .expect("catalogs")
            .insert(host.to_string(), found.clone());
        found
    }

    /// A repository's tags (`/v2/<repo>/tags/list`, every page), once per run.
    pub fn tags(&self, host: &str, repo: &str) -> Result<Vec<String>, String> {
        let key = (host.to_string(), repo.to_string());
        if let Some(found) = self.tags.lock().expect("tags").get(&key) {
            return found.clone();
        }
        let found = self.pages(
            host,
            &format!("/v2/{repo}/tags/list"),
            "tags",
            &format!("repository:{repo}:pull"),
        );
        self.tags.lock().expect("tags").insert(key, found.clone());
        found
    }

    /// When `repo:tag`'s image was made: its config's `created` (through an index, the
    /// linux/amd64 image, else the first). `None` when the registry does not say.
    fn created(&self, host: &str, repo: &str, tag: &str) -> Option<String> {
        let base = format!("{}://{host}/v2/{repo}", scheme(host));
        let scope = format!("repository:{repo}:pull");
        let json = |url: &str| -> Option<serde_json::Value> {
            let mut response = self.get(host, url, &scope, ACCEPT).ok()?;
            if response.status() != 200 {
                return None;
            }
            serde_json::from_str(&response.body_mut().read_to_string().ok()?).ok()
        };
        let mut manifest = json(&format!("{base}/manifests/{tag}"))?;
        if let Some(list) = manifest["manifests"].as_array() {
            let amd64 = list.iter().find(|m| {
                m["platform"]["os"] == "linux" && m["platform"]["architecture"] == "amd64"
            });
            let digest = amd64.or(list.first())?["digest"].as_str()?.to_string();
            manifest = json(&format!("{base}/manifests/{digest}"))?;
        }
        let config = manifest["config"]["digest"].as_str()?;
        let config = json(&format!("{base}/blobs/{config}"))?;
        config["created"].as_str().map(str::to_string)
    }

    /// The `n` newest of `tags` by their images' created time (RFC 3339 sorts as text once
    /// normalised to UTC); tags whose time is unknown come last, by name.
    fn newest(&self, host: &str, repo: &str, tags: Vec<String>, n: usize) -> Vec<String> {
        if tags.len() <= n {
            return tags;
        }
        let mut dated: Vec<(Option<chrono::DateTime<chrono::Utc>>, String)> = tags
            .into_iter()
            .map(|t| {
                let created = self
                    .created(host, repo, &t)
                    .and_then(|c| chrono::DateTime::parse_from_rfc3339(&c).ok())
                    .map(|c| c.with_timezone(&chrono::Utc));
                (created, t)
            })
            .collect();
        dated.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        dated.into_iter().take(n).map(|(_, t)| t).collect()
    }

    /// The references a registry glob matches, sorted; with `max_tags`, the newest N tags of
    /// each repository (a manifest and a config request per matching tag), and for each
    /// repository that had more, (repository, the tags kept, how many matched).
    pub fn expand(&self, glob: &RefGlob, max_tags: Option<usize>) -> Result<Expansion, String> {
        let repos = if has_glob(&glob.repo) {
            let matcher = matcher(&glob.repo)?;
            self.catalog(&glob.host)?
                .into_iter()
                .filter(|r| matcher.is_match(r))
                .collect()
        } else {
            vec![glob.repo.clone()]
        };
        let mut refs = Vec::new();
        let mut trimmed = Vec::new();
        for repo in repos {
            if has_glob(&glob.tag) {
                let matcher = matcher(&glob.tag)?;
                let tags = match self.tags(&glob.host, &repo) {
                    Ok(tags) => tags,
                    // A repository the catalog lists but whose tags are gone (all deleted).
                    Err(e) if e.contains("(404)") => Vec::new(),
                    Err(e) => return Err(format!("{repo}: {e}")),
                };
                let mut matched: Vec<String> =
                    tags.into_iter().filter(|t| matcher.is_match(t)).collect();
                if let Some(n) = max_tags {
                    let all = matched.len();
                    matched = self.newest(&glob.host, &repo, matched, n);
                    if matched.len() < all {
                        trimmed.push((repo.clone(), matched.clone(), all));
                    }
                }
                refs.extend(
                    matched
                        .into_iter()
                        .map(|t| format!("{}/{repo}:{t}", glob.host)),
                );
            } else {
                refs.push(format!("{}/{repo}:{}", glob.host, glob.tag));
            }
        }
        refs.sort();
        refs.dedup();
        Ok(Expansion { refs, trimmed })
    }
}

/// What a registry glob expanded to.
pub struct Expansion {
    /// The references, sorted.
    pub refs: Vec<String>,
    /// With `max_tags`, each repository that had more matching tags: (repository, the tags
    /// kept, how many matched).
    pub trimmed: Vec<(String, Vec<String>, usize)>,
}

type Response = ureq::http::Response<ureq::Body>;

/// `call` made anonymously, then, when the registry answers 401, once more with the answer to
/// its challenge (for `scope`, with the login `login` gives, asked only then).
fn with_login(
    agent: &ureq::Agent,
    registry: &str,
    scope: &str,
    login: impl FnOnce() -> Option<Login>,
    call: impl Fn(Option<&str>) -> Result<Response, String>,
) -> Result<Response, String> {
    let response = call(None)?;
    if response.status() != 401 {
        return Ok(response);
    }
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let auth = authorization(agent, registry, &challenge, scope, login())?;
    call(Some(&auth))
}

/// The `Authorization` header answering `challenge`: Basic with the login, or a Bearer token
/// from the challenge's realm for `scope` (with the login, when there is one).
fn authorization(
    agent: &ureq::Agent,
    registry: &str,
    challenge: &str,
    scope: &str,
    login: Option<Login>,
) -> Result<String, String> {
    let basic = login.as_ref().map(|(u, p)| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
        )
    });
    if !challenge.to_ascii_lowercase().starts_with("bearer") {
        return basic.ok_or_else(|| {
            "the registry wants a login; none is configured (docker login, or trivy.username_env / password_env)".into()
        });
    }
    let param = |key: &str| {
        challenge
            .split([',', ' '])
            .find_map(|kv| kv.strip_prefix(&format!("{key}=\"")))
            .map(|v| v.trim_end_matches('"').to_string())
    };
    let realm = param("realm").ok_or("no realm in the registry's challenge")?;
    // The login goes to the realm: over https anywhere, over plain http only when the
    // registry itself is plain http on the same host.
    match origin_of(&realm) {
        Some((scheme, _)) if scheme == "https" => {}
        Some(origin) if scheme_is_http(&origin) && origin_of(registry) == Some(origin.clone()) => {}
        _ => {
            return Err(format!(
                "the registry's token service {} is not https on another host (nor the registry's own plain http): the login is not sent there",
                crate::terminal::printable(&shown(&realm))
            ));
        }
    }
    let mut token_url = format!("{realm}?scope={scope}");
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
    let body: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("token: {e}"))?;
    let token = body["token"]
        .as_str()
        .or(body["access_token"].as_str())
        .ok_or("no token from the registry")?;
    Ok(format!("Bearer {token}"))
}

fn scheme_is_http(origin: &(String, String)) -> bool {
    origin.0 == "http"
}

/// At most 120 characters of outside text, for a message.
fn shown(text: &str) -> String {
    let mut chars = text.chars();
    let prefix: String = chars.by_ref().take(120).collect();
    if chars.next().is_some() {
        format!("{prefix}...")
    } else {
        prefix
    }
}

/// The `rel="next"` target of a `Link` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| matches!(p.trim(), "rel=\"next\"" | "rel=next"))
            .then(|| {
                target
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
    })
}

/// Docker's client config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`): the
/// logins `docker login` left there.
#[derive(Debug, Default)]
struct DockerConfig {
    /// host -> base64 `user:password`.
    auths: HashMap<String, String>,
    /// host -> credential helper name (`docker-credential-<name>`).
    helpers: HashMap<String, String>,
    store: Option<String>,
}

/// `https://index.docker.io/v1/` -> `index.docker.io`.
fn bare_host(key: &str) -> String {
    let rest = key.split_once("://").map_or(key, |(_, r)| r);
    rest.split('/').next().unwrap_or(rest).to_string()
}

impl DockerConfig {
    fn load(env: &Environment) -> DockerConfig {
        let path = match env.get_os("DOCKER_CONFIG") {
            Some(dir) => std::path::PathBuf::from(dir).join("config.json"),
            None => match env.get_os("HOME") {
                Some(home) => std::path::PathBuf::from(home).join(".docker/config.json"),
                None => return DockerConfig::default(),
            },
        };
        let Ok(bytes) = crate::input::read_io(&path, None, crate::input::LIST_LIMIT) else {
            return DockerConfig::default();
        };
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            return DockerConfig::default();
        };
        let mut config = DockerConfig::default();
        for (key, entry) in json["auths"].as_object().into_iter().flatten() {
            if let Some(auth) = entry["auth"].as_str().filter(|a| !a.is_empty()) {
                config.auths.insert(bare_host(key), auth.to_string());
            }
        }
        for (key, helper) in json["credHelpers"].as_object().into_iter().flatten() {
            if let Some(name) = helper.as_str().filter(|n| plain_helper_name(n)) {
                config.helpers.insert(bare_host(key), name.to_string());
            }
        }
        config.store = json["credsStore"]
            .as_str()
            .filter(|n| plain_helper_name(n))
            .map(str::to_string);
        config
    }

    /// The login for `host`: its `auths` entry, else its credential helper (or the store's).
    fn login(&self, host: &str) -> Option<Login> {
        let hub = host == "registry-1.docker.io";
        let entry = self
            .auths
            .get(host)
            .or_else(|| hub.then(|| self.auths.get("index.docker.io")).flatten());
        if let Some(auth) = entry {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(auth)
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (user, password) = text.split_once(':')?;
            return Some((user.to_string(), password.to_string()));
        }
        let helper = self.helpers.get(host).or(self.store.as_ref())?;
        helper_login(helper, host)
    }
}

/// A credential helper's name is a plain word (`ecr-login`, `pass`): `docker-credential-` with
/// a `/` or `..` in it would name a program anywhere on the disk.
fn plain_helper_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['.', '-'])
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `docker-credential-<helper> get`, the host on stdin: `{"Username": ..., "Secret": ...}`.
fn helper_login(helper: &str, host: &str) -> Option<Login> {
    let out = crate::exec::Cmd::new(format!("docker-credential-{helper}"))
        .arg("get")
        .input(host.as_bytes().to_vec())
        .timeout(Duration::from_secs(30))
        .run()
        .ok()?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some((
        json["Username"].as_str()?.to_string(),
        json["Secret"].as_str()?.to_string(),
    ))
}

/// A registry glob: `host/team/*:release-*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefGlob {
    pub host: String,
    /// A repository path, or a glob of one (`*` within a path segment, `**` across).
    pub repo: String,
    /// A tag, or a glob of one; `latest` when none is written.
    pub tag: String,
}

fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

fn matcher(pattern: &str) -> Result<globset::GlobMatcher, String> {
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("{pattern:?} is not a valid glob: {e}"))
}

/// `None` when `text` is not a glob; else the glob, or why it cannot be expanded. Only text
/// made of what references and globs are made of counts: anything else (spaces, shell or
/// control characters, a leading `-`) is left to the reference check, which refuses it.
pub fn parse_glob(text: &str) -> Option<Result<RefGlob, String>> {
    let glob_chars = |c: char| c.is_ascii_alphanumeric() || "._-/:*?[]{},!@".contains(c);
    if !has_glob(text) || text.starts_with('-') || !text.chars().all(glob_chars) {
        return None;
    }
    Some((|| {
        if text.contains('@') {
            return Err("a registry glob cannot be pinned by digest".to_string());
        }
        let (host, rest) = text
            .split_once('/')
            .filter(|(h, _)| (h.contains('.') || h.contains(':') || *h == "localhost") && !has_glob(h))
            .ok_or("a registry glob starts with the registry's host (registry.example.com/team/*:1.*); Docker Hub has no catalog to search")?;
        let (repo, tag) = match rest.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo, tag),
            _ => (rest, "latest"),
        };
        if repo.is_empty() || tag.is_empty() {
            return Err("the repository or the tag is empty".to_string());
        }
        for part in [repo, tag] {
            matcher(part)?;
        }
        Ok(RefGlob {
            host: host.to_string(),
            repo: repo.to_string(),
            tag: tag.to_string(),
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_are_split_into_host_repository_and_tag() {
        assert_eq!(parse_glob("registry.example.com/team/app:1.2"), None);
        assert_eq!(
            parse_glob("registry.example.com/team/*:release-*"),
            Some(Ok(RefGlob {
                host: "registry.example.com".into(),
                repo: "team/*".into(),
                tag: "release-*".into(),
            }))
        );
        assert_eq!(
            parse_glob("127.0.0.1:5000/base/**").unwrap().unwrap().tag,
            "latest"
        );
        assert!(parse_glob("team/*:1").unwrap().is_err(), "no host");
        assert!(parse_glob("r.example/a/*@sha256:00").unwrap().is_err());
        assert!(parse_glob("r.example/a/[:1").unwrap().is_err());
        assert_eq!(
            parse_glob("app:1\u{1b}[31m"),
            None,
            "left to the reference check"
        );
        assert_eq!(parse_glob("app:1; rm -rf *"), None);
        assert_eq!(parse_glob("-*"), None);
        let m = matcher("team/*").unwrap();
        assert!(m.is_match("team/app") && !m.is_match("team/app/sub"));
        assert!(matcher("team/**").unwrap().is_match("team/app/sub"));
    }

    #[test]
    fn the_next_page_is_read_from_the_link_header() {
        assert_eq!(
            next_link("</v2/_catalog?last=b&n=2>; rel=\"next\""),
            Some("/v2/_catalog?last=b&n=2".into())
        );
        assert_eq!(
            next_link("<https://r/x?p=1>; rel=\"prev\", <https://r/x?p=3>; rel=\"next\""),
            Some("https://r/x?p=3".into())
        );
        assert_eq!(next_link("<https://r/x>; rel=\"prev\""), None);
    }

    #[test]
    fn a_next_page_stays_on_the_registrys_scheme_and_host() {
        let base = "https://reg.example.com";
        assert_eq!(
            next_page(base, "/v2/_catalog?last=a").unwrap(),
            "https://reg.example.com/v2/_catalog?last=a"
        );
        assert!(next_page(base, "https://REG.example.com/v2/_catalog?n=1").is_ok());
        for elsewhere in [
            "http://reg.example.com/v2/_catalog?last=a",
            "https://other.example.com/v2/_catalog",
            "https://reg.example.com:444/v2/_catalog",
            "//other.example.com/v2/_catalog",
            "ftp://reg.example.com/x",
        ] {
            assert!(next_page(base, elsewhere).is_err(), "{elsewhere}");
        }
    }

    #[test]
    fn a_login_goes_to_a_plain_http_realm_only_on_the_registrys_own_plain_http_host() {
        let agent = crate::http::agent(Duration::from_secs(1));
        let login = || Some(("u".to_string(), "p".to_string()));
        // Refused before any request: the realms are on ports nothing listens on.
        for (registry, realm) in [
            ("https://reg.example.com", "http://reg.example.com/token"),
            ("http://127.0.0.1:5000", "http://127.0.0.1:5001/token"),
            ("http://127.0.0.1:5000", "file:///etc/passwd"),
        ] {
            let challenge = format!("Bearer realm=\"{realm}\",service=\"x\"");
            let err = authorization(&agent, registry, &challenge, "s", login()).unwrap_err();
            assert!(
                err.contains("the login is not sent there"),
                "{registry} {realm}: {err}"
            );
        }
    }

    #[test]
    fn credential_helpers_are_plain_words() {
        for ok in [
            "ecr-login",
            "pass",
            "desktop.exe",
            "gcloud",
            "secret_service",
        ] {
            assert!(plain_helper_name(ok), "{ok}");
        }
        for bad in [
            "../../x", "/bin/sh", "a/b", "", ".hidden", "-rf", "a b", "x;y",
        ] {
            assert!(!plain_helper_name(bad), "{bad}");
        }
    }

    #[test]
    fn docker_config_logins_by_host() {
        let config = DockerConfig {
            auths: HashMap::from([(
                bare_host("https://reg.example:5000/v1/"),
                base64::engine::general_purpose::STANDARD.encode("ci:s3cr:et"),
            )]),
            ..DockerConfig::default()
        };
        assert_eq!(
            config.login("reg.example:5000"),
            Some(("ci".into(), "s3cr:et".into()))
        );
        assert_eq!(config.login("other.example"), None);
    }

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
