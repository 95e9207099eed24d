//! Faults, run against the real `lumit` binary: PostgreSQL restarting and crashing under eight
//! writers (on a cluster of the test's own), the server killed (`kill -9`) and stopped
//! (SIGTERM) during writes, and backups taken during writes, restored and started.
//!
//! Every scenario asserts the same promises: no answer is a 500, an acknowledged write is never
//! lost, and the audit chain verifies afterwards.

mod backup;
mod cluster;
mod faults;
mod server;
