//! Webhooks (issue 19 item 2): third-party apps' subscriptions to a council's changes, and the
//! log of every delivery attempt. Neither is derived from the record: they are delivery state,
//! owned by whoever registered the subscription.
//!
//! - `webhook`: the registered URL and secret, the council and kinds of change followed, the
//!   last change number queued for it, whether it is active, and its consecutive failures.
//! - `webhook_delivery`: one row per change to deliver (its attempts, next attempt, outcome).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("webhook")
                .col(string_len("id", 64).primary_key())
                .col(string_len("owner", 128))
                .col(text("url"))
                .col(text("secret"))
                .col(string_len_null("council_id", 64))
                .col(text("kinds"))
                .col(big_integer("last_seq"))
                .col(boolean("active"))
                .col(integer("failures"))
                .col(text_null("disabled_reason"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("webhook_delivery")
                .col(big_pk_auto("id"))
                .col(string_len("webhook_id", 64))
                .col(big_integer("seq"))
                .col(text("payload"))
                .col(string_len("state", 16))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(integer_null("last_status"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_attempt_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("webhook_delivery", "webhook_id")
                        .to("webhook", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("webhook_delivery_due")
                .table("webhook_delivery")
                .col("state")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("webhook_delivery_webhook")
                .table("webhook_delivery")
                .col("webhook_id")
                .col("id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("webhook_delivery").to_owned()).await?;
        m.drop_table(Table::drop().table("webhook").to_owned()).await
    }
}
