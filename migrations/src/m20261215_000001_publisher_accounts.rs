//! Publisher accounts for the workspace (issue 18): the people who publish through the browser
//! (council clerks, monitors, admins), their signed-in sessions, and their unpublished drafts.
//! None of it is a published fact: accounts and sessions are credentials, drafts are private
//! until published, when they go through the same publication path as the API.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("publisher_account")
                .col(string_len("id", 64).primary_key())
                .col(text("name"))
                .col(string_len("kind", 16))
                .col(string_len_null("council_id", 128))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                // SHA-256 (hex) of the one-time sign-in token; the token itself is never stored.
                .col(string_len_null("sign_in_hash", 64))
                .col(timestamp_with_time_zone_null("sign_in_expires_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("publisher_session")
                // SHA-256 (hex) of the session cookie's value.
                .col(string_len("id_hash", 64).primary_key())
                .col(string_len("account_id", 64))
                .col(string_len("csrf", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("publisher_session", "account_id")
                        .to("publisher_account", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("publisher_session_account").table("publisher_session").col("account_id").to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("workspace_draft")
                // `roster:<council>` or `session_record:<council>:<session>`.
                .col(string_len("id", 400).primary_key())
                .col(string_len("council_id", 128))
                .col(text("body"))
                .col(string_len("updated_by", 64))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["workspace_draft", "publisher_session", "publisher_account"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
