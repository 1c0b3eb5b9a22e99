//! PEM (RFC 7468) as Tokenscope reads it, the one rule for every key and certificate file: the
//! blocks of a text as (label, DER), lines outside blocks ignored, RFC 1421 header lines
//! (`Proc-Type: …`) inside them skipped, a block that does not end or whose END names another
//! label refused, its body base64. What a caller wants of the blocks (a key, a certificate) and
//! what it says when there is none is the caller's.

use base64::Engine as _;

/// The PEM blocks of a text: (label, DER), in order; none is not an error here.
pub fn blocks(text: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines().map(str::trim) {
        match &mut current {
            None => {
                if let Some(label) = line
                    .strip_prefix("-----BEGIN ")
                    .and_then(|l| l.strip_suffix("-----"))
                {
                    current = Some((label.to_owned(), String::new()));
                }
            }
            Some((label, body)) => {
                if let Some(end) = line
                    .strip_prefix("-----END ")
                    .and_then(|l| l.strip_suffix("-----"))
                {
                    if end != label {
                        return Err(format!("PEM block BEGIN {label} ends with END {end}"));
                    }
                    let der = base64::engine::general_purpose::STANDARD
                        .decode(body.as_bytes())
                        .map_err(|e| format!("PEM block {label} is not base64 ({e})"))?;
                    out.push((std::mem::take(label), der));
                    current = None;
                } else if !line.contains(':') {
                    body.push_str(line);
                }
            }
        }
    }
    if let Some((label, _)) = current {
        return Err(format!("PEM block {label} has no END line"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_in_order_with_headers_skipped_and_text_around_ignored() {
        let text = "a certificate:\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n\
                    -----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n  AwQF \n\
                    -----END RSA PRIVATE KEY-----\ntrailing words";
        assert_eq!(
            blocks(text).unwrap(),
            vec![
                ("CERTIFICATE".to_owned(), vec![0, 1, 2]),
                ("RSA PRIVATE KEY".to_owned(), vec![3, 4, 5]),
            ]
        );
        assert_eq!(blocks("no PEM here").unwrap(), Vec::new());
    }

    #[test]
    fn a_broken_block_says_what_is_wrong() {
        for (text, says) in [
            (
                "-----BEGIN CERTIFICATE-----\nAAAA\n",
                "CERTIFICATE has no END line",
            ),
            (
                "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",
                "CERTIFICATE is not base64",
            ),
            (
                "-----BEGIN A-----\nAAAA\n-----END B-----",
                "BEGIN A ends with END B",
            ),
        ] {
            let e = blocks(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
