//! Municipalities in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::municipality::{Municipality, MunicipalityKind, ValidMunicipality};
use lumit_shared::page::Summary;
use lumit_shared::rule::RuleError;
use lumit_shared::text::fold;
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::{StoreError, StoreResult};
use crate::schema::municipalities;

/// A stored municipality.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = municipalities)]
pub struct MunicipalityRow {
    pub id: String,
    pub name: String,
    pub name_folded: String,
    pub kind: String,
    pub istat_code: Option<String>,
    pub province_code: Option<String>,
    pub member_of_id: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub version: i64,
}

impl MunicipalityRow {
    /// The API shape.
    pub fn into_api(self) -> Municipality {
        Municipality {
            kind: MunicipalityKind::parse(&self.kind).unwrap_or(MunicipalityKind::Other),
            id: self.id,
            name: self.name,
            istat_code: self.istat_code,
            province_code: self.province_code,
            member_of_id: self.member_of_id,
            address: self.address,
            email: self.email,
            phone: self.phone,
            active: self.active,
        }
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = municipalities, treat_none_as_null = true)]
struct Values<'a> {
    name: &'a str,
    name_folded: String,
    kind: &'a str,
    istat_code: Option<&'a str>,
    province_code: Option<&'a str>,
    member_of_id: Option<&'a str>,
    address: Option<&'a str>,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    active: bool,
    updated_at: NaiveDateTime,
}

impl<'a> Values<'a> {
    fn of(m: &'a ValidMunicipality) -> Self {
        Self {
            name: &m.name,
            name_folded: fold(&m.name),
            kind: m.kind.as_str(),
            istat_code: m.istat_code.as_deref(),
            province_code: m.province_code.as_deref(),
            member_of_id: m.member_of_id.as_deref(),
            address: m.address.as_deref(),
            email: m.email.as_deref(),
            phone: m.phone.as_deref(),
            active: m.active,
            updated_at: now(),
        }
    }
}

/// One municipality.
pub fn find(c: &mut DbConn, id: &str) -> StoreResult<MunicipalityRow> {
    Ok(municipalities::table
        .find(id)
        .select(MunicipalityRow::as_select())
        .first(c)?)
}

/// One by ISTAT code.
pub fn find_by_istat(c: &mut DbConn, istat: &str) -> StoreResult<Option<MunicipalityRow>> {
    Ok(municipalities::table
        .filter(municipalities::istat_code.eq(istat))
        .select(MunicipalityRow::as_select())
        .first(c)
        .optional()?)
}

/// Adds the members of any Unione in the list: working for an Unione means working for its comuni.
pub fn with_members(c: &mut DbConn, mut ids: Vec<String>) -> StoreResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(ids);
    }
    let members: Vec<String> = municipalities::table
        .filter(municipalities::member_of_id.eq_any(&ids))
        .filter(municipalities::active.eq(true))
        .select(municipalities::id)
        .load(c)?;
    for m in members {
        if !ids.contains(&m) {
            ids.push(m);
        }
    }
    Ok(ids)
}

/// The Unione a municipality belongs to, if any (none for an unknown id).
pub fn unione_of(c: &mut DbConn, id: &str) -> StoreResult<Option<String>> {
    let parent: Option<Option<String>> = municipalities::table
        .find(id)
        .select(municipalities::member_of_id)
        .first(c)
        .optional()?;
    Ok(parent.flatten())
}

/// Every member of an Unione, with its Unione.
pub fn memberships(c: &mut DbConn) -> StoreResult<Vec<(String, Option<String>)>> {
    Ok(municipalities::table
        .filter(municipalities::member_of_id.is_not_null())
        .select((municipalities::id, municipalities::member_of_id))
        .load(c)?)
}

/// A municipality's name.
pub fn name(c: &mut DbConn, id: &str) -> StoreResult<String> {
    Ok(municipalities::table
        .find(id)
        .select(municipalities::name)
        .first(c)?)
}

/// Counts of active municipalities, desks and (when asked) accounts, for the home page.
pub fn counts(c: &mut DbConn, with_users: bool) -> StoreResult<Summary> {
    use crate::schema::{desks, users};
    let municipalities = municipalities::table
        .filter(municipalities::active.eq(true))
        .count()
        .get_result(c)?;
    let desks = desks::table
        .filter(desks::active.eq(true))
        .count()
        .get_result(c)?;
    let users = if with_users {
        Some(
            users::table
                .filter(users::active.eq(true))
                .count()
                .get_result(c)?,
        )
    } else {
        None
    };
    Ok(Summary {
        municipalities,
        desks,
        users,
    })
}

/// Checks that `member_of_id` names an Unione other than the municipality itself.
fn check_parent(c: &mut DbConn, own_id: Option<&str>, m: &ValidMunicipality) -> StoreResult<()> {
    let Some(parent) = m.member_of_id.as_deref() else {
        return Ok(());
    };
    let row = municipalities::table
        .find(parent)
        .select(municipalities::kind)
        .first::<String>(c)
        .optional()?;
    match row {
        _ if own_id == Some(parent) => Err(RuleError::field(
            "member_of_id",
            "invalid_reference",
            "cannot be a member of itself",
        )
        .into()),
        Some(kind) if kind == MunicipalityKind::Unione.as_str() => Ok(()),
        Some(_) => {
            Err(RuleError::field("member_of_id", "not_an_unione", "must be an Unione").into())
        }
        None => Err(
            RuleError::field("member_of_id", "invalid_reference", "no such municipality").into(),
        ),
    }
}

/// Creates one.
pub fn insert(c: &mut DbConn, m: &ValidMunicipality) -> StoreResult<MunicipalityRow> {
    check_parent(c, None, m)?;
    let id = new_id();
    let t = now();
    diesel::insert_into(municipalities::table)
        .values((
            municipalities::id.eq(&id),
            Values::of(m),
            municipalities::version.eq(1),
            municipalities::created_at.eq(t),
        ))
        .execute(c)?;
    find(c, &id)
}

/// Replaces the values and bumps the version.
pub fn update(
    c: &mut DbConn,
    cur: &MunicipalityRow,
    m: &ValidMunicipality,
) -> StoreResult<MunicipalityRow> {
    check_parent(c, Some(&cur.id), m)?;
    if m.kind != MunicipalityKind::Unione && cur.kind == MunicipalityKind::Unione.as_str() {
        let members: i64 = municipalities::table
            .filter(municipalities::member_of_id.eq(&cur.id))
            .count()
            .get_result(c)?;
        if members > 0 {
            return Err(RuleError::field(
                "kind",
                "has_members",
                "an Unione with members must stay an Unione",
            )
            .into());
        }
    }
    let n = diesel::update(
        municipalities::table
            .filter(municipalities::id.eq(&cur.id))
            .filter(municipalities::version.eq(cur.version)),
    )
    .set((Values::of(m), municipalities::version.eq(cur.version + 1)))
    .execute(c)?;
    if n == 0 {
        return Err(StoreError::Stale);
    }
    find(c, &cur.id)
}

/// Filters of the list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Part of the name, or the start of an ISTAT code.
    pub q: Option<String>,
    /// Kind.
    pub kind: Option<MunicipalityKind>,
    /// Active flag.
    pub active: Option<bool>,
    /// Members of this Unione.
    pub member_of_id: Option<String>,
}

/// Sort key of the list (folded name, id).
#[derive(Debug, Serialize, Deserialize)]
pub struct Cursor(pub String, pub String);

/// A page sorted by name; fetches `limit + 1` rows to know if there is more.
pub fn list(
    c: &mut DbConn,
    f: &Filter,
    after: Option<Cursor>,
    limit: i64,
) -> StoreResult<Vec<MunicipalityRow>> {
    let mut q = municipalities::table
        .select(MunicipalityRow::as_select())
        .into_boxed();
    if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let folded = fold(text);
        if text.bytes().all(|b| b.is_ascii_digit()) {
            q = q.filter(
                municipalities::istat_code
                    .like(format!("{}%", like_escape(text)))
                    .escape('\\'),
            );
        } else {
            q = q.filter(
                municipalities::name_folded
                    .like(format!("%{}%", like_escape(&folded)))
                    .escape('\\'),
            );
        }
    }
    if let Some(k) = f.kind {
        q = q.filter(municipalities::kind.eq(k.as_str()));
    }
    if let Some(a) = f.active {
        q = q.filter(municipalities::active.eq(a));
    }
    if let Some(p) = &f.member_of_id {
        q = q.filter(municipalities::member_of_id.eq(p.clone()));
    }
    if let Some(Cursor(name, id)) = after {
        q = q.filter(
            municipalities::name_folded
                .gt(name.clone())
                .or(municipalities::name_folded
                    .eq(name)
                    .and(municipalities::id.gt(id))),
        );
    }
    Ok(
        q.order((municipalities::name_folded.asc(), municipalities::id.asc()))
            .limit(limit + 1)
            .load(c)?,
    )
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// (id, name) of the municipalities among `ids`, by name.
pub fn names(c: &mut DbConn, ids: &[String]) -> StoreResult<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(municipalities::table
        .filter(municipalities::id.eq_any(ids))
        .select((municipalities::id, municipalities::name))
        .order(municipalities::name.asc())
        .load(c)?)
}

/// Ids of the given municipalities that exist (to check references).
pub fn existing_ids(c: &mut DbConn, ids: &[String]) -> StoreResult<Vec<String>> {
    Ok(municipalities::table
        .filter(municipalities::id.eq_any(ids))
        .select(municipalities::id)
        .load(c)?)
}
