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
    // A printed password has been on a screen and in a terminal's scrollback: it works once,
    // to choose one's own.
    create_admin(db, "admin", "Amministratore", &chosen, generated.is_some())?;
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

/// The starting taxonomy of case categories (DOMAIN.md); admins extend it.
pub fn case_categories(db: &Db) -> anyhow::Result<usize> {
    use lumit_shared::case::CaseCategory;
    let cat =
        |id: &str, parent: Option<&str>, it: &str, en: &str, checklist: &[&str]| CaseCategory {
            id: id.to_owned(),
            parent_id: parent.map(str::to_owned),
            name_it: it.to_owned(),
            name_en: en.to_owned(),
            checklist: checklist.iter().map(|s| (*s).to_owned()).collect(),
            retention_years: None,
            active: true,
        };
    let permit_docs = [
        "Passaporto",
        "Fototessere",
        "Marca da bollo da 16 €",
        "Kit postale",
        "Documentazione del reddito",
        "Idoneità alloggiativa",
    ];
    let all = vec![
        cat(
            "residence_permit",
            None,
            "Permesso di soggiorno",
            "Residence permit",
            &permit_docs,
        ),
        cat(
            "residence_permit.first_issue",
            Some("residence_permit"),
            "Primo rilascio",
            "First issue",
            &[],
        ),
        cat(
            "residence_permit.renewal",
            Some("residence_permit"),
            "Rinnovo",
            "Renewal",
            &[],
        ),
        cat(
            "residence_permit.update",
            Some("residence_permit"),
            "Aggiornamento",
            "Update",
            &[],
        ),
        cat(
            "residence_permit.conversion",
            Some("residence_permit"),
            "Conversione",
            "Conversion",
            &[],
        ),
        cat(
            "residence_permit.duplicate",
            Some("residence_permit"),
            "Duplicato",
            "Duplicate",
            &[],
        ),
        cat(
            "eu_long_term",
            None,
            "Permesso UE per soggiornanti di lungo periodo",
            "EU long-term residence permit",
            &[
                "Prova di 5 anni di residenza",
                "Documentazione del reddito",
                "Certificato di italiano A2",
                "Idoneità alloggiativa",
            ],
        ),
        cat(
            "family_reunification",
            None,
            "Ricongiungimento familiare",
            "Family reunification",
            &[
                "Nulla osta",
                "Certificato di idoneità alloggiativa",
                "Documentazione del reddito",
            ],
        ),
        cat(
            "work_clearance",
            None,
            "Nulla osta al lavoro (decreto flussi)",
            "Work permit clearance",
            &[],
        ),
        cat(
            "integration_agreement",
            None,
            "Accordo di integrazione",
            "Integration Agreement",
            &[],
        ),
        cat(
            "citizenship",
            None,
            "Cittadinanza",
            "Citizenship",
            &[
                "Certificato di italiano B1",
                "Atto di nascita",
                "Certificato penale del paese d'origine",
            ],
        ),
        cat(
            "citizenship.residence",
            Some("citizenship"),
            "Per residenza",
            "By residence",
            &[],
        ),
        cat(
            "citizenship.marriage",
            Some("citizenship"),
            "Per matrimonio",
            "By marriage",
            &[],
        ),
        cat(
            "registry",
            None,
            "Iscrizione anagrafica e certificati",
            "Municipal registration and certificates",
            &[],
        ),
        cat(
            "driving_licence",
            None,
            "Conversione della patente",
            "Driving-licence conversion",
            &[],
        ),
        cat(
            "international_protection",
            None,
            "Protezione internazionale",
            "International protection",
            &[],
        ),
        cat(
            "international_protection.application",
            Some("international_protection"),
            "Domanda",
            "Application",
            &[],
        ),
        cat(
            "international_protection.appeal",
            Some("international_protection"),
            "Ricorso",
            "Appeal",
            &[],
        ),
        cat(
            "services",
            None,
            "Accesso ai servizi",
            "Access to services",
            &[],
        ),
        cat(
            "services.health",
            Some("services"),
            "Sanità (tessera sanitaria)",
            "Health (health card)",
            &[],
        ),
        cat(
            "services.school",
            Some("services"),
            "Iscrizione scolastica",
            "School enrolment",
            &[],
        ),
        cat(
            "services.work",
            Some("services"),
            "Lavoro e formazione",
            "Work and training",
            &[],
        ),
        cat("services.housing", Some("services"), "Casa", "Housing", &[]),
        cat(
            "other",
            None,
            "Altro / informazioni generali",
            "Other / general information",
            &[],
        ),
    ];
    db.write_blocking(|c| {
        let mut added = 0;
        for (i, cat) in all.iter().enumerate() {
            if crate::models::case::ensure_category(c, cat, i as i32)? {
                added += 1;
            }
        }
        Ok(added)
    })
    .map_err(|e| anyhow::anyhow!("loading case categories: {e}"))
}

/// Anonymises the people whose retention has run out (`lumit retention`). Returns the ids due;
/// changes nothing unless `apply`.
pub fn retention(
    db: &Db,
    apply: bool,
    default_years: i32,
) -> anyhow::Result<Vec<(String, chrono::NaiveDateTime)>> {
    let today = chrono::Utc::now().date_naive();
    let ctx = AuditCtx::system("retention");
    db.write_blocking(|c| {
        let due = crate::models::person::due_for_retention(c, today, default_years)?;
        if apply {
            for (id, _) in &due {
                crate::models::person::anonymise(c, id)?;
                audit::record(c, &ctx, Event::new("person.anonymise", "person", id))?;
            }
        }
        Ok(due)
    })
    .map_err(|e| anyhow::anyhow!("retention: {e}"))
}
