//! Training topics: an editable list, seeded by the migration.

use diesel::prelude::*;
use lumit_shared::training::{Topic, ValidTopic};

use crate::db::{new_id, now, DbConn};
use crate::error::StoreResult;
use crate::schema::training_topics;

/// A stored topic.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = training_topics)]
pub struct TopicRow {
    pub id: String,
    pub name_it: String,
    pub name_en: String,
    pub active: bool,
}

impl TopicRow {
    /// The API shape.
    pub fn into_api(self) -> Topic {
        Topic {
            id: self.id,
            name_it: self.name_it,
            name_en: self.name_en,
            active: self.active,
        }
    }
}

/// Every topic, in the list's order.
pub fn list(c: &mut DbConn) -> StoreResult<Vec<TopicRow>> {
    Ok(training_topics::table
        .order((training_topics::position, training_topics::id))
        .select(TopicRow::as_select())
        .load(c)?)
}

/// One topic.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<TopicRow> {
    Ok(training_topics::table
        .find(id)
        .select(TopicRow::as_select())
        .first(c)?)
}

/// Adds a topic at the end of the list.
pub fn insert(c: &mut DbConn, t: &ValidTopic) -> StoreResult<TopicRow> {
    let last: Option<i64> = training_topics::table
        .select(diesel::dsl::max(training_topics::position))
        .first(c)?;
    let id = new_id();
    let at = now();
    diesel::insert_into(training_topics::table)
        .values((
            training_topics::id.eq(&id),
            training_topics::name_it.eq(&t.name_it),
            training_topics::name_en.eq(&t.name_en),
            training_topics::active.eq(t.active),
            training_topics::position.eq(last.unwrap_or(0) + 1),
            training_topics::created_at.eq(at),
            training_topics::updated_at.eq(at),
        ))
        .execute(c)?;
    find(c, &id)
}

/// Changes a topic.
pub fn update(c: &mut DbConn, id: &str, t: &ValidTopic) -> StoreResult<TopicRow> {
    diesel::update(training_topics::table.find(id))
        .set((
            training_topics::name_it.eq(&t.name_it),
            training_topics::name_en.eq(&t.name_en),
            training_topics::active.eq(t.active),
            training_topics::updated_at.eq(now()),
        ))
        .execute(c)?;
    find(c, id)
}
