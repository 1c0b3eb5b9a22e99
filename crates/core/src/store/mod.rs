//! What Tokenscope keeps between runs: profiles and tenants as JSON files in the config directory,
//! refresh tokens in the OS keyring (the vault).

pub mod config_file;
pub mod profile;
pub mod tenant;
pub mod vault;
