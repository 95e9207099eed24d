//! Who is logged in. The access token lives only in memory (in `api`); the refresh token in an
//! `HttpOnly` cookie, so a reload silently restores the session, and a timer refreshes it before
//! it expires.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use lumit_shared::user::{Role, User};

use crate::api;

/// The session state, provided at the root.
#[derive(Clone, Copy)]
pub struct Session {
    /// The logged-in account.
    pub user: RwSignal<Option<User>>,
    /// False until the first silent refresh has answered (so we know whether a session exists).
    pub checked: RwSignal<bool>,
    /// True when the session ended without the person logging out (its lifetime, the idle
    /// timeout, an admin, a password change elsewhere): the login page says so.
    pub ended: RwSignal<bool>,
    /// When the session ends however active it is.
    pub ends_at: RwSignal<Option<chrono::DateTime<chrono::Utc>>>,
}

impl Session {
    /// The role, if logged in.
    pub fn role(&self) -> Option<Role> {
        self.user.with(|u| u.as_ref().map(|u| u.role))
    }

    /// True when the role is one of these.
    pub fn is(&self, roles: &[Role]) -> bool {
        self.role().is_some_and(|r| roles.contains(&r))
    }
}

thread_local! {
    static TIMER: RefCell<Option<TimeoutHandle>> = const { RefCell::new(None) };
    /// When the person last pressed a key or a pointer (browser milliseconds).
    static LAST_ACTIVITY: Cell<f64> = const { Cell::new(0.0) };
    /// When the current tokens arrived.
    static LAST_REFRESH: Cell<f64> = const { Cell::new(0.0) };
}

/// Renews the tokens before they expire, but only if the person did something since the last
/// renewal: an open tab left alone must not keep its session alive, so that the server's idle
/// timeout ends it. After a pause, the next request's 401 renews them (the refresh token lasts
/// the idle timeout) or, past it, the login page says the session ended.
fn schedule_refresh(expires_in: i64) {
    LAST_REFRESH.with(|r| r.set(js_sys::Date::now()));
    TIMER.with(|t| {
        if let Some(old) = t.borrow_mut().take() {
            old.clear();
        }
        let wait = Duration::from_secs((expires_in - 60).max(10) as u64);
        let handle = set_timeout_with_handle(
            || {
                let active = LAST_ACTIVITY.with(Cell::get) > LAST_REFRESH.with(Cell::get);
                if active {
                    spawn_local(async {
                        api::refresh().await;
                    })
                }
            },
            wait,
        )
        .ok();
        *t.borrow_mut() = handle;
    });
}

/// Creates the session, wires it to the API client and tries to restore it from the cookie.
pub fn provide() -> Session {
    let s = Session {
        user: RwSignal::new(None),
        checked: RwSignal::new(false),
        ended: RwSignal::new(false),
        ends_at: RwSignal::new(None),
    };
    api::on_session_change(move |pair| {
        match &pair {
            Some(p) => {
                schedule_refresh(p.expires_in);
                s.ended.set(false);
            }
            None => {
                // Only the end of a session sets the notice: two requests refused at once end it
                // twice, and the second, finding no user, must not take the notice back.
                if s.user.with_untracked(Option::is_some) {
                    s.ended.set(!api::logging_out());
                }
            }
        }
        s.ends_at.set(pair.as_ref().map(|p| p.session_expires_at));
        s.user.set(pair.map(|p| p.user));
    });
    let active = |_| LAST_ACTIVITY.with(|a| a.set(js_sys::Date::now()));
    // Listening for the page's whole life: the handles are never removed.
    let _ = window_event_listener(leptos::ev::keydown, move |e| active(e.type_()));
    let _ = window_event_listener(leptos::ev::pointerdown, move |e| active(e.type_()));
    spawn_local(async move {
        api::refresh().await;
        s.checked.set(true);
    });
    provide_context(s);
    s
}

/// The session context.
pub fn use_session() -> Session {
    expect_context::<Session>()
}
