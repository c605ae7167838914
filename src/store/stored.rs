//! Reading stored values back strictly: an enum name, a JSON map or list that does not parse is
//! an error naming the table, the row and the column ([`StoreError::Corrupt`]), never a silent
//! default. The projection writes only valid values, so such an error means the database and
//! the code disagree, which an operator must hear about.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::de::DeserializeOwned;

use super::StoreError;

/// Where a stored value comes from: a table, a row key, a column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'a> {
    /// The table.
    pub table: &'static str,
    /// The row's key.
    pub row: &'a str,
}

impl<'a> At<'a> {
    /// The row keyed `row` of `table`.
    pub fn new(table: &'static str, row: &'a str) -> Self {
        Self { table, row }
    }

    /// The stored enum name of `column` as the domain enum.
    pub fn enumeration<T: FromStr>(self, column: &'static str, value: &str) -> Result<T, StoreError> {
        value.parse().map_err(|_| StoreError::corrupt(self.table, self.row, column, value))
    }

    /// An optional stored enum name of `column`: absent stays absent, present must parse.
    pub fn opt_enumeration<T: FromStr>(
        self,
        column: &'static str,
        value: Option<&str>,
    ) -> Result<Option<T>, StoreError> {
        value.map(|v| self.enumeration(column, v)).transpose()
    }

    /// The JSON text of `column` as `T`.
    pub fn json<T: DeserializeOwned>(self, column: &'static str, text: &str) -> Result<T, StoreError> {
        serde_json::from_str(text).map_err(|_| StoreError::corrupt(self.table, self.row, column, text))
    }

    /// The JSON map of names per language tag of `column`.
    pub fn names(self, column: &'static str, text: &str) -> Result<BTreeMap<String, String>, StoreError> {
        self.json(column, text)
    }

    /// A stored count or number that must fit `T` (e.g. not be negative).
    pub fn number<T: TryFrom<i64>>(self, column: &'static str, value: impl Into<i64>) -> Result<T, StoreError> {
        let v: i64 = value.into();
        T::try_from(v).map_err(|_| StoreError::corrupt(self.table, self.row, column, &v.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::enums::VoteResult;

    #[test]
    fn an_unknown_stored_enum_value_is_an_error_naming_its_row() {
        let at = At::new("vote_event", "ve-1");
        assert_eq!(at.enumeration::<VoteResult>("result", "pass").ok(), Some(VoteResult::Pass));
        let e = at.enumeration::<VoteResult>("result", "maybe").unwrap_err();
        assert_eq!(e.to_string(), "vote_event row ve-1: stored result \"maybe\" does not parse");
    }

    #[test]
    fn a_names_column_that_is_not_a_map_is_an_error_not_an_empty_map() {
        let at = At::new("council", "c-1");
        assert_eq!(at.names("names", r#"{"kk":"A"}"#).map(|m| m.len()).ok(), Some(1));
        assert!(matches!(at.names("names", "[]"), Err(StoreError::Corrupt { column: "names", .. })));
        assert!(at.number::<u32>("seats", -1).is_err());
    }
}
