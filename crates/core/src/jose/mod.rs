//! JOSE without policy: decoding a JWT into its parts, and the catalogue of what each registered
//! claim means. Depends on nothing else in the engine.

pub mod catalogue;
pub mod crit;
pub mod jwt;
