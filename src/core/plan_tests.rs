use super::*;
use crate::core::Revision;
use crate::core::checksum::ALGORITHM;
use crate::core::history::tests::revision;
use proptest::prelude::*;

fn history(ids: &[&str]) -> History {
    History::new(ids.iter().map(|id| revision(id)).collect()).unwrap()
}

fn row(revision: &Revision) -> AppliedRevision {
    AppliedRevision {
        id: revision.id.clone(),
        slug: revision.slug.clone(),
        up_checksum: revision.up.checksum(),
        down_checksum: revision.down.as_ref().map(|d| d.checksum()),
        checksum_algorithm: ALGORITHM.into(),
        up_sql: Some(revision.up.text.clone()),
        down_sql: revision.down.as_ref().map(|d| d.text.clone()),
        applied_at: "2024-01-01T00:00:00Z".into(),
        duration_ms: 1,
    }
}

fn applied(history: &History, ids: &[&str]) -> Vec<AppliedRevision> {
    ids.iter()
        .map(|id| row(history.find(&id.parse().unwrap()).unwrap()))
        .collect()
}

/// What the tracking table holds after a plan runs.
fn execute(history: &History, mut rows: Vec<AppliedRevision>, plan: &Plan) -> Vec<AppliedRevision> {
    for step in &plan.steps {
        match &step.action {
            Action::Apply { .. } | Action::Record { .. } => {
                assert!(
                    rows.iter().all(|r| r.id != step.id),
                    "{} applied twice",
                    step.id
                );
                rows.push(row(history.find(&step.id).unwrap()));
            }
            Action::Revert { .. } | Action::Forget => {
                let before = rows.len();
                rows.retain(|r| r.id != step.id);
                assert_eq!(
                    rows.len() + 1,
                    before,
                    "{} reverted but not applied",
                    step.id
                );
            }
        }
    }
    rows
}

fn ids(plan: &Plan) -> Vec<String> {
    plan.steps.iter().map(|s| s.id.to_string()).collect()
}

#[test]
fn upgrade_runs_the_pending_revisions_in_order() {
    let history = history(&["1", "2", "3"]);
    let rows = applied(&history, &["1"]);
    let plan = plan_upgrade(&history, &rows, &Target::Head, PlanOptions::default()).unwrap();
    assert_eq!(ids(&plan), ["2", "3"]);
    let plan = plan_upgrade(
        &history,
        &rows,
        &Target::Relative(1),
        PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(ids(&plan), ["2"]);
}

#[test]
fn downgrade_reverts_newest_first_and_defaults_to_one() {
    let history = history(&["1", "2", "3"]);
    let rows = applied(&history, &["1", "2", "3"]);
    let plan = plan_downgrade(&history, &rows, &Target::Base, PlanOptions::default()).unwrap();
    assert_eq!(ids(&plan), ["3", "2", "1"]);
    let plan = plan_downgrade(
        &history,
        &rows,
        &Target::Relative(-1),
        PlanOptions::default(),
    )
    .unwrap();
    assert_eq!(ids(&plan), ["3"]);
}

#[test]
fn downgrade_across_an_irreversible_revision_refuses_before_running() {
    let mut revisions = vec![revision("1"), revision("2"), revision("3")];
    revisions[1].down = None;
    revisions[2].down = Some(Script::new("3/down.sql", "-- migrate:irreversible\n").unwrap());
    let history = History::new(revisions).unwrap();
    let rows = applied(&history, &["1", "2", "3"]);
    let error = plan_downgrade(&history, &rows, &Target::Base, PlanOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot downgrade across irreversible revision(s) 3, 2"
    );
}

#[test]
fn a_changed_applied_revision_is_refused_unless_allowed() {
    let history = history(&["1", "2"]);
    let mut rows = applied(&history, &["1"]);
    rows[0].up_sql = Some("create table old (a);".into());
    rows[0].up_checksum = crate::core::Checksum::of_text("create table old (a);");
    let error = plan_upgrade(&history, &rows, &Target::Head, PlanOptions::default()).unwrap_err();
    let PlanError::Changed { changed } = &error else {
        panic!("{error}")
    };
    assert_eq!(
        changed[0].applied_text.as_deref(),
        Some("create table old (a);")
    );
    let allowed = PlanOptions {
        allow_changed: true,
        ..PlanOptions::default()
    };
    assert_eq!(
        ids(&plan_upgrade(&history, &rows, &Target::Head, allowed).unwrap()),
        ["2"]
    );
}

#[test]
fn a_missing_applied_revision_is_refused_or_reverted_from_its_stored_down() {
    let full = history(&["1", "2", "3"]);
    let rows = applied(&full, &["1", "2", "3"]);
    let branch = history(&["1", "2"]);
    let error = plan_upgrade(&branch, &rows, &Target::Head, PlanOptions::default()).unwrap_err();
    assert!(
        matches!(
            error,
            PlanError::Missing {
                downgrading: false,
                ..
            }
        ),
        "{error}"
    );
    let error = plan_downgrade(
        &branch,
        &rows,
        &Target::Relative(-1),
        PlanOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            PlanError::Missing {
                downgrading: true,
                ..
            }
        ),
        "{error}"
    );
    let stored = PlanOptions {
        use_stored_down: true,
        ..PlanOptions::default()
    };
    let plan = plan_downgrade(&branch, &rows, &Target::Relative(-1), stored).unwrap();
    let Action::Revert { down } = &plan.steps[0].action else {
        panic!()
    };
    assert_eq!(&*down.text, "drop table t3;");

    // A down over the limit was stored as NULL: refused, naming the revision and the fix.
    let mut rows = rows;
    rows[2].down_sql = None;
    let error = plan_downgrade(&branch, &rows, &Target::Relative(-1), stored).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the down SQL of 3 was not stored: over the 1 MiB of text the tracking table keeps"
    );
    assert!(
        error
            .help()
            .unwrap()
            .contains("restore the revision's folder from git")
    );
}

#[test]
fn a_pending_revision_below_an_applied_one_is_out_of_order() {
    let history = history(&["1", "2", "3"]);
    let rows = applied(&history, &["1", "3"]);
    let error = plan_upgrade(&history, &rows, &Target::Head, PlanOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "pending revision(s) 2 sort below the newest applied revision 3"
    );
}

#[test]
fn stamp_moves_bookkeeping_only_and_repairs_gaps() {
    let history = history(&["1", "2", "3"]);
    let rows = applied(&history, &["1", "3"]);
    let plan = plan_stamp(&history, &rows, &Target::Revision("2".into())).unwrap();
    assert_eq!(ids(&plan), ["2", "3"]);
    assert!(matches!(plan.steps[0].action, Action::Record { .. }));
    assert!(matches!(plan.steps[1].action, Action::Forget));
}

#[test]
fn moving_the_wrong_way_is_an_error_with_the_right_command() {
    let history = history(&["1", "2"]);
    let rows = applied(&history, &["1", "2"]);
    let error = plan_upgrade(&history, &rows, &Target::Base, PlanOptions::default()).unwrap_err();
    assert_eq!(error.help().unwrap(), "use `migrate downgrade base`");
}

#[test]
fn a_script_with_its_own_commit_is_refused_before_anything_runs() {
    let mut revisions: Vec<Revision> = ["1", "2", "3"].iter().map(|id| revision(id)).collect();
    revisions[1].up = Script::new(
        "2/up.sql",
        "create table a (x);\n\ncommit;\ncreate table b (x);",
    )
    .unwrap();
    revisions[2].down = Some(Script::new("3/down.sql", "BEGIN;\ndrop table t3;\nEND;").unwrap());
    let history = History::new(revisions).unwrap();
    let head: Target = "head".parse().unwrap();
    let error = plan_upgrade(&history, &[], &head, PlanOptions::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "1 file(s) run in a transaction but end or open one themselves: 2/up.sql:3: `commit`"
    );
    assert!(
        error
            .help()
            .unwrap_or_default()
            .contains("-- migrate:no-transaction")
    );
    // Only the scripts a plan runs are read: up to 1 runs nothing of 2's.
    let first: Target = "1".parse().unwrap();
    assert!(plan_upgrade(&history, &[], &first, PlanOptions::default()).is_ok());
    let all = applied(&history, &["1", "2", "3"]);
    let base: Target = "base".parse().unwrap();
    let error = plan_downgrade(&history, &all, &base, PlanOptions::default()).unwrap_err();
    let PlanError::TransactionControl { found } = error else {
        panic!("transaction control expected: {error}");
    };
    assert_eq!(
        found.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["3/down.sql:1: `BEGIN`"]
    );
    // Stamping runs nothing, so it is never refused.
    assert!(plan_stamp(&history, &[], &head).is_ok());
}

/// An up script long enough to be hashed and lexed on a thread of its own, ending with
/// `tail`.
fn long_up(id: &str, tail: &str) -> Script {
    let row = "insert into t (a) values ('one row of a long data migration');\n";
    let text = format!("{}{tail}", row.repeat((1 << 20) / row.len() + 1));
    Script::new(format!("{id}/up.sql"), text).unwrap()
}

/// Revisions 1 and 2, 1's up a long script ending in a COMMIT; 2's up a long one ending
/// in `second` when given.
fn two_long_ups(second: Option<&str>) -> History {
    let mut revisions: Vec<Revision> = ["1", "2"].iter().map(|id| revision(id)).collect();
    revisions[0].up = long_up("1", "commit;\n");
    if let Some(tail) = second {
        revisions[1].up = long_up("2", tail);
    }
    History::new(revisions).unwrap()
}

/// What the engine asks when the backend checks a long first script as it runs it.
fn checked_by_run() -> PlanOptions {
    PlanOptions {
        first_step_checked_by_run: true,
        ..PlanOptions::default()
    }
}

#[test]
fn a_long_first_script_is_left_to_the_run_that_checks_it() {
    let history = two_long_ups(None);
    let head: Target = "head".parse().unwrap();
    let plan = plan_upgrade(&history, &[], &head, checked_by_run()).unwrap();
    assert_eq!(ids(&plan), ["1", "2"]);
    let Action::Apply { up, .. } = &plan.steps[0].action else {
        panic!("an up step first")
    };
    assert!(up.facts_pending(), "the plan did not wait for the lexing");
    // Without a run that checks it, the plan waits, and refuses.
    let error = plan_upgrade(&history, &[], &head, PlanOptions::default()).unwrap_err();
    assert!(
        matches!(error, PlanError::TransactionControl { .. }),
        "{error}"
    );
}

#[test]
fn a_long_script_after_the_first_is_checked_by_the_plan_with_the_first() {
    let history = two_long_ups(Some("begin;\n"));
    let head: Target = "head".parse().unwrap();
    let error = plan_upgrade(&history, &[], &head, checked_by_run()).unwrap_err();
    let PlanError::TransactionControl { found } = error else {
        panic!("transaction control expected: {error}");
    };
    let lines = history.revisions()[0].up.text.lines().count();
    assert_eq!(
        found.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            format!("1/up.sql:{lines}: `commit`"),
            format!("2/up.sql:{lines}: `begin`")
        ],
        "the first step's finding too, first, once the plan is refused anyway"
    );
}

proptest! {
    #[test]
    fn upgrade_head_then_downgrade_base_returns_to_nothing(count in 0usize..15, applied_count in 0usize..15) {
        let names: Vec<String> = (1..=count).map(|n| (n * 7).to_string()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let history = history(&names);
        let rows = applied(&history, &names[..applied_count.min(count)]);
        let up = plan_upgrade(&history, &rows, &Target::Head, PlanOptions::default()).unwrap();
        prop_assert_eq!(up.steps.len(), count - applied_count.min(count));
        let at_head = execute(&history, rows, &up);
        prop_assert_eq!(at_head.len(), count);
        let down = plan_downgrade(&history, &at_head, &Target::Base, PlanOptions::default()).unwrap();
        let at_base = execute(&history, at_head, &down);
        prop_assert!(at_base.is_empty());
    }

    #[test]
    fn a_plan_never_skips_or_repeats(count in 1usize..15, applied_count in 0usize..15, steps in -15i64..15) {
        let names: Vec<String> = (1..=count).map(|n| n.to_string()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let history = history(&names);
        let current = applied_count.min(count);
        let rows = applied(&history, &names[..current]);
        let target = Target::Relative(steps);
        let plan = if steps >= 0 {
            plan_upgrade(&history, &rows, &target, PlanOptions::default())
        } else {
            plan_downgrade(&history, &rows, &target, PlanOptions::default())
        };
        let goal = current as i64 + steps;
        match plan {
            Ok(plan) => {
                let position = plan.position_after(&rows);
                let after = execute(&history, rows, &plan);
                prop_assert_eq!(position, after.iter().map(|r| r.id.clone()).max());
                let mut after_ids: Vec<String> = after.iter().map(|r| r.id.to_string()).collect();
                after_ids.sort_by_key(|id| id.parse::<usize>().unwrap());
                prop_assert_eq!(after_ids, names[..goal as usize].to_vec());
            }
            Err(error) => {
                prop_assert!(goal < 0 || goal > count as i64, "unexpected {}", error);
            }
        }
    }
}
