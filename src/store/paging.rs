//! Keyset paging shared by every list: a page is the rows after a cursor, and the cursor of the
//! next page is the key of the page's last row. Cursors are opaque to clients; one this server
//! never issued is refused, never guessed at.

use sea_orm::{ColumnTrait, Condition, Value};

use super::StoreError;

/// A page of read models and whether more follow.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// The same page with each item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}

/// Splits `limit + 1` fetched rows into a page and the cursor of the next one.
pub fn page<T>(mut rows: Vec<T>, limit: u64, key: impl Fn(&T) -> String) -> Page<T> {
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = if more { rows.last().map(key) } else { None };
    Page { items: rows, next }
}

/// Splits a composite cursor `a|b`.
pub(crate) fn split_cursor(c: &str) -> Result<(&str, &str), StoreError> {
    c.split_once('|').ok_or_else(bad_cursor)
}

/// Parses one part of a cursor.
pub(crate) fn cursor_part<T: std::str::FromStr>(s: &str) -> Result<T, StoreError> {
    s.parse().map_err(|_| bad_cursor())
}

/// The rows after the key `(a0, b0)` in `(a, b)` order: `a > a0`, or `a = a0` and `b > b0`.
pub(crate) fn after(
    a: impl ColumnTrait,
    a0: impl Into<Value> + Clone,
    b: impl ColumnTrait,
    b0: impl Into<Value>,
) -> Condition {
    Condition::any().add(a.gt(a0.clone())).add(Condition::all().add(a.eq(a0)).add(b.gt(b0)))
}

/// The refusal of a cursor this server never issued.
pub(crate) fn bad_cursor() -> StoreError {
    StoreError::BadRequest("cursor is not one this server issued; start again without it".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_page_names_its_last_key_and_the_last_page_none() {
        let p = page(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!((p.items, p.next), (vec![1, 2], Some("2".to_owned())));
        let p = page(vec![1, 2], 2, |n| n.to_string());
        assert_eq!((p.items, p.next), (vec![1, 2], None));
    }

    #[test]
    fn a_cursor_without_its_separator_is_refused() {
        assert!(matches!(split_cursor("abc"), Err(StoreError::BadRequest(_))));
        assert_eq!(split_cursor("a|b|c").ok(), Some(("a", "b|c")));
        assert!(cursor_part::<i32>("x").is_err());
    }
}
