//! `--format`: human or JSON output, for every command that prints a report.

use clap::{Args, ValueEnum};

/// Output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// `--format`.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// human or json
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
