//! Multi-row writes for the publication path: one `INSERT` for many rows instead of one
//! statement (and, on SQLite, one read-back) per row.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Iterable};

/// Bind parameters one statement may carry: below SQLite's limit (32,766) and PostgreSQL's
/// (65,535), with room to spare.
const MAX_PARAMS: usize = 16_000;

/// Rows one statement carries at most, whatever the width of the table.
const MAX_ROWS: usize = 500;

/// Inserts `rows` in order, in as few multi-row `INSERT`s as the parameter limits allow, and
/// reads nothing back. Rows are inserted in the order given, so generated keys come out as they
/// would one row at a time.
pub(crate) async fn insert_all<A, C>(db: &C, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait,
    C: ConnectionTrait,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count().max(1);
    let per_statement = (MAX_PARAMS / columns).clamp(1, MAX_ROWS);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}
