//! Tokenscope's engine: everything that signs a user in to an OpenID Connect provider (Azure AD
//! B2C first) and judges the tokens, with no window. The desktop shell and the command line only
//! adapt it.

pub mod authority;
pub mod authorize;
pub mod b2c_errors;
pub mod browser;
pub mod catalogue;
pub mod clock;
pub mod engine;
pub mod error;
pub mod explain;
pub mod history;
pub mod http;
pub mod inspect;
pub mod jwt;
pub mod listener;
pub mod metadata;
pub mod pkce;
pub mod profile;
pub mod provider_error;
pub mod request;
pub mod secret;
pub mod support;
pub mod tenant;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod token;
pub mod validate;
pub mod vault;

pub use error::{Error, Result};
pub use secret::Secret;
