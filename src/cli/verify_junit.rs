//! `verify --junit FILE`: a testsuite per backend, a testcase per revision.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use super::verify_output::Report;

pub fn write(path: &Path, reports: &[Report], strict: bool) -> anyhow::Result<()> {
    let mut junit = JunitReport::new("migrate verify");
    for report in reports {
        let mut suite = TestSuite::new(format!("verify {}", report.walk.backend));
        suite.set_time(Duration::from_millis(report.walk.duration_ms as u64));
        for verdict in &report.walk.revisions {
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
            case.set_classname(format!("migrate.{}", report.walk.backend));
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    let xml = junit.to_string().context("cannot write the JUnit report")?;
    std::fs::write(path, xml).with_context(|| format!("cannot write {}", path.display()))
}
