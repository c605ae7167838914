//! The whole model of `domain.md`: councils, parties, rosters, session records, the stored
//! document versions with their change sequence, the transparency log and revoked tokens.
//!
//! Multilingual names are stored as canonical JSON text (`{"kk": …, "ru": …}`) so that the same
//! schema works on SQLite and PostgreSQL; `search_key` holds the folded form used for text search.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A string primary key: ids are chosen by publishers, stable and never reused.
fn id_pk(name: &'static str) -> ColumnDef {
    string_len(name, 64).primary_key().to_owned()
}

fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    to_col: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, to_col)
        .to_owned()
}

fn stamps(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone("created_at")).col(timestamp_with_time_zone("updated_at"))
}

fn index(table: &'static str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(format!("ix_{table}_{}", cols.join("_"))).table(table);
    for c in cols {
        i.col(*c);
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    #[expect(
        clippy::too_many_lines,
        reason = "the whole first schema, one table after another: migrations stay self-contained and are never edited"
    )]
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The write serializer: every publication updates this single row first, which takes the
        // write lock (SQLite) or the row lock (PostgreSQL) for the whole transaction, and yields
        // the next gap-free change sequence number.
        m.create_table(
            Table::create()
                .table("write_head")
                .col(integer("id").primary_key())
                .col(big_integer("last_seq"))
                .col(big_integer("log_size"))
                // The right edge of the log's Merkle tree (roots of its perfect subtrees, hex,
                // largest first): appends and the current root cost O(log n), not O(n).
                .col(text("frontier"))
                .to_owned(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("write_head")
                .columns(["id", "last_seq", "log_size", "frontier"])
                .values_panic([1.into(), 0i64.into(), 0i64.into(), "".into()])
                .to_owned(),
        )
        .await?;

        let mut t = Table::create();
        t.table("council")
            .col(id_pk("id"))
            .col(text("names"))
            .col(string_len("level", 32))
            .col(string_len_null("parent_id", 64))
            .col(string_len_null("kato", 16))
            .col(integer("seats"))
            .col(text_null("website"))
            .col(text("search_key"))
            .col(boolean("synthetic"))
            .col(integer("version"));
        stamps(&mut t).foreign_key(&mut fk("council", "parent_id", "council", "id"));
        m.create_table(t.to_owned()).await?;

        m.create_table(
            Table::create()
                .table("convocation")
                .col(pk_auto("id"))
                .col(string_len("council_id", 64))
                .col(string_len("number", 16))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .foreign_key(&mut fk("convocation", "council_id", "council", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("convocation", &["council_id", "number"]).unique().to_owned()).await?;

        let mut t = Table::create();
        t.table("party")
            .col(id_pk("id"))
            .col(text("names"))
            .col(text("abbreviations"))
            .col(string_len("registration_status", 32))
            .col(text("search_key"))
            .col(boolean("synthetic"))
            .col(integer("version"));
        stamps(&mut t);
        m.create_table(t.to_owned()).await?;

        let mut t = Table::create();
        t.table("deputy")
            .col(id_pk("id"))
            .col(string_len("council_id", 64))
            .col(text("names"))
            .col(text("given_names"))
            .col(text("family_names"))
            .col(text("patronymic_names"))
            .col(string_len_null("gender", 16))
            .col(text("contacts"))
            .col(text("search_key"))
            .col(boolean("listed"))
            .col(boolean("synthetic"));
        stamps(&mut t).foreign_key(&mut fk("deputy", "council_id", "council", "id"));
        m.create_table(t.to_owned()).await?;
        m.create_index(index("deputy", &["council_id"])).await?;

        m.create_table(
            Table::create()
                .table("mandate")
                .col(pk_auto("id"))
                .col(string_len("deputy_id", 64))
                .col(string_len("council_id", 64))
                .col(string_len("convocation", 16))
                .col(string_len("seat_type", 32))
                .col(text_null("district"))
                .col(string_len("nomination", 32))
                .col(string_len_null("nominating_party_id", 64))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .col(string_len_null("end_reason", 32))
                .foreign_key(&mut fk("mandate", "deputy_id", "deputy", "id"))
                .foreign_key(&mut fk("mandate", "council_id", "council", "id"))
                .foreign_key(&mut fk("mandate", "nominating_party_id", "party", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("mandate", &["council_id", "deputy_id"])).await?;

        m.create_table(
            Table::create()
                .table("party_membership")
                .col(pk_auto("id"))
                .col(string_len("deputy_id", 64))
                .col(string_len("council_id", 64))
                .col(string_len("party_id", 64))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .foreign_key(&mut fk("party_membership", "deputy_id", "deputy", "id"))
                .foreign_key(&mut fk("party_membership", "party_id", "party", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("party_membership", &["deputy_id"])).await?;
        m.create_index(index("party_membership", &["council_id"])).await?;

        m.create_table(
            Table::create()
                .table("commission")
                .col(id_pk("id"))
                .col(string_len("council_id", 64))
                .col(text("names"))
                .col(string_len("kind", 32))
                .col(date_null("start_date"))
                .col(date_null("end_date"))
                .foreign_key(&mut fk("commission", "council_id", "council", "id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("deputy_role")
                .col(pk_auto("id"))
                .col(string_len("council_id", 64))
                .col(string_len("deputy_id", 64))
                .col(string_len("role", 32))
                .col(string_len_null("commission_id", 64))
                .col(string_len_null("party_id", 64))
                .col(date("start_date"))
                .col(date_null("end_date"))
                .foreign_key(&mut fk("deputy_role", "deputy_id", "deputy", "id"))
                .foreign_key(&mut fk("deputy_role", "commission_id", "commission", "id"))
                .foreign_key(&mut fk("deputy_role", "party_id", "party", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("deputy_role", &["council_id"])).await?;

        let mut t = Table::create();
        t.table("session")
            .col(id_pk("id"))
            .col(string_len("council_id", 64))
            .col(string_len("convocation", 16))
            .col(integer("number"))
            .col(string_len("kind", 32))
            .col(string_len("status", 32))
            .col(timestamp_with_time_zone("scheduled_start"))
            .col(timestamp_with_time_zone_null("scheduled_end"))
            .col(timestamp_with_time_zone_null("actual_start"))
            .col(timestamp_with_time_zone_null("actual_end"))
            .col(text_null("place"))
            .col(boolean("is_open"))
            .col(text_null("livestream_url"))
            .col(text_null("recording_url"))
            .col(string_len_null("minutes_document_id", 64))
            .col(timestamp_with_time_zone_null("declared_notice_at"))
            .col(text_null("declared_notice_source"))
            .col(boolean("backfilled"))
            .col(timestamp_with_time_zone("first_received_at"))
            .col(timestamp_with_time_zone_null("agenda_first_public_at"))
            .col(timestamp_with_time_zone_null("minutes_first_public_at"))
            .col(boolean("synthetic"))
            .col(integer("version"))
            .col(big_integer("last_seq"));
        stamps(&mut t).foreign_key(&mut fk("session", "council_id", "council", "id"));
        m.create_table(t.to_owned()).await?;
        m.create_index(index("session", &["council_id", "scheduled_start"])).await?;

        m.create_table(
            Table::create()
                .table("agenda_item")
                .col(id_pk("id"))
                .col(string_len("session_id", 64))
                .col(string_len("council_id", 64))
                .col(integer("position"))
                .col(string_len_null("number_label", 32))
                .col(text("titles"))
                .col(string_len("initiator", 32))
                .col(boolean("is_open"))
                .col(string_len_null("result", 32))
                .col(timestamp_with_time_zone("first_public_at"))
                .col(boolean("added_late"))
                .foreign_key(&mut fk("agenda_item", "session_id", "session", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("agenda_item", &["session_id", "position"])).await?;

        m.create_table(
            Table::create()
                .table("document")
                .col(id_pk("id"))
                .col(string_len("session_id", 64))
                .col(string_len("council_id", 64))
                .col(string_len_null("agenda_item_id", 64))
                .col(string_len("kind", 32))
                .col(text("title"))
                .col(string_len("media_type", 128))
                .col(text("url"))
                .col(string_len_null("sha256", 64))
                .col(string_len("language", 16))
                .col(text_null("body_text"))
                .col(timestamp_with_time_zone("first_public_at"))
                .foreign_key(&mut fk("document", "session_id", "session", "id"))
                .foreign_key(&mut fk("document", "agenda_item_id", "agenda_item", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("document", &["session_id"])).await?;

        m.create_table(
            Table::create()
                .table("vote_event")
                .col(id_pk("id"))
                .col(string_len("session_id", 64))
                .col(string_len("council_id", 64))
                .col(string_len("agenda_item_id", 64))
                .col(integer("position"))
                .col(text("motion"))
                .col(string_len("stage", 32))
                .col(string_len("method", 32))
                .col(string_len("majority_rule", 32))
                .col(integer("seats"))
                .col(string_len("result", 16))
                .col(integer_null("yes_count"))
                .col(integer_null("no_count"))
                .col(integer_null("abstain_count"))
                .col(integer_null("not_voting_count"))
                .col(integer_null("absent_count"))
                .col(integer_null("excused_count"))
                .col(boolean("named"))
                .col(boolean("contested"))
                .col(date("session_date"))
                .foreign_key(&mut fk("vote_event", "session_id", "session", "id"))
                .foreign_key(&mut fk("vote_event", "agenda_item_id", "agenda_item", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("vote_event", &["session_id"])).await?;
        m.create_index(index("vote_event", &["council_id", "session_date"])).await?;

        m.create_table(
            Table::create()
                .table("ballot")
                .col(string_len("vote_event_id", 64))
                .col(string_len("deputy_id", 64))
                .col(string_len("option", 16))
                .col(string_len("session_id", 64))
                .col(date("session_date"))
                .primary_key(Index::create().col("vote_event_id").col("deputy_id"))
                .foreign_key(&mut fk("ballot", "vote_event_id", "vote_event", "id"))
                .foreign_key(&mut fk("ballot", "deputy_id", "deputy", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ballot", &["deputy_id", "session_date"])).await?;
        m.create_index(index("ballot", &["session_id"])).await?;

        m.create_table(
            Table::create()
                .table("speech")
                .col(id_pk("id"))
                .col(string_len("session_id", 64))
                .col(string_len("council_id", 64))
                .col(string_len_null("agenda_item_id", 64))
                .col(integer("position"))
                .col(string_len_null("deputy_id", 64))
                .col(text_null("speaker_name"))
                .col(string_len("speaker_role", 32))
                .col(string_len("speech_type", 32))
                .col(string_len("language", 16))
                .col(integer_null("seconds"))
                .col(text_null("body_text"))
                .col(date("session_date"))
                .foreign_key(&mut fk("speech", "session_id", "session", "id"))
                .foreign_key(&mut fk("speech", "agenda_item_id", "agenda_item", "id"))
                .foreign_key(&mut fk("speech", "deputy_id", "deputy", "id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("speech", &["session_id"])).await?;
        m.create_index(index("speech", &["deputy_id"])).await?;

        // Every accepted version of every document, exactly as canonical JSON, with the time the
        // server received it. `seq` is the change-feed number; `log_index` its leaf in the log.
        m.create_table(
            Table::create()
                .table("document_version")
                .col(big_pk_auto("id"))
                .col(string_len("kind", 32))
                .col(string_len("doc_id", 64))
                .col(string_len_null("council_id", 64))
                .col(integer("version"))
                .col(text("body"))
                .col(string_len("sha256", 64))
                .col(timestamp_with_time_zone("received_at"))
                .col(text_null("reason"))
                .col(string_len("publisher", 128))
                .col(string_len("provenance", 32))
                .col(big_integer_uniq("seq"))
                .col(big_integer_null("log_index"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("document_version", &["kind", "doc_id", "version"]).unique().to_owned()).await?;
        m.create_index(index("document_version", &["council_id", "seq"])).await?;

        m.create_table(
            Table::create()
                .table("log_entry")
                .col(big_integer("idx").primary_key())
                .col(big_integer_uniq("version_id"))
                .col(text("leaf_data"))
                .col(string_len("leaf_hash", 64))
                .foreign_key(&mut fk("log_entry", "version_id", "document_version", "id"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("revoked_token")
                .col(string_len("jti", 128).primary_key())
                .col(timestamp_with_time_zone("revoked_at"))
                .col(text_null("reason"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "revoked_token",
            "log_entry",
            "document_version",
            "speech",
            "ballot",
            "vote_event",
            "document",
            "agenda_item",
            "session",
            "deputy_role",
            "commission",
            "party_membership",
            "mandate",
            "deputy",
            "party",
            "convocation",
            "council",
            "write_head",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
