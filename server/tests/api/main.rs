//! HTTP tests over the real router (and, in `process`, the real binary). Backend-dependent:
//! the test command runs this binary on SQLite and again on PostgreSQL.

mod cors;
mod errors;
mod helpers;
mod openapi;
mod pages;
mod process;
mod system;
