//! `verify --base REF`: reads the migrations as they are on a git ref, with git itself, and
//! compares. No database needed.

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};
use migrate::core::{BaseFinding, History, compare_with_base};
use migrate::source::{Directory, Layout, Tree, TreeFile, history_of};
use serde::{Deserialize, Serialize};

use super::context::Context;

/// What the branch does to the base's migrations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaseCheck {
    pub reference: String,
    pub findings: Vec<BaseFinding>,
}

pub fn check(
    context: &Context,
    directory: &Directory,
    reference: &str,
) -> anyhow::Result<BaseCheck> {
    let tree = tree_at(&context.settings.dir, reference)?;
    let base = if tree.files.is_empty() {
        History::default() // the directory is new on this branch
    } else {
        let options = context.read_options();
        let layout = options.layout.map_or_else(|| Layout::detect(&tree), Ok)?;
        history_of(layout.read(&tree, options.dialect)?)?
    };
    Ok(BaseCheck {
        reference: reference.to_owned(),
        findings: compare_with_base(&base, &directory.history),
    })
}

fn git(dir: &std::path::Path) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(dir);
    command
}

/// The files of `dir` as they are at `reference`.
fn tree_at(dir: &std::path::Path, reference: &str) -> anyhow::Result<Tree> {
    let listed = git(dir)
        .args(["ls-tree", "-r", "-z", "--name-only", reference, "."])
        .output()
        .context("cannot run git (needed by --base)")?;
    if !listed.status.success() {
        bail!(
            "git cannot read {reference}: {}",
            String::from_utf8_lossy(&listed.stderr).trim()
        );
    }
    let names: Vec<String> = listed
        .stdout
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .filter(|name| !name.split('/').any(|part| part.starts_with('.')))
        .collect();
    // One `git cat-file --batch` for every file, rather than a process per file.
    let mut child = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("cannot run git cat-file")?;
    let mut stdin = child.stdin.take().context("git cat-file stdin")?;
    let requests: String = names
        .iter()
        .map(|name| format!("{reference}:./{name}\n"))
        .collect();
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut output = Vec::new();
    child
        .stdout
        .take()
        .context("git cat-file stdout")?
        .read_to_end(&mut output)?;
    child.wait()?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("git cat-file writer panicked"))??;
    let mut files = Vec::with_capacity(names.len());
    let mut rest = output.as_slice();
    for name in names {
        let header_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .context("short git cat-file output")?;
        let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("git cat-file: {header}"))?;
        let body = &rest[header_end + 1..header_end + 1 + size];
        files.push(TreeFile {
            path: name,
            bytes: body.to_vec().into(),
        });
        rest = &rest[header_end + 2 + size..];
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Tree {
        root: dir.to_owned(),
        files,
    })
}
