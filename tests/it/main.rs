//! Integration tests: the real `migrate` binary, run in temp dirs against real databases.
//! Every case runs on SQLite and on PostgreSQL (MIGRATE_TEST_POSTGRES_URL) via `backend_test!`.

mod backends;
mod harness;
mod macros;
mod snapshot;

mod adopt;
mod app_start;
mod autogenerate;
mod autogenerate_limits;
mod autogenerate_mirror;
mod backup;
mod bad_input;
mod ci_templates;
mod commands;
mod concurrency;
mod data;
mod data_reach;
mod failures;
mod guide;
mod help;
mod large_file;
mod layouts;
mod layouts_in_place;
mod layouts_misread;
mod lint;
mod messages;
mod mirror;
mod no_transaction;
mod noop_cache;
mod signals;
mod tracking;
mod transaction_control;
mod verify;
mod verify_quick;
mod verify_shards;
