//! What Tokenscope knows about Azure AD B2C itself, apart from any flow: the catalogue of its error
//! codes (AADB2C…, AADSTS…) with their meaning and what to do. Depends on nothing else in the engine.

pub mod errors;
