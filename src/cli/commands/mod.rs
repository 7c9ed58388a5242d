//! One file per command.

pub mod adopt;
pub mod autogenerate;
pub mod autogenerate_mirror;
pub mod autogenerate_set;
pub mod create;
pub mod current;
pub mod hash;
pub mod heads;
pub mod history;
pub mod init;
pub mod lint;
pub mod mirror;
pub mod mirror_status;
pub mod rename_prompt;
pub mod repair;
pub mod restore;
pub mod run;
pub mod schema;
pub mod status;
pub mod verify;
