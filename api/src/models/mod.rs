//! Database rows and the queries on them, one module per resource.

/// The trait impls diesel needs for a boolean condition written as a `QueryFragment` of its own
/// (one that binds its values, so that diesel keeps the statement prepared, which it refuses
/// for an `sql()` literal).
macro_rules! condition {
    ($ty:ty) => {
        impl diesel::Expression for $ty {
            type SqlType = diesel::sql_types::Bool;
        }
        impl<QS> diesel::AppearsOnTable<QS> for $ty {}
        impl<QS> diesel::SelectableExpression<QS> for $ty {}
        impl diesel::expression::ValidGrouping<()> for $ty {
            type IsAggregate = diesel::expression::is_aggregate::Never;
        }
        impl diesel::query_builder::QueryId for $ty {
            type QueryId = ();
            const HAS_STATIC_QUERY_ID: bool = false;
        }
    };
    // One that binds text only, its SQL written by the block: `condition!(T, |self, out| { … })`.
    ($ty:ty, |$this:ident, $out:ident| $walk:block) => {
        $crate::models::condition!($ty);
        impl<DB> diesel::query_builder::QueryFragment<DB> for $ty
        where
            DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
            String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn walk_ast<'b>(
                &'b $this,
                mut $out: diesel::query_builder::AstPass<'_, 'b, DB>,
            ) -> diesel::QueryResult<()> $walk
        }
    };
}
pub(crate) use condition;

pub mod api_client;
pub mod case;
pub mod desk;
pub mod mediator;
pub mod municipality;
pub mod outbox;
pub mod person;
pub mod person_words;
pub mod referral;
pub mod refresh_token;
pub mod report;
pub mod request;
pub mod second_factor;
pub mod training;
pub mod user;
pub mod webhook;
