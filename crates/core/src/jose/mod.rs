//! JOSE without policy: decoding a JWT into its parts, JWE key management (jwe_keys), signing
//! (sign) and encrypting (encrypt) test tokens, and the
//! catalogue of what each registered claim means; PEM blocks (pem). Depends on nothing else in the engine.

pub mod catalogue;
pub mod crit;
pub mod encrypt;
pub mod jwe_keys;
pub mod jwt;
pub mod pem;
pub mod sign;
