//! What Tokenscope knows about Azure AD B2C and Entra External ID themselves, apart from any
//! flow: the catalogue of their error codes (AADB2C… in `errors`, AADSTS… in `aadsts`) with
//! their meaning and what to do. Depends on nothing else in the engine.

mod aadsts;
pub mod errors;
