//! The OpenID Connect protocol as Tokenscope speaks it: the authority and its metadata, PKCE, the
//! authorization request, the token endpoint, hand-built requests and what a provider says when it
//! refuses. No storage, no listener, no judgement of tokens (that is `validate`).

pub mod app_scope;
pub mod authority;
pub mod authorize;
pub mod client_assertion;
pub mod device;
pub mod dpop;
pub mod issuer;
pub mod metadata;
pub mod mtls;
pub mod netguard;
pub mod pkce;
pub mod portal;
pub mod provider_error;
pub mod redirect;
pub mod request;
pub mod request_form;
pub mod sent;
pub mod token;
