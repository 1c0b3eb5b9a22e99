//! Tokenscope's engine: everything that signs a user in to an OpenID Connect provider (Azure AD
//! B2C first) and judges the tokens, with no window. The desktop shell and the command line only
//! adapt it.
//!
//! The rooms, each depending only on those listed before it (checked by `tests/layers.rs`):
//! `jose` and `b2c` (knowledge, no dependencies) → `oidc` (the protocol) → `validate` (the
//! ID-token report) → `loopback` (the redirect listener), `store` (profiles, tenants, vault) and
//! `inspect` (a pasted token explained) → `api` (an API called with a token, its refusal
//! explained; userinfo) → `engine` (sign-in, refresh, sign-out, the journal) → `flowtest`
//! (user-flow tests: a file of cases, each a sign-in judged by its expectations). The
//! files at the root (`error`, `secret`, `clock`, `http`) are the vocabulary every room shares.

pub mod api;
pub mod b2c;
pub mod clock;
pub mod engine;
pub mod error;
pub mod exchange;
pub mod flowtest;
pub mod http;
pub mod inspect;
pub mod jose;
pub mod loopback;
pub mod mask;
pub mod oidc;
pub mod qr;
pub mod secret;
pub mod store;
pub mod terminal;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod validate;

pub use error::{Error, Result};
pub use secret::Secret;
