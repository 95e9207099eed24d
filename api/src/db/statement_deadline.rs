//! SQLite's counterpart of PostgreSQL's `statement_timeout`.
//!
//! SQLite has no such setting; what it has is a progress handler, called every few thousand
//! virtual-machine steps, that ends the running statement with `SQLITE_INTERRUPT` when it answers
//! non-zero. diesel does not hand out the raw connection, so the handler is installed on every
//! SQLite connection the process opens (an auto-extension, SQLite's own hook for that), and
//! diesel's instrumentation tells it, on the thread that runs the statement, when the statement
//! began: the pool's connections set a deadline as each statement starts and clear it when it
//! ends. Connections without the instrumentation (maintenance, backups) never have a deadline.

#![allow(unsafe_code)]

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::Once;
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use libsqlite3_sys as ffi;

/// Virtual-machine steps between two looks at the clock: a few microseconds of work, so a
/// statement is cut off within a millisecond of its deadline at a negligible cost.
const STEPS: c_int = 1_000;

thread_local! {
    /// When the statement running on this thread must have ended.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Installs the progress handler on every SQLite connection opened from now on.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: `register` has the signature SQLite calls auto-extensions with and only
        // registers a handler on the connection it is given.
        let rc = unsafe { ffi::sqlite3_auto_extension(Some(register)) };
        assert_eq!(rc, ffi::SQLITE_OK, "sqlite3_auto_extension failed: {rc}");
    });
}

unsafe extern "C" fn register(
    db: *mut ffi::sqlite3,
    _error: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: SQLite calls this with the connection it is opening, which is valid here.
    unsafe { ffi::sqlite3_progress_handler(db, STEPS, Some(past_deadline), std::ptr::null_mut()) };
    ffi::SQLITE_OK
}

unsafe extern "C" fn past_deadline(_: *mut c_void) -> c_int {
    // A panic must not cross into C: `try_with` fails only while the thread is ending.
    DEADLINE
        .try_with(|d| d.get().is_some_and(|t| Instant::now() >= t))
        .unwrap_or(false)
        .into()
}

/// The instrumentation a pool connection carries: each statement gets `timeout` to run.
#[derive(Debug, Clone, Copy)]
pub struct StatementTimeout(pub Duration);

impl Instrumentation for StatementTimeout {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => {
                DEADLINE.with(|d| d.set(Some(Instant::now() + self.0)));
            }
            InstrumentationEvent::FinishQuery { .. } => DEADLINE.with(|d| d.set(None)),
            _ => {}
        }
    }
}
