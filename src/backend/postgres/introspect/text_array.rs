//! A one-dimensional PostgreSQL array as the server writes it in text (`{a,"b c",NULL}`),
//! split into its elements, for catalog rows read through the simple-query protocol.

/// The elements of `text`, `None` for a NULL element; `None` when `text` is not a
/// one-dimensional array literal. An element is quoted when it is empty, holds a
/// delimiter, a brace, a quote, a backslash or white space, or reads `NULL`; inside
/// quotes a backslash escapes the next character.
pub(crate) fn elements(text: &str) -> Option<Vec<Option<String>>> {
    // An array whose index does not start at 1 (`int2vector`'s start at 0) says its
    // bounds first: `[0:1]={1,2}`.
    let text = match text.strip_prefix('[') {
        Some(rest) => rest.split_once("]=")?.1,
        None => text,
    };
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut elements = Vec::new();
    if inner.is_empty() {
        return Some(elements);
    }
    let mut chars = inner.chars().peekable();
    loop {
        if chars.peek() == Some(&'"') {
            chars.next();
            let mut element = String::new();
            loop {
                match chars.next()? {
                    '\\' => element.push(chars.next()?),
                    '"' => break,
                    c => element.push(c),
                }
            }
            elements.push(Some(element));
        } else {
            let mut element = String::new();
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if matches!(c, '{' | '}' | '"') {
                    return None;
                }
                element.push(c);
                chars.next();
            }
            elements.push((element != "NULL").then_some(element));
        }
        match chars.next() {
            None => return Some(elements),
            Some(',') => {}
            Some(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn some(items: &[&str]) -> Vec<Option<String>> {
        items.iter().map(|item| Some((*item).to_owned())).collect()
    }

    #[test]
    fn plain_quoted_and_null_elements_split() {
        assert_eq!(elements("{}"), Some(Vec::new()));
        assert_eq!(elements("{1,-2,30}"), Some(some(&["1", "-2", "30"])));
        assert_eq!(elements("[0:1]={6,7}"), Some(some(&["6", "7"])));
        assert_eq!(
            elements(r#"{"a b","",NULL,"NULL","q\"uo\\te",x}"#),
            Some(vec![
                Some("a b".into()),
                Some(String::new()),
                None,
                Some("NULL".into()),
                Some(r#"q"uo\te"#.into()),
                Some("x".into()),
            ])
        );
        assert_eq!(elements(r#"{"a,b}","{c}"}"#), Some(some(&["a,b}", "{c}"])));
    }

    #[test]
    fn what_is_not_a_flat_array_is_refused() {
        for text in [
            "",
            "1,2",
            "[0:1]{1}",
            "{1,2",
            "{{1},{2}}",
            r#"{"open}"#,
            r#"{"a"b}"#,
        ] {
            assert_eq!(elements(text), None, "{text}");
        }
    }
}
