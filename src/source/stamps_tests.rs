use std::fs;
use std::time::{Duration, SystemTime};

use super::*;

/// A folder with two revisions, its files' times set an hour back so a reading of them
/// can be kept.
fn settled_history() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..2 {
        let folder = dir.path().join(format!("{n}_step"));
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

/// A moment after every ctime below the folder: the reading is kept.
fn later() -> SystemTime {
    SystemTime::now() + Duration::from_secs(10)
}

#[test]
fn every_folder_and_file_is_stamped_hidden_ones_left_out() {
    let dir = settled_history();
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::write(dir.path().join("0_step/.swp"), "x").unwrap();
    let stamps = Stamps::read(dir.path(), later()).unwrap();
    let paths: Vec<&str> = stamps.entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "",
            "0_step",
            "0_step/down.sql",
            "0_step/up.sql",
            "1_step",
            "1_step/down.sql",
            "1_step/up.sql"
        ]
    );
    assert!(stamps.unchanged(dir.path()));
}

#[test]
fn a_reading_newer_than_its_files_is_not_kept() {
    let dir = settled_history();
    assert!(Stamps::read(dir.path(), SystemTime::now() - Duration::from_secs(60)).is_none());
}

/// The case git calls racy: the same size and the same mtime after an edit. The ctime,
/// which no tool can set back, still tells.
#[test]
fn an_edit_keeping_size_and_mtime_is_seen() {
    let dir = settled_history();
    let up = dir.path().join("0_step/up.sql");
    let stamps = Stamps::read(dir.path(), later()).unwrap();
    let mtime = fs::metadata(&up).unwrap().modified().unwrap();
    fs::write(&up, "CREATE TABLE tX (id INT);\n").unwrap();
    fs::File::options()
        .write(true)
        .open(&up)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(fs::metadata(&up).unwrap().modified().unwrap(), mtime);
    assert!(!stamps.unchanged(dir.path()));
}

#[test]
fn added_removed_and_renamed_entries_are_seen() {
    type Change = fn(&std::path::Path);
    let changes: [(&str, Change); 4] = [
        ("a stray file", |root| {
            fs::write(root.join("1_step/seed.sql"), "--").unwrap()
        }),
        ("a new revision", |root| {
            fs::create_dir(root.join("2_step")).unwrap()
        }),
        ("a removed down", |root| {
            fs::remove_file(root.join("1_step/down.sql")).unwrap()
        }),
        ("a renamed folder", |root| {
            fs::rename(root.join("1_step"), root.join("3_step")).unwrap()
        }),
    ];
    for (what, change) in changes {
        let dir = settled_history();
        let stamps = Stamps::read(dir.path(), later()).unwrap();
        change(dir.path());
        assert!(!stamps.unchanged(dir.path()), "{what} went unseen");
    }
}

#[test]
fn a_missing_root_is_not_unchanged() {
    let dir = settled_history();
    let stamps = Stamps::read(dir.path(), later()).unwrap();
    let path = dir.path().to_owned();
    drop(dir);
    assert!(!stamps.unchanged(&path));
}
