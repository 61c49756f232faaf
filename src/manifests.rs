//! The images a deployment names: Kubernetes manifests (Pod, Deployment, ReplicaSet,
//! StatefulSet, DaemonSet, Job, CronJob, `List` items, and any kind with a pod template) and
//! Compose files (`services.*.image`, and `build:` for services built from a Dockerfile).
//! Multi-document YAML; each image keeps the place of its `image:` value for its origin. Pure
//! but for reading the file.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::source::SourceFile;

/// An `image:` value and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageAt {
    pub image: String,
    pub span: Range<usize>,
}

/// A Compose service with `build:` and no `image:`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildAt {
    pub service: String,
    /// The build context, relative to the Compose file's directory.
    pub context: PathBuf,
    /// The Dockerfile, relative to the context (`Dockerfile` when not given).
    pub dockerfile: PathBuf,
    pub span: Range<usize>,
}

/// What one file yields.
#[derive(Debug)]
pub struct Manifest {
    pub file: Arc<SourceFile>,
    pub images: Vec<ImageAt>,
    pub builds: Vec<BuildAt>,
    /// Why the file (or the part of it from a point on) could not be read, with the place.
    pub error: Option<(String, Range<usize>)>,
}

/// Reads `path` (bounded as every list is) and parses it.
pub fn read(path: &Path, root: Option<&Path>) -> std::io::Result<Manifest> {
    let bytes = crate::input::read_io(path, root, crate::input::limit(crate::input::LIST_LIMIT))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text")
    })?;
    Ok(parse(path, text))
}

/// A YAML node with the byte offset of scalars.
#[derive(Debug, Clone)]
enum Node {
    Scalar(String, usize),
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Node::Scalar(s, _) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    fn scalar(&self) -> Option<(&str, usize)> {
        match self {
            Node::Scalar(s, at) => Some((s, *at)),
            _ => None,
        }
    }
}

/// Builds the documents from the parser's events.
struct Loader {
    /// Byte offset of each line's start (markers give lines and columns).
    line_starts: Vec<usize>,
    text: Arc<String>,
    docs: Vec<Node>,
    /// Open collections: a map's entries are pushed flat, key then value.
    stack: Vec<(Node, usize)>,
    /// Anchored nodes, with how many nodes each holds.
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes added by expanding aliases so far: bounded, so a few hundred bytes of nested
    /// aliases (a "billion laughs") cannot take the memory.
    expanded: usize,
    /// Where expansion went over the bound; later events are ignored.
    bomb: Option<usize>,
}

/// The most nodes aliases may add to one file.
const MAX_ALIAS_NODES: usize = 100_000;

fn size(node: &Node) -> usize {
    match node {
        Node::Scalar(..) => 1,
        Node::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        Node::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| size(k) + size(v))
                .sum::<usize>()
        }
    }
}

impl Loader {
    /// The byte offset of a marker (1-based line, 0-based column in characters).
    fn offset(&self, mark: Marker) -> usize {
        let start = self
            .line_starts
            .get(mark.line().saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[start..];
        start
            + line
                .char_indices()
                .nth(mark.col())
                .map_or(line.len(), |(i, _)| i)
    }

    fn add(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            let n = size(&node);
            self.anchors.insert(anchor, (node.clone(), n));
        }
        match self.stack.last_mut() {
            Some((Node::Seq(items), _)) => items.push(node),
            Some((Node::Map(entries), _)) => {
                // Keys and values alternate; a pending key has a placeholder value.
                match entries.last_mut() {
                    Some((_, v @ Node::Scalar(_, usize::MAX))) => *v = node,
                    _ => entries.push((node, Node::Scalar(String::new(), usize::MAX))),
                }
            }
            _ => self.docs.push(node),
        }
    }
}

impl MarkedEventReceiver for Loader {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.bomb.is_some() {
            return;
        }
        match ev {
            Event::Scalar(value, style, anchor, _) => {
                // A quoted value's marker is at its opening quote.
                let quoted = matches!(
                    style,
                    yaml_rust2::scanner::TScalarStyle::SingleQuoted
                        | yaml_rust2::scanner::TScalarStyle::DoubleQuoted
                );
                let at = self.offset(mark) + usize::from(quoted);
                self.add(Node::Scalar(value, at), anchor);
            }
            Event::SequenceStart(anchor, _) => self.stack.push((Node::Seq(Vec::new()), anchor)),
            Event::MappingStart(anchor, _) => self.stack.push((Node::Map(Vec::new()), anchor)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, anchor)) = self.stack.pop() {
                    self.add(node, anchor);
                }
            }
            Event::Alias(id) => {
                let (node, n) = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .unwrap_or((Node::Scalar(String::new(), 0), 1));
                self.expanded += n;
                if self.expanded > MAX_ALIAS_NODES {
                    self.bomb = Some(self.offset(mark));
                    return;
                }
                self.add(node, 0);
            }
            _ => {}
        }
    }
}

pub fn parse(path: &Path, text: String) -> Manifest {
    let file = SourceFile::new(path, text);
    let text = file.text.clone();
    let mut loader = Loader {
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        text: text.clone(),
        docs: Vec::new(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: 0,
        bomb: None,
    };
    let mut parser = Parser::new_from_str(&text);
    let error = parser.load(&mut loader, true).err().map(|e| {
        let mut at = loader.offset(*e.marker()).min(text.len());
        // Found at the end of the file (an unclosed bracket): point at the last line written.
        if text[at..].trim().is_empty() {
            let end = text.trim_end().len();
            at = text[..end].rfind('\n').map_or(0, |i| i + 1);
        }
        (e.info().to_string(), at..at)
    });
    let error = match loader.bomb {
        Some(at) => Some((
            format!("its aliases expand to more than {MAX_ALIAS_NODES} nodes: refused"),
            at..at,
        )),
        None => error,
    };
    // The document the error cut short still names images above the error: close what is open.
    if error.is_some() {
        while let Some((node, anchor)) = loader.stack.pop() {
            loader.add(node, anchor);
        }
    }
    let mut out = Manifest {
        file,
        images: Vec::new(),
        builds: Vec::new(),
        error,
    };
    for doc in &loader.docs {
        document(doc, &mut out);
    }
    out
}

fn document(doc: &Node, out: &mut Manifest) {
    if doc.get("kind").is_some() {
        kubernetes(doc, out);
    } else if let Some(Node::Map(services)) = doc.get("services") {
        for (name, service) in services {
            compose_service(name, service, out);
        }
    }
}

fn kubernetes(object: &Node, out: &mut Manifest) {
    let kind = object
        .get("kind")
        .and_then(Node::scalar)
        .map_or("", |(k, _)| k);
    match kind {
        "List" => {
            if let Some(Node::Seq(items)) = object.get("items") {
                for item in items {
                    kubernetes(item, out);
                }
            }
        }
        "Pod" => pod_spec(object.get("spec"), out),
        "CronJob" => pod_spec(
            object.path(&["spec", "jobTemplate", "spec", "template", "spec"]),
            out,
        ),
        // Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, and the
        // custom kinds that embed a pod template the same way (Argo Rollouts, ...).
        _ => pod_spec(object.path(&["spec", "template", "spec"]), out),
    }
}

fn pod_spec(spec: Option<&Node>, out: &mut Manifest) {
    let Some(spec) = spec else { return };
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(Node::Seq(containers)) = spec.get(list) {
            for container in containers {
                if let Some((image, at)) = container.get("image").and_then(Node::scalar) {
                    out.images.push(ImageAt {
                        image: image.to_string(),
                        span: at..at + image.len().max(1),
                    });
                }
            }
        }
    }
}

fn compose_service(name: &Node, service: &Node, out: &mut Manifest) {
    let Some((name, name_at)) = name.scalar() else {
        return;
    };
    if let Some((image, at)) = service.get("image").and_then(Node::scalar) {
        out.images.push(ImageAt {
            image: image.to_string(),
            span: at..at + image.len().max(1),
        });
        return;
    }
    let (context, dockerfile, at) = match service.get("build") {
        Some(Node::Scalar(context, at)) => (context.clone(), None, *at),
        Some(build @ Node::Map(_)) => {
            let (context, at) = build
                .get("context")
                .and_then(Node::scalar)
                .map_or((".".to_string(), name_at), |(c, at)| (c.to_string(), at));
            let dockerfile = build
                .get("dockerfile")
                .and_then(Node::scalar)
                .map(|(d, _)| d.to_string());
            (context, dockerfile, at)
        }
        _ => return,
    };
    out.builds.push(BuildAt {
        service: name.to_string(),
        context: PathBuf::from(if context.is_empty() { "." } else { &context }),
        dockerfile: PathBuf::from(dockerfile.unwrap_or_else(|| "Dockerfile".into())),
        span: at..at + context.len().max(1),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(text: &str) -> Vec<(String, usize)> {
        let m = parse(Path::new("m.yaml"), text.to_string());
        assert!(m.error.is_none(), "{:?}", m.error);
        m.images
            .iter()
            .map(|i| {
                assert_eq!(
                    &m.file.text[i.span.clone()],
                    i.image,
                    "span points at the value"
                );
                (i.image.clone(), m.file.line_of(i.span.start))
            })
            .collect()
    }

    #[test]
    fn kubernetes_kinds_and_container_lists() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: reg.example/init:1
      containers:
        - name: app
          image: \"reg.example/app:2\"
---
kind: CronJob
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: 'reg.example/cron:3'}]
---
kind: List
items:
  - kind: Pod
    spec:
      ephemeralContainers:
        - image: reg.example/debug:4
  - kind: ConfigMap
    data: {image: not-a-container}
";
        assert_eq!(
            images(text),
            [
                ("reg.example/init:1".to_string(), 8),
                ("reg.example/app:2".to_string(), 11),
                ("reg.example/cron:3".to_string(), 19),
                ("reg.example/debug:4".to_string(), 26),
            ]
        );
    }

    #[test]
    fn compose_images_and_builds() {
        let text = "\
services:
  web:
    image: nginx:1.27
  api:
    build:
      context: ./api
      dockerfile: Dockerfile.prod
  worker:
    build: ./worker
x-anchors: &img
  image: redis:7
";
        let m = parse(Path::new("compose.yml"), text.to_string());
        assert_eq!(images(text), [("nginx:1.27".to_string(), 3)]);
        assert_eq!(m.builds.len(), 2);
        assert_eq!(m.builds[0].service, "api");
        assert_eq!(m.builds[0].context, PathBuf::from("./api"));
        assert_eq!(m.builds[0].dockerfile, PathBuf::from("Dockerfile.prod"));
        assert_eq!(m.file.line_of(m.builds[1].span.start), 9);
    }

    #[test]
    fn broken_yaml_says_where_and_keeps_what_came_before() {
        let text = "kind: Pod\nspec:\n  containers:\n    - image: a/b:1\n---\nkind: [unclosed\n";
        let m = parse(Path::new("bad.yaml"), text.to_string());
        let (why, span) = m.error.expect("an error");
        assert!(!why.is_empty());
        assert_eq!(
            m.file.line_of(span.start),
            6,
            "the last line written: {why}"
        );
        assert_eq!(m.images.len(), 1);
    }

    #[test]
    fn an_alias_bomb_is_an_error_at_its_line_not_gigabytes() {
        // Nine levels of ten aliases: 10^9 nodes if expanded.
        let mut text =
            String::from("kind: Pod\nspec:\n  containers:\n    - image: a/b:1\na0: &a0 [x]\n");
        for level in 1..10 {
            let refs: Vec<String> = (0..10).map(|_| format!("*a{}", level - 1)).collect();
            text.push_str(&format!("a{level}: &a{level} [{}]\n", refs.join(", ")));
        }
        assert!(text.len() < 1000);
        let m = parse(Path::new("bomb.yaml"), text.clone());
        let (why, span) = m.error.expect("refused");
        assert!(why.contains("aliases expand to more than"), "{why}");
        assert!(
            m.file.line_of(span.start) >= 5,
            "at the alias that went over"
        );
        assert_eq!(m.images.len(), 1, "what came before is kept");
    }

    #[test]
    fn broken_yaml_keeps_the_images_above_the_error_in_the_same_document() {
        let text = "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: a/b:1\n          args: [unclosed\n";
        let m = parse(Path::new("bad.yaml"), text.to_string());
        assert!(m.error.is_some());
        assert_eq!(
            m.images
                .iter()
                .map(|i| i.image.as_str())
                .collect::<Vec<_>>(),
            ["a/b:1"]
        );
    }
}
