//! Tests of reading a migrations folder from disk (`disk.rs`).

use std::fs;
use std::path::PathBuf;

use super::*;

/// A migrations folder with `count` revisions, enough to be split between threads.
fn history(count: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..count {
        let folder = dir.path().join(format!("{n:04}_step"));
        fs::create_dir(&folder).unwrap();
        fs::write(
            folder.join("up.sql"),
            format!("CREATE TABLE t{n} (id INT);\n"),
        )
        .unwrap();
        fs::write(folder.join("down.sql"), format!("DROP TABLE t{n};\n")).unwrap();
    }
    dir
}

fn sorted(mut files: Vec<TreeFile>) -> Vec<(String, Vec<u8>)> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
        .into_iter()
        .map(|file| (file.path, file.bytes.to_vec()))
        .collect()
}

#[test]
fn a_file_read_in_halves_is_the_file_and_one_cut_short_ends_where_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.sql");
    let long: Vec<u8> = (0..100_003u32).map(|n| (n % 251) as u8).collect();
    fs::write(&path, &long).unwrap();
    let file = File::open(&path).unwrap();
    for from in [0, 7, 50_001] {
        let mut buffer = vec![0; long.len()];
        buffer[..from].copy_from_slice(&long[..from]);
        assert_eq!(
            read_in_halves(&file, &mut buffer, from, 0).unwrap(),
            long.len()
        );
        assert_eq!(buffer, long, "from {from}");
    }
    // The file is shorter than it said it was: in the first half, then in the second.
    for len in [30_000, 80_000] {
        fs::write(&path, &long[..len]).unwrap();
        let file = File::open(&path).unwrap();
        let mut buffer = vec![0; long.len()];
        assert_eq!(read_in_halves(&file, &mut buffer, 0, 0).unwrap(), len);
        assert_eq!(buffer[..len], long[..len]);
    }
}

#[test]
fn a_file_larger_than_the_chunk_is_read_whole_into_one_shared_allocation() {
    let dir = tempfile::tempdir().unwrap();
    // Not a multiple of the chunk, and exactly one chunk.
    let long: Vec<u8> = (0..200_003u32).map(|n| b'a' + (n % 26) as u8).collect();
    fs::write(dir.path().join("long.sql"), &long).unwrap();
    fs::write(dir.path().join("chunk.sql"), &long[..64 * 1024]).unwrap();
    let files = read_files_on(dir.path(), |_| 1).unwrap();
    for file in &files {
        assert!(matches!(file.bytes, FileBytes::Shared(_)), "{}", file.path);
    }
    assert_eq!(
        sorted(files),
        [
            ("chunk.sql".into(), long[..64 * 1024].to_vec()),
            ("long.sql".into(), long)
        ]
    );
}

#[test]
fn threads_read_every_file_once_with_its_bytes() {
    let count = 37;
    let dir = history(count);
    fs::write(dir.path().join("README"), "notes").unwrap();
    let one = sorted(read_files_on(dir.path(), |_| 1).unwrap());
    let files = sorted(read_files_on(dir.path(), |_| 3).unwrap());
    assert_eq!(files, one);
    assert_eq!(files.len(), count * 2 + 1);
    assert_eq!(
        files[0],
        ("0000_step/down.sql".into(), b"DROP TABLE t0;\n".to_vec())
    );
    assert_eq!(
        files[1],
        (
            "0000_step/up.sql".into(),
            b"CREATE TABLE t0 (id INT);\n".to_vec()
        )
    );
    let last = format!("{:04}_step/up.sql", count - 1);
    assert_eq!(files[files.len() - 2].0, last);
    assert_eq!(files[files.len() - 1].0, "README");
}

#[test]
fn small_histories_stay_on_one_thread() {
    assert_eq!(thread_count(MIN_FOLDERS_PER_THREAD), 1);
    assert!(thread_count(MIN_FOLDERS_PER_THREAD * 100) <= MAX_THREADS);
}

#[test]
fn hidden_entries_are_left_out_and_subfolders_read() {
    let dir = history(2);
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::write(dir.path().join(".git/HEAD"), "ref").unwrap();
    fs::write(dir.path().join("0000_step/.swp"), "x").unwrap();
    fs::create_dir(dir.path().join("0001_step/extra")).unwrap();
    fs::write(dir.path().join("0001_step/extra/notes.sql"), "--").unwrap();
    let paths: Vec<String> = sorted(read_files(dir.path()).unwrap())
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        paths,
        [
            "0000_step/down.sql",
            "0000_step/up.sql",
            "0001_step/down.sql",
            "0001_step/extra/notes.sql",
            "0001_step/up.sql",
        ]
    );
}

/// Whichever thread meets them, the error names the first unreadable file in path
/// order, with the path users see.
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_named_whichever_thread_reads_it() {
    let count = 40;
    let dir = history(count);
    for n in [count - 3, count / 4 + 1] {
        let broken = dir.path().join(format!("{n:04}_step/down.sql"));
        fs::remove_file(&broken).unwrap();
        std::os::unix::fs::symlink("nowhere", &broken).unwrap();
    }
    let expected: PathBuf = dir
        .path()
        .join(format!("{:04}_step/down.sql", count / 4 + 1));
    for threads in [1, 2, 4] {
        let Err(SourceError::Io { path, source }) = read_files_on(dir.path(), |_| threads) else {
            panic!("a dangling link must not read");
        };
        assert_eq!(path, expected, "on {threads} threads");
        assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    }
}

/// A name that is not UTF-8 is not read under its lossy spelling, which names
/// another file.
#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_fails_to_read() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = history(1);
    let name = std::ffi::OsStr::from_bytes(b"0000_step/n\xffotes.sql");
    fs::write(dir.path().join(name), "--").unwrap();
    let Err(SourceError::Io { path, source }) = read_files(dir.path()) else {
        panic!("the lossy name names no file");
    };
    assert_eq!(path, dir.path().join("0000_step/n\u{fffd}otes.sql"));
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
}
