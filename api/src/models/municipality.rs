//! Municipalities in the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lumit_shared::municipality::{Municipality, MunicipalityKind, ValidMunicipality};
use lumit_shared::text::fold;
use serde::{Deserialize, Serialize};

use crate::db::{new_id, now, DbConn};
use crate::error::{ApiError, ApiResult};
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
pub fn find(c: &mut DbConn, id: &str) -> ApiResult<MunicipalityRow> {
    Ok(municipalities::table
        .find(id)
        .select(MunicipalityRow::as_select())
        .first(c)?)
}

/// One by ISTAT code.
pub fn find_by_istat(c: &mut DbConn, istat: &str) -> ApiResult<Option<MunicipalityRow>> {
    Ok(municipalities::table
        .filter(municipalities::istat_code.eq(istat))
        .select(MunicipalityRow::as_select())
        .first(c)
        .optional()?)
}

/// Checks that `member_of_id` names an Unione other than the municipality itself.
fn check_parent(c: &mut DbConn, own_id: Option<&str>, m: &ValidMunicipality) -> ApiResult<()> {
    let Some(parent) = m.member_of_id.as_deref() else {
        return Ok(());
    };
    let row = municipalities::table
        .find(parent)
        .select(municipalities::kind)
        .first::<String>(c)
        .optional()?;
    match row {
        _ if own_id == Some(parent) => Err(ApiError::field(
            "member_of_id",
            "invalid_reference",
            "cannot be a member of itself",
        )),
        Some(kind) if kind == MunicipalityKind::Unione.as_str() => Ok(()),
        Some(_) => Err(ApiError::field(
            "member_of_id",
            "not_an_unione",
            "must be an Unione",
        )),
        None => Err(ApiError::field(
            "member_of_id",
            "invalid_reference",
            "no such municipality",
        )),
    }
}

/// Creates one.
pub fn insert(c: &mut DbConn, m: &ValidMunicipality) -> ApiResult<MunicipalityRow> {
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
) -> ApiResult<MunicipalityRow> {
    check_parent(c, Some(&cur.id), m)?;
    if m.kind != MunicipalityKind::Unione && cur.kind == MunicipalityKind::Unione.as_str() {
        let members: i64 = municipalities::table
            .filter(municipalities::member_of_id.eq(&cur.id))
            .count()
            .get_result(c)?;
        if members > 0 {
            return Err(ApiError::field(
                "kind",
                "has_members",
                "an Unione with members must stay an Unione",
            ));
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
        return Err(ApiError::PreconditionFailed);
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
) -> ApiResult<Vec<MunicipalityRow>> {
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
pub fn names(c: &mut DbConn, ids: &[String]) -> ApiResult<Vec<(String, String)>> {
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
pub fn existing_ids(c: &mut DbConn, ids: &[String]) -> ApiResult<Vec<String>> {
    Ok(municipalities::table
        .filter(municipalities::id.eq_any(ids))
        .select(municipalities::id)
        .load(c)?)
}
