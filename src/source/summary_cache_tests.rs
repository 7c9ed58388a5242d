use std::fs;
use std::time::{Duration, SystemTime};

use super::*;

fn history_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=3 {
        let folder = dir.path().join(format!("{n}_step_{n}"));
        fs::create_dir(&folder).unwrap();
        fs::write(
            folder.join("up.sql"),
            format!("CREATE TABLE t{n} (id INT);\n"),
        )
        .unwrap();
        if n != 2 {
            fs::write(
                folder.join("down.sql"),
                format!("-- migrate:irreversible\nDROP TABLE t{n};\n"),
            )
            .unwrap();
        }
    }
    fs::write(dir.path().join("README.md"), "notes").unwrap();
    dir
}

fn cache(folder: &Path, reader: &str) -> SummaryCache {
    SummaryCache {
        folder: folder.join("cache"),
        reader: reader.into(),
    }
}

/// A reading that began after every file was written, long enough ago to be kept.
fn settled() -> SystemTime {
    SystemTime::now() + Duration::from_secs(10)
}

fn stored(dir: &Path, cache: &SummaryCache) -> Directory {
    let directory = Directory::load(dir).unwrap();
    cache.store(dir, ReadOptions::default(), &directory, settled());
    directory
}

#[test]
fn a_remembered_directory_plans_as_the_read_one_without_its_texts() {
    let dir = history_folder();
    let place = tempfile::tempdir().unwrap();
    let cache = cache(place.path(), "migrate 1");
    let directory = stored(dir.path(), &cache);
    let summary = cache
        .load(dir.path(), ReadOptions::default())
        .expect("a hit");
    let remembered = summary.directory();
    assert_eq!(remembered.layout, directory.layout);
    assert_eq!(remembered.sum, directory.sum);
    assert_eq!(remembered.ignored, ["README.md"]);
    assert_eq!(remembered.history.order(), directory.history.order());
    let pairs = remembered
        .history
        .revisions()
        .iter()
        .zip(directory.history.revisions());
    for (cached, read) in pairs {
        assert_eq!((&cached.id, &cached.slug), (&read.id, &read.slug));
        assert_eq!(cached.up.checksum(), read.up.checksum());
        assert_eq!(cached.up.origin, read.up.origin);
        assert_eq!(
            cached.down.as_ref().map(|d| (d.checksum(), &d.directives)),
            read.down.as_ref().map(|d| (d.checksum(), &d.directives))
        );
        assert_eq!(&*cached.up.text, "");
    }
    assert_eq!(remembered.history.len(), 3);
}

#[test]
fn another_reader_or_way_of_reading_misses() {
    let dir = history_folder();
    let place = tempfile::tempdir().unwrap();
    stored(dir.path(), &cache(place.path(), "migrate 1"));
    assert!(
        cache(place.path(), "migrate 2")
            .load(dir.path(), ReadOptions::default())
            .is_none()
    );
    let as_diesel = ReadOptions {
        layout: Some(Layout::Folders),
        dialect: None,
    };
    assert!(
        cache(place.path(), "migrate 1")
            .load(dir.path(), as_diesel)
            .is_none()
    );
}

#[test]
fn an_edited_file_misses() {
    let dir = history_folder();
    let place = tempfile::tempdir().unwrap();
    let cache = cache(place.path(), "migrate 1");
    stored(dir.path(), &cache);
    fs::write(
        dir.path().join("1_step_1/up.sql"),
        "CREATE TABLE t9 (id INT);\n",
    )
    .unwrap();
    assert!(cache.load(dir.path(), ReadOptions::default()).is_none());
}

#[test]
fn a_reading_of_files_just_written_is_not_kept() {
    let dir = history_folder();
    let place = tempfile::tempdir().unwrap();
    let cache = cache(place.path(), "migrate 1");
    let directory = Directory::load(dir.path()).unwrap();
    cache.store(
        dir.path(),
        ReadOptions::default(),
        &directory,
        SystemTime::now(),
    );
    assert!(cache.load(dir.path(), ReadOptions::default()).is_none());
}

#[test]
fn a_damaged_cache_file_misses() {
    let dir = history_folder();
    let place = tempfile::tempdir().unwrap();
    let cache = cache(place.path(), "migrate 1");
    stored(dir.path(), &cache);
    for entry in fs::read_dir(&cache.folder).unwrap() {
        fs::write(entry.unwrap().path(), [1, 0, 7]).unwrap();
    }
    assert!(cache.load(dir.path(), ReadOptions::default()).is_none());
}

#[test]
fn writing_removes_cache_files_long_unused_and_abandoned_temporary_files() {
    let dir = history_folder();
    let place = tempfile::tempdir().unwrap();
    let cache = cache(place.path(), "migrate 1");
    fs::create_dir_all(&cache.folder).unwrap();
    let aged = |name: &str, age: Duration| {
        let path = cache.folder.join(name);
        let file = fs::File::create(&path).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
        path
    };
    let day = Duration::from_secs(24 * 60 * 60);
    let unused = aged("0123456789ab0123456789ab.bin", 31 * day);
    let recent = aged("ba9876543210ba9876543210.bin", 29 * day);
    let abandoned = aged(".tmpAbCdEf", 2 * day);
    let being_written = aged(".tmpGhIjKl", Duration::from_secs(60));
    let other = aged("notes.txt", 400 * day);
    stored(dir.path(), &cache);
    assert!(!unused.exists(), "a file unused for 31 days is removed");
    assert!(
        !abandoned.exists(),
        "a temporary file 2 days old is removed"
    );
    assert!(recent.exists() && being_written.exists() && other.exists());
    assert!(cache.load(dir.path(), ReadOptions::default()).is_some());
}
