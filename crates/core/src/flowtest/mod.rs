//! User-flow tests as code: a TOML file of cases, each a sign-in through a user flow (a B2C
//! policy) completed by a driver (the browser command, Tokenscope's own headless Chromium on
//! B2C's pages, or ROPC), and what must come back (validation checks, claims, lifetimes, a
//! refresh, or an exact error code). The command line (`tokenscope test`) and the desktop app
//! only adapt this module.
//!
//! - [`file`]: the file format and its parser (every refusal names file, line and key);
//! - [`expect`]: judging an outcome against a case's expectations;
//! - [`run`]: the runner (cases in parallel, each on its own listener port and browser profile);
//! - [`pages`]: the b2c-pages driver;
//! - [`report`]: JSON and JUnit XML reports;
//! - [`draft`]: a case written from a sign-in the user saw ("Save as test case").

#[cfg(feature = "b2c-pages")]
mod cdp;
pub mod draft;
pub mod expect;
pub mod file;
pub mod pages;
pub mod report;
pub mod run;

pub use expect::Failure;
pub use file::{load, parse, Action, Case, Driver, FileError, TestFile};
pub use run::{CaseReport, FileReport, RunOptions, Runner};
