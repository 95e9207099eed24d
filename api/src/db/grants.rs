//! The server's database role on PostgreSQL: what it may do, granted at every start.

use diesel::prelude::*;

use super::*;

/// Gives the server's role (the user of `app`) what it needs and nothing more, as the owner
/// (`owner`, who ran the migrations): every table to read and write, except that audit rows and
/// frozen reports can only be added (no UPDATE, DELETE or TRUNCATE) and the migrations' own table only read. Run at
/// every start, so tables of new migrations are covered.
pub fn grant_least_privilege(owner: &Db, app: &Db) -> anyhow::Result<()> {
    use diesel::connection::SimpleConnection;
    #[derive(diesel::QueryableByName)]
    struct Who {
        #[diesel(sql_type = diesel::sql_types::Text)]
        role: String,
        /// None for the server's role until it is granted the schema.
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        schema: Option<String>,
    }
    let who =
        |db: &Db| -> anyhow::Result<Who> {
            let mut c = db.conn()?;
            Ok(diesel::sql_query(
                "SELECT current_user::text AS role, current_schema()::text AS schema",
            )
            .get_result(&mut **c)?)
        };
    let (o, a) = (who(owner)?, who(app)?);
    if o.role == a.role {
        anyhow::bail!(
            "LUMIT_MIGRATION_DATABASE_URL and LUMIT_DATABASE_URL connect as the same role `{}`: \
             the server's role must be another, without rights to alter the audit log",
            a.role
        );
    }
    let quote = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let schema = o
        .schema
        .ok_or_else(|| anyhow::anyhow!("the migrations' role has no current schema"))?;
    let (role, schema) = (quote(&a.role), quote(&schema));
    let mut c = owner.conn()?;
    c.batch_execute(&format!(
        "GRANT USAGE ON SCHEMA {schema} TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
         GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
         REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit_log FROM {role};
         REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.frozen_reports FROM {role};
         REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.__diesel_schema_migrations FROM {role};"
    ))?;
    tracing::info!(role = %a.role, "least-privilege grants applied");
    Ok(())
}
