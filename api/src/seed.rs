//! First-start set-up: the reference municipalities of the Province of Lucca and the first admin.
//! Both are idempotent: running them again changes nothing.

use diesel::prelude::*;
use lumit_shared::municipality::{MunicipalityKind, ValidMunicipality};
use lumit_shared::text::fold;
use lumit_shared::user::Role;

use crate::audit::{self, AuditCtx, Event};
use crate::auth::{hash_password, random_password};
use crate::db::Db;
use crate::models::{municipality, user};
use crate::schema::municipalities;

/// Province of Lucca (ISTAT).
const LUCCA_PROVINCE: &str = "046";

/// The Unione dei Comuni della Garfagnana (2024-29) and its members, from DOMAIN.md.
const GARFAGNANA_MEMBERS: [(&str, &str); 14] = [
    ("Camporgiano", "046006"),
    ("Careggine", "046008"),
    ("Castelnuovo di Garfagnana", "046009"),
    ("Castiglione di Garfagnana", "046010"),
    ("Fabbriche di Vergemoli", "046036"),
    ("Fosciandora", "046014"),
    ("Gallicano", "046015"),
    ("Minucciano", "046019"),
    ("Molazzana", "046020"),
    ("Piazza al Serchio", "046023"),
    ("Pieve Fosciana", "046025"),
    ("San Romano in Garfagnana", "046027"),
    ("Sillano Giuncugnano", "046037"),
    ("Villa Collemandina", "046035"),
];

fn office(
    name: &str,
    kind: MunicipalityKind,
    istat: Option<&str>,
    member_of: Option<String>,
) -> ValidMunicipality {
    ValidMunicipality {
        name: name.to_owned(),
        kind,
        istat_code: istat.map(str::to_owned),
        province_code: Some(LUCCA_PROVINCE.to_owned()),
        member_of_id: member_of,
        address: None,
        email: None,
        phone: None,
        active: true,
    }
}

/// Loads the reference municipalities that are missing; returns how many were added.
pub fn reference_data(db: &Db) -> anyhow::Result<usize> {
    let ctx = AuditCtx::system("reference data");
    db.write_blocking(|c| {
        let mut added = 0;
        let mut ensure =
            |c: &mut crate::db::DbConn, m: ValidMunicipality| -> crate::error::ApiResult<String> {
                let existing = match &m.istat_code {
                    Some(code) => municipality::find_by_istat(c, code)?.map(|r| r.id),
                    None => municipalities::table
                        .filter(municipalities::kind.eq(m.kind.as_str()))
                        .filter(municipalities::name_folded.eq(fold(&m.name)))
                        .select(municipalities::id)
                        .first::<String>(c)
                        .optional()?,
                };
                if let Some(id) = existing {
                    return Ok(id);
                }
                let row = municipality::insert(c, &m)?;
                let api = row.clone().into_api();
                audit::record(
                    c,
                    &ctx,
                    Event::new("municipality.create", "municipality", &row.id)
                        .municipality(Some(&row.id))
                        .changes(audit::diff(None, Some(&api))),
                )?;
                added += 1;
                Ok(row.id)
            };
        // ISTAT gives six-digit codes to comuni only; no code is recorded for the Unione.
        let unione = ensure(
            c,
            office(
                "Unione dei Comuni della Garfagnana",
                MunicipalityKind::Unione,
                None,
                None,
            ),
        )?;
        for (name, code) in GARFAGNANA_MEMBERS {
            ensure(
                c,
                office(
                    name,
                    MunicipalityKind::Comune,
                    Some(code),
                    Some(unione.clone()),
                ),
            )?;
        }
        ensure(
            c,
            office("Camaiore", MunicipalityKind::Comune, Some("046005"), None),
        )?;
        ensure(
            c,
            office("Lucca", MunicipalityKind::Comune, Some("046017"), None),
        )?;
        ensure(
            c,
            office(
                "Prefettura di Lucca",
                MunicipalityKind::Prefettura,
                None,
                None,
            ),
        )?;
        ensure(
            c,
            office("Questura di Lucca", MunicipalityKind::Questura, None, None),
        )?;
        Ok(added)
    })
    .map_err(|e| anyhow::anyhow!("loading reference data: {e}"))
}

/// Creates the admin account `admin` when there is no account at all. Returns the password when
/// it was generated, so the caller can show it once.
pub fn first_admin(db: &Db, password: Option<&str>) -> anyhow::Result<Option<String>> {
    let mut conn = db.conn()?;
    if user::count(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))? > 0 {
        return Ok(None);
    }
    let generated = password.is_none().then(random_password);
    let chosen = password
        .map(str::to_owned)
        .or_else(|| generated.clone())
        .unwrap_or_default();
    create_admin(db, "admin", "Amministratore", &chosen, false)?;
    Ok(generated)
}

/// Creates an admin account (CLI and first start).
pub fn create_admin(
    db: &Db,
    username: &str,
    full_name: &str,
    password: &str,
    must_change: bool,
) -> anyhow::Result<()> {
    lumit_shared::validate::new_password(password)
        .map_err(|(_, m)| anyhow::anyhow!("the password {m}"))?;
    let username = lumit_shared::user::username(username)
        .map_err(|(_, m)| anyhow::anyhow!("the username {m}"))?;
    let hash = hash_password(password)?;
    let ctx = AuditCtx::system("command line");
    db.write_blocking(|c| {
        let row = user::insert(
            c,
            &user::NewAccount {
                username: &username,
                full_name,
                email: None,
                role: Role::Admin,
                password_hash: &hash,
                must_change_password: must_change,
            },
        )?;
        let api = user::to_api(c, row)?;
        audit::record(
            c,
            &ctx,
            Event::new("user.create", "user", &api.id).changes(audit::diff(None, Some(&api))),
        )
    })
    .map_err(|e| match e {
        crate::error::ApiError::Conflict { .. } => {
            anyhow::anyhow!("the username `{username}` is taken")
        }
        other => anyhow::anyhow!("creating the admin: {other}"),
    })
}
