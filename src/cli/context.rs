//! What commands share: the settings, the migrations directory and the database.

use migrate::backend::{Backend, open_with};
use migrate::source::Directory;

use super::settings::Settings;

/// The resolved settings of one invocation, with ways to open what they name.
pub struct Context {
    pub settings: Settings,
}

impl Context {
    /// Reads and checks the migrations directory.
    pub fn directory(&self) -> anyhow::Result<Directory> {
        Ok(Directory::load_as(
            &self.settings.dir,
            self.settings.layout,
        )?)
    }

    /// Connects to the database.
    pub fn backend(&self) -> anyhow::Result<Box<dyn Backend>> {
        Ok(open_with(
            &self.settings.url,
            self.settings.table.clone(),
            &self.settings.postgres,
        )?)
    }
}
