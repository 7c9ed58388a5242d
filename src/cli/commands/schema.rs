//! `migrate schema` and `migrate diff URL1 URL2`: look at a database's schema, or at how
//! two differ.

use migrate::backend::{DatabaseUrl, open_with};
use migrate::schema::{Schema, diff as schema_diff, render};

use crate::cli::args::Format;
use crate::cli::context::Context;
use crate::cli::exit;

pub fn show(context: &Context, format: Format) -> anyhow::Result<u8> {
    let mut backend = context.backend()?;
    let schema = backend.introspect(&context.settings.introspect)?;
    match format {
        Format::Human => print!("{}", render(&schema)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&schema)?),
    }
    Ok(exit::SUCCESS)
}

pub fn diff(context: &Context, expected: &str, actual: &str, format: Format) -> anyhow::Result<u8> {
    let expected = snapshot(context, expected)?;
    let actual = snapshot(context, actual)?;
    let findings = schema_diff(&expected, &actual);
    match format {
        Format::Human if findings.is_empty() => println!("no differences"),
        Format::Human => {
            for finding in &findings {
                println!("{finding}");
            }
        }
        Format::Json => println!("{}", serde_json::to_string_pretty(&findings)?),
    }
    Ok(if findings.is_empty() {
        exit::SUCCESS
    } else {
        exit::DEFECT
    })
}

fn snapshot(context: &Context, url: &str) -> anyhow::Result<Schema> {
    let url: DatabaseUrl = url.parse()?;
    let settings = &context.settings;
    let mut backend = open_with(&url, settings.table.clone(), &settings.postgres)?;
    Ok(backend.introspect(&settings.introspect)?)
}
