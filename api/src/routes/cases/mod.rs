//! `/api/v1/cases`: open and work cases. Operators see and change only their municipalities'
//! cases; coordinators and admins all; another municipality's case is "not found".

use crate::auth::Actor;
use crate::authz::{self, Action};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::models::case::{self as model, CaseRow};
use crate::state::AppState;

mod case;
mod export;
mod open;
mod search;
mod taxonomy;
mod timeline;
mod transitions;

pub use case::*;
pub use open::*;
pub use search::*;
pub use taxonomy::*;
pub use timeline::*;
pub use transitions::*;

/// The case if the actor may see it; another municipality's case is "not found".
pub(crate) fn visible(
    c: &mut DbConn,
    actor: &Actor,
    action: Action,
    id: &str,
) -> ApiResult<(CaseRow, String)> {
    let (row, name) = model::find(c, id)?;
    authz::require_in(actor, action, &row.municipality_id)?;
    Ok((row, name))
}

/// Checks, before the body is read, that the case exists and the actor may act on it, so that a
/// caller without access learns nothing from body errors.
pub(crate) async fn check_access(
    state: &AppState,
    actor: &Actor,
    action: Action,
    id: &str,
) -> ApiResult<()> {
    let (actor, id) = (actor.clone(), id.to_owned());
    state
        .db
        .read(move |c| visible(c, &actor, action, &id).map(|_| ()))
        .await
}
