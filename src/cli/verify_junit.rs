//! `verify --junit FILE`: a testsuite per backend, a testcase per revision.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use migrate::engine::WalkReport;

/// Writes each backend's walk as a testsuite; a revision that fails under `strict` is a
/// failed testcase.
pub fn write<'a>(
    path: &Path,
    walks: impl IntoIterator<Item = &'a WalkReport>,
    strict: bool,
) -> anyhow::Result<()> {
    let mut junit = JunitReport::new("migrate verify");
    for walk in walks {
        let mut suite = TestSuite::new(format!("verify {}", walk.backend));
        suite.set_time(Duration::from_millis(walk.duration_ms as u64));
        for verdict in &walk.revisions {
            let status = if verdict.status.fails(strict) {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status.set_message(verdict.status.as_str());
                let diff: Vec<String> = verdict.diff.iter().map(ToString::to_string).collect();
                status.set_description(format!(
                    "{}\n{}",
                    verdict.detail.as_deref().unwrap_or(""),
                    diff.join("\n")
                ));
                status
            } else if matches!(verdict.status.as_str(), "skipped" | "unchecked") {
                TestCaseStatus::skipped()
            } else {
                TestCaseStatus::success()
            };
            let mut case = TestCase::new(format!("{} {}", verdict.id, verdict.slug), status);
            case.set_classname(format!("migrate.{}", walk.backend));
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    let xml = junit.to_string().context("cannot write the JUnit report")?;
    std::fs::write(path, xml).with_context(|| format!("cannot write {}", path.display()))
}
