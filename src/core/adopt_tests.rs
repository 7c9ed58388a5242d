use super::*;
use crate::core::foreign_checksum::{
    RefineryVersion, flyway_checksum, refinery_checksum, sqlx_checksum,
};
use crate::core::history::tests::revision;
use crate::core::{Action, CHECKSUM_ALGORITHM};
use proptest::prelude::*;

fn history(ids: &[&str]) -> History {
    History::new(ids.iter().map(|id| revision(id)).collect()).unwrap()
}

fn versions(list: &[&str]) -> ForeignState {
    ForeignState {
        recorded: Recorded::Versions(
            list.iter()
                .map(|v| ForeignVersion {
                    version: (*v).into(),
                    checksum: None,
                })
                .collect(),
        ),
        dirty: Vec::new(),
        baseline: None,
    }
}

fn adopt(tool: Tool, history: &History, state: &ForeignState) -> Result<Adoption, AdoptError> {
    plan_adopt(tool, history, &[], state, AdoptOptions::default())
}

fn recorded(adoption: &Adoption) -> Vec<String> {
    adoption
        .plan
        .steps
        .iter()
        .inspect(|step| assert!(matches!(step.action, Action::Record { .. })))
        .map(|step| step.id.to_string())
        .collect()
}

#[test]
fn counters_match_zero_padded_ids() {
    let history = history(&["000001", "000002", "000003"]);
    let adoption = adopt(Tool::Dbmate, &history, &versions(&["2", "1"])).unwrap();
    assert_eq!(recorded(&adoption), ["000001", "000002"]);
    let state = ForeignState {
        recorded: Recorded::UpTo("2".into()),
        dirty: Vec::new(),
        baseline: None,
    };
    let adoption = adopt(Tool::GolangMigrate, &history, &state).unwrap();
    assert_eq!(recorded(&adoption), ["000001", "000002"]);
}

#[test]
fn diesel_versions_are_ids_without_dashes() {
    let history = history(&["2024-01-01-090000", "2024-01-02-090000"]);
    let adoption = adopt(Tool::Diesel, &history, &versions(&["20240101090000"])).unwrap();
    assert_eq!(recorded(&adoption), ["2024-01-01-090000"]);
}

#[test]
fn refusals_name_their_subject() {
    let history = history(&["1", "2", "3"]);
    let error = adopt(Tool::Sqlx, &history, &versions(&["1", "9", "7"])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "sqlx applied version(s) the migrations directory does not hold: 7, 9"
    );
    let error = adopt(Tool::Sqlx, &history, &versions(&["1", "3"])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "sqlx skipped revision(s) 2 below its newest applied one, 3"
    );
    let dirty = ForeignState {
        recorded: Recorded::UpTo("2".into()),
        dirty: vec!["2".into()],
        baseline: None,
    };
    let error = adopt(Tool::GolangMigrate, &history, &dirty).unwrap_err();
    let help = error.help().unwrap_or_default();
    assert!(help.contains("migrate force 2"), "{help}");
    let alembic = ForeignState {
        recorded: Recorded::Alembic("ae1027a6acf".into()),
        dirty: Vec::new(),
        baseline: None,
    };
    assert_eq!(
        adopt(Tool::Alembic, &history, &alembic).unwrap_err(),
        AdoptError::MissingTo
    );
}

#[test]
fn alembic_adopts_up_to_the_named_revision() {
    let history = history(&["1", "2", "3"]);
    let alembic = ForeignState {
        recorded: Recorded::Alembic("ae1027a6acf".into()),
        dirty: Vec::new(),
        baseline: None,
    };
    let to: Target = "2".parse().unwrap();
    let options = AdoptOptions {
        to: Some(&to),
        allow_changed: false,
        ignored_chars: None,
    };
    let adoption = plan_adopt(Tool::Alembic, &history, &[], &alembic, options).unwrap();
    assert_eq!(recorded(&adoption), ["1", "2"]);
    assert_eq!(
        adoption.report.alembic_version.as_deref(),
        Some("ae1027a6acf")
    );
}

fn row(revision: &Revision) -> AppliedRevision {
    AppliedRevision {
        id: revision.id.clone(),
        slug: revision.slug.clone(),
        up_checksum: revision.up.checksum(),
        down_checksum: None,
        checksum_algorithm: CHECKSUM_ALGORITHM.into(),
        up_sql: Some(revision.up.text.clone()),
        down_sql: None,
        applied_at: "2024-01-01T00:00:00Z".into(),
        duration_ms: 0,
    }
}

#[test]
fn a_tracked_database_is_refused_unless_it_already_matches() {
    let history = history(&["1", "2", "3"]);
    let first = row(&history.revisions()[0]);
    let state = versions(&["1"]);
    let options = AdoptOptions::default();
    let same = plan_adopt(
        Tool::Sqlx,
        &history,
        std::slice::from_ref(&first),
        &state,
        options,
    )
    .unwrap();
    assert!(same.report.already_adopted && same.plan.steps.is_empty());
    let two = versions(&["1", "2"]);
    let error = plan_adopt(Tool::Sqlx, &history, &[first], &two, options).unwrap_err();
    assert!(matches!(error, AdoptError::AlreadyTracked { rows: 1, .. }));
}

#[test]
fn checksums_are_compared_per_tool() {
    let history = history(&["1", "2"]);
    let first = &history.revisions()[0];
    let state = ForeignState {
        recorded: Recorded::Versions(vec![
            ForeignVersion {
                version: "1".into(),
                checksum: Some(flyway_checksum(&first.up.text).to_string()),
            },
            ForeignVersion {
                version: "2".into(),
                checksum: Some("12345".into()),
            },
        ]),
        dirty: Vec::new(),
        baseline: None,
    };
    let AdoptError::ChecksumsDiffer { differ, .. } =
        adopt(Tool::Flyway, &history, &state).unwrap_err()
    else {
        panic!("a checksum mismatch expected");
    };
    assert_eq!(differ.len(), 1);
    assert_eq!(differ[0].origin, "2/up.sql");
    let options = AdoptOptions {
        to: None,
        allow_changed: true,
        ignored_chars: None,
    };
    let adoption = plan_adopt(Tool::Flyway, &history, &[], &state, options).unwrap();
    assert_eq!(adoption.report.checksums[0].verdict, Verdict::Same);
}

fn with_checksums(list: &[(&str, String)], baseline: Option<&str>) -> ForeignState {
    ForeignState {
        recorded: Recorded::Versions(
            list.iter()
                .map(|(version, checksum)| ForeignVersion {
                    version: (*version).into(),
                    checksum: Some(checksum.clone()),
                })
                .collect(),
        ),
        dirty: Vec::new(),
        baseline: baseline.map(str::to_owned),
    }
}

#[test]
fn a_flyway_baseline_stands_for_every_revision_at_or_below_it() {
    let history = history(&["1", "2", "3", "3.1", "4", "5"]);
    let fourth = &history.revisions()[4];
    let after = [("4", flyway_checksum(&fourth.up.text).to_string())];
    // The baseline's own version need not be a file: Flyway compares versions.
    for baseline in ["3.1", "3.5"] {
        let state = with_checksums(&after, Some(baseline));
        let adoption = adopt(Tool::Flyway, &history, &state).unwrap();
        assert_eq!(recorded(&adoption), ["1", "2", "3", "3.1", "4"]);
        assert_eq!(adoption.report.baseline.as_deref(), Some(baseline));
        // Only the version with a row of its own has a checksum to compare.
        assert_eq!(adoption.report.checksums.len(), 1);
        assert_eq!(adoption.report.checksums[0].verdict, Verdict::Same);
    }
    let only_baseline = with_checksums(&[], Some("2"));
    let adoption = adopt(Tool::Flyway, &history, &only_baseline).unwrap();
    assert_eq!(recorded(&adoption), ["1", "2"]);
    // A row above the baseline with one missing between them is still a gap.
    let gap = with_checksums(&after, Some("2"));
    let error = adopt(Tool::Flyway, &history, &gap).unwrap_err();
    assert_eq!(
        error.to_string(),
        "flyway skipped revision(s) 3, 3.1 below its newest applied one, 4"
    );
}

#[test]
fn sqlx_checksums_leave_out_the_ignored_chars() {
    let history = history(&["1"]);
    let text = &history.revisions()[0].up.text;
    let whitespace: IgnoredChars = " \\t\\r\\n".parse().unwrap();
    let state = with_checksums(&[("1", sqlx_checksum(text, &whitespace))], None);
    let error = adopt(Tool::Sqlx, &history, &state).unwrap_err();
    assert!(
        matches!(error, AdoptError::ChecksumsDiffer { .. }),
        "{error}"
    );
    assert!(error.help().unwrap_or_default().contains("--ignored-chars"));
    let options = AdoptOptions {
        ignored_chars: Some(&whitespace),
        ..AdoptOptions::default()
    };
    let adoption = plan_adopt(Tool::Sqlx, &history, &[], &state, options).unwrap();
    assert_eq!(adoption.report.checksums[0].verdict, Verdict::Same);
    let error = plan_adopt(Tool::Flyway, &history, &[], &state, options).unwrap_err();
    assert_eq!(
        error,
        AdoptError::IgnoredCharsNotAllowed { tool: Tool::Flyway }
    );
}

#[test]
fn refinery_int8_checksums_hash_the_version_as_i64() {
    let history = history(&["1", "2", "3000000000"]);
    let checksum = |index: usize, version: RefineryVersion| {
        let revision = &history.revisions()[index];
        refinery_checksum(&revision.slug, version, &revision.up.text)
    };
    let int8 = with_checksums(
        &[
            ("1", checksum(0, RefineryVersion::Int8(1))),
            ("2", checksum(1, RefineryVersion::Int8(2))),
            (
                "3000000000",
                checksum(2, RefineryVersion::Int8(3_000_000_000)),
            ),
        ],
        None,
    );
    let adoption = adopt(Tool::Refinery, &history, &int8).unwrap();
    let verdicts: Vec<&Verdict> = adoption
        .report
        .checksums
        .iter()
        .map(|c| &c.verdict)
        .collect();
    assert_eq!(verdicts, [&Verdict::Same; 3]);
    // The same versions under int4 match as int4, and an edited file differs under either.
    let int4 = with_checksums(&[("1", checksum(0, RefineryVersion::Int4(1)))], None);
    assert!(adopt(Tool::Refinery, &history, &int4).is_ok());
    let edited = with_checksums(
        &[
            ("1", checksum(0, RefineryVersion::Int8(1))),
            ("2", checksum(0, RefineryVersion::Int8(2))),
        ],
        None,
    );
    let AdoptError::ChecksumsDiffer { differ, .. } =
        adopt(Tool::Refinery, &history, &edited).unwrap_err()
    else {
        panic!("a checksum mismatch expected");
    };
    assert_eq!(differ.len(), 1);
    assert_eq!(differ[0].id.as_str(), "2");
}

proptest! {
    #[test]
    fn a_number_matches_its_zero_padded_id(numbers in proptest::collection::btree_set(0u64..100_000, 1..8), pad in 0usize..8) {
        let ids: Vec<String> = numbers.iter().map(|n| format!("{n:0width$}", width = pad)).collect();
        let history = History::new(ids.iter().map(|id| revision(id)).collect()).unwrap();
        for (index, number) in numbers.iter().enumerate() {
            prop_assert_eq!(VersionIndex::new(history.revisions(), false).find(&number.to_string()), Some(index));
        }
        prop_assert_eq!(VersionIndex::new(history.revisions(), false).find("100000"), None);
    }

    #[test]
    fn diesel_versions_find_their_folder(day in 1u32..29, hour in 0u32..24) {
        let id = format!("2024-01-{day:02}-{hour:02}0000");
        let history = History::new(vec![revision(&id)]).unwrap();
        let version = id.replace('-', "");
        prop_assert_eq!(VersionIndex::new(history.revisions(), true).find(&version), Some(0));
    }
}
