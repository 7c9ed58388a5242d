//! `atlas.sum`, Atlas's integrity file, checked as Atlas checks it: a running SHA-256 over
//! each `.sql` file's name and bytes in name order (a file that starts with
//! `-- atlas:sum ignore` contributes its name only and has no line), each line the
//! base64 of the running digest after its file, the first line `h1:` and the digest of the
//! lines. A folder that does not match is one Atlas would refuse to run.

use sha2::{Digest, Sha256};

/// Atlas's sum file.
pub const SUM_FILE: &str = "atlas.sum";

use crate::source::error::SourceError;
use crate::source::tree::{Tree, TreeFile};

/// The lines of a sum file: each file's name and its `h1:` hash, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SumLines {
    pub total: String,
    pub files: Vec<(String, String)>,
}

/// What `atlas migrate hash` would write for these files (sorted by name).
pub fn compute(files: &[(&str, &[u8])]) -> SumLines {
    let mut running = Sha256::new();
    let mut lines = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        running.update(name.as_bytes());
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        if is_sum_ignore(first_line) {
            continue;
        }
        running.update(bytes);
        lines.push(((*name).to_owned(), base64(&running.clone().finalize())));
    }
    let mut total = Sha256::new();
    for (name, hash) in &lines {
        total.update(name.as_bytes());
        total.update(hash.as_bytes());
    }
    SumLines {
        total: base64(&total.finalize()),
        files: lines,
    }
}

/// Atlas matches its directive at the very start of the file.
fn is_sum_ignore(first_line: &[u8]) -> bool {
    let line = String::from_utf8_lossy(first_line);
    line.split_once("atlas:sum").is_some_and(|(before, after)| {
        before.bytes().all(|b| (b' '..=b'~').contains(&b)) && after.trim() == "ignore"
    })
}

/// Reads a sum file's text; `None` when it is not one.
pub fn parse(text: &str) -> Option<SumLines> {
    let mut lines = text.lines();
    let total = lines.next()?.strip_prefix("h1:")?.to_owned();
    let files = lines
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (name, hash) = line.split_once("h1:")?;
            Some((name.trim().to_owned(), hash.to_owned()))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(SumLines { total, files })
}

/// Refuses the folder when `atlas.sum` is missing or does not match its files.
pub fn check(tree: &Tree, files: &[&TreeFile]) -> Result<(), SourceError> {
    let refuses = |reason: String| SourceError::ToolRefuses {
        path: tree.root.join(SUM_FILE),
        tool: "Atlas",
        reason,
    };
    let sum_file = tree
        .get(SUM_FILE)
        .ok_or_else(|| refuses("there is no atlas.sum".into()))?;
    let written = parse(tree.text(sum_file)?)
        .ok_or_else(|| refuses("atlas.sum is not in Atlas's format".into()))?;
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .map(|f| (f.path.as_str(), &f.bytes[..]))
        .collect();
    let computed = compute(&named);
    if written == computed {
        return Ok(());
    }
    let differs = computed
        .files
        .iter()
        .zip(&written.files)
        .find(|(a, b)| a != b)
        .map(|(a, _)| a.0.clone())
        .or_else(|| computed.files.get(written.files.len()).map(|f| f.0.clone()))
        .or_else(|| written.files.get(computed.files.len()).map(|f| f.0.clone()));
    Err(refuses(match differs {
        Some(name) => format!(
            "atlas.sum does not match {name} (edited, added or removed since `atlas migrate hash`)"
        ),
        None => "the total line of atlas.sum does not match its lines".into(),
    }))
}

/// Standard base64 with padding, as Go's `base64.StdEncoding`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk
            .iter()
            .enumerate()
            .fold(0u32, |word, (i, &b)| word | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(word >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_encoding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn computing_then_parsing_round_trips() {
        let files: [(&str, &[u8]); 3] = [
            ("1_a.sql", b"CREATE TABLE a (id int);\n"),
            ("2_b.sql", b"-- atlas:sum ignore\nSELECT 1;\n"),
            ("3_c.sql", b"CREATE TABLE c (id int);\n"),
        ];
        let sum = compute(&files);
        assert_eq!(sum.files.len(), 2, "the ignored file has no line");
        let mut text = format!("h1:{}\n", sum.total);
        for (name, hash) in &sum.files {
            text.push_str(&format!("{name} h1:{hash}\n"));
        }
        assert_eq!(parse(&text), Some(sum));
    }
}
