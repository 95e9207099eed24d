//! The case taxonomy: categories, sub-categories, their checklists and retention.

use diesel::prelude::*;
use lumit_shared::case::CaseCategory;

use crate::db::DbConn;
use crate::error::StoreResult;
use crate::schema::case_categories;

type CategoryTuple = (
    String,
    Option<String>,
    String,
    String,
    String,
    Option<i32>,
    bool,
);

/// The whole taxonomy, in display order.
pub fn categories(c: &mut DbConn) -> StoreResult<Vec<CaseCategory>> {
    let rows: Vec<CategoryTuple> = case_categories::table
        .select((
            case_categories::id,
            case_categories::parent_id,
            case_categories::name_it,
            case_categories::name_en,
            case_categories::checklist,
            case_categories::retention_years,
            case_categories::active,
        ))
        .order((case_categories::sort_order.asc(), case_categories::id.asc()))
        .load(c)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, parent_id, name_it, name_en, checklist, retention_years, active)| CaseCategory {
                id,
                parent_id,
                name_it,
                name_en,
                checklist: serde_json::from_str(&checklist).unwrap_or_default(),
                retention_years,
                active,
            },
        )
        .collect())
}

/// Seeds a category if missing (idempotent).
pub fn ensure_category(c: &mut DbConn, cat: &CaseCategory, order: i32) -> StoreResult<bool> {
    let exists: i64 = case_categories::table
        .filter(case_categories::id.eq(&cat.id))
        .count()
        .get_result(c)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(case_categories::table)
        .values((
            case_categories::id.eq(&cat.id),
            case_categories::parent_id.eq(&cat.parent_id),
            case_categories::name_it.eq(&cat.name_it),
            case_categories::name_en.eq(&cat.name_en),
            case_categories::checklist
                .eq(serde_json::to_string(&cat.checklist).unwrap_or_else(|_| "[]".into())),
            case_categories::retention_years.eq(cat.retention_years),
            case_categories::active.eq(cat.active),
            case_categories::sort_order.eq(order),
        ))
        .execute(c)?;
    Ok(true)
}

/// Creates or replaces a category.
pub fn save_category(c: &mut DbConn, cat: &CaseCategory, create: bool) -> StoreResult<()> {
    let checklist = serde_json::to_string(&cat.checklist).unwrap_or_else(|_| "[]".into());
    if create {
        let order: i64 = case_categories::table.count().get_result(c)?;
        diesel::insert_into(case_categories::table)
            .values((
                case_categories::id.eq(&cat.id),
                case_categories::parent_id.eq(&cat.parent_id),
                case_categories::name_it.eq(&cat.name_it),
                case_categories::name_en.eq(&cat.name_en),
                case_categories::checklist.eq(checklist),
                case_categories::retention_years.eq(cat.retention_years),
                case_categories::active.eq(cat.active),
                case_categories::sort_order.eq(order as i32),
            ))
            .execute(c)?;
    } else {
        diesel::update(case_categories::table.find(&cat.id))
            .set((
                case_categories::name_it.eq(&cat.name_it),
                case_categories::name_en.eq(&cat.name_en),
                case_categories::checklist.eq(checklist),
                case_categories::retention_years.eq(cat.retention_years),
                case_categories::active.eq(cat.active),
            ))
            .execute(c)?;
    }
    Ok(())
}
