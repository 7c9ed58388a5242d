//! Enums and sequences that exist on both sides but differ. What `ALTER` can do in both
//! directions is written (a comment); what it cannot is refused with the reason and
//! the object named, so the user writes that part by hand. Pure.

use super::error::MigrationPlanError;
use crate::schema::model::{Enum, Sequence};
use crate::schema::name::{QualifiedName, quote_literal};

/// The statements for an enum whose labels or comment changed, or why not.
///
/// Labels are refused whichever way they change: PostgreSQL can add a label
/// (`ALTER TYPE ... ADD VALUE`) but never drop one, so the down of an added label, like
/// the up of a removed or reordered one, means recreating the type and converting every
/// column that uses it, which is the user's to write (and to decide for the rows).
pub(crate) fn enum_change(old: &Enum, new: &Enum) -> Result<Option<String>, MigrationPlanError> {
    let name = &new.name;
    if old.labels != new.labels {
        let removed: Vec<&String> = old
            .labels
            .iter()
            .filter(|l| !new.labels.contains(l))
            .collect();
        let added: Vec<&String> = new
            .labels
            .iter()
            .filter(|l| !old.labels.contains(l))
            .collect();
        let kept_order = old
            .labels
            .iter()
            .filter(|l| new.labels.contains(l))
            .eq(new.labels.iter().filter(|l| old.labels.contains(l)));
        let what = if !removed.is_empty() {
            format!(
                "enum {name}: label(s) {} removed (PostgreSQL cannot drop an enum label: the type must be recreated and its columns converted)",
                quoted(&removed)
            )
        } else if !kept_order {
            format!(
                "enum {name}: labels reordered (PostgreSQL cannot move an enum label: the type must be recreated and its columns converted)"
            )
        } else {
            format!(
                "enum {name}: label(s) {} added (up is `ALTER TYPE {name} ADD VALUE ...`, but PostgreSQL cannot drop a label again, so the down must recreate the type)",
                quoted(&added)
            )
        };
        return Err(MigrationPlanError::Unsupported { what });
    }
    Ok(Some(comment_on("TYPE", name, new.comment.as_ref())))
}

fn comment_on(kind: &str, name: &QualifiedName, comment: Option<&String>) -> String {
    let value = comment.map_or_else(|| "NULL".to_owned(), |text| quote_literal(text));
    format!("COMMENT ON {kind} {name} IS {value};")
}

fn quoted(labels: &[&String]) -> String {
    let quoted: Vec<String> = labels.iter().map(|l| quote_literal(l)).collect();
    quoted.join(", ")
}

/// A sequence whose comment changed, or else refused, naming the options. `ALTER SEQUENCE`
/// could set them, but whether it may (`MINVALUE` above the last value handed out, `AS`
/// too narrow for it) depends on a value the model does not hold, so no proof covers it.
pub(crate) fn sequence_change(
    old: &Sequence,
    new: &Sequence,
) -> Result<Option<String>, MigrationPlanError> {
    let uncommented = |s: &Sequence| Sequence {
        comment: None,
        ..s.clone()
    };
    if uncommented(old) == uncommented(new) {
        return Ok(Some(comment_on(
            "SEQUENCE",
            &new.name,
            new.comment.as_ref(),
        )));
    }
    let mut changed = Vec::new();
    let mut note = |option: &str, was: String, now: String| {
        if was != now {
            changed.push(format!("{option} {was} -> {now}"));
        }
    };
    note("AS", old.data_type.clone(), new.data_type.clone());
    note("START", old.start.to_string(), new.start.to_string());
    note(
        "INCREMENT",
        old.increment.to_string(),
        new.increment.to_string(),
    );
    note(
        "MINVALUE",
        old.min_value.to_string(),
        new.min_value.to_string(),
    );
    note(
        "MAXVALUE",
        old.max_value.to_string(),
        new.max_value.to_string(),
    );
    note("CACHE", old.cache.to_string(), new.cache.to_string());
    note("CYCLE", old.cycle.to_string(), new.cycle.to_string());
    let owner = |s: &Sequence| {
        s.owned_by
            .as_ref()
            .map_or("none".to_owned(), |(t, c)| format!("{t}.{c}"))
    };
    note("OWNED BY", owner(old), owner(new));
    Err(MigrationPlanError::Unsupported {
        what: format!("sequence {}: {}", new.name, changed.join(", ")),
    })
}
