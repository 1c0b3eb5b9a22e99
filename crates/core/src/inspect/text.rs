//! Tokens inside free text: a sentence, `token: …`, an e-mail with `> ` quoting and lines
//! wrapped in the middle of a token, headers copied from a log. Found are every run that starts
//! with `eyJ` and has the shape of a JWS (three parts) or a JWE (five parts), and every opaque
//! token written after `Bearer`. The inspector and `tokenscope decode` use this rule when the
//! input is neither a token nor one of the other forms.

/// At most this many tokens are taken from one text.
pub(crate) const MAX_FOUND: usize = 16;

/// Shortest opaque token taken after `Bearer` (shorter words are prose: "a Bearer token").
const MIN_OPAQUE: usize = 16;

/// A line an e-mail wrapped is between these lengths (without its `> ` quoting: mail wraps at
/// 72 to 78 characters); a token that reaches the end of a shorter line, or of a longer one
/// (a token left whole on its line), ends there.
const WRAPPED_LINE: std::ops::RangeInclusive<usize> = 60..=100;

fn token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// `token68` of RFC 7235 (what a Bearer credential is made of).
fn token68_char(c: u8) -> bool {
    token_char(c) || matches!(c, b'.' | b'~' | b'+' | b'/' | b'=')
}

/// The lines of the text without their quoting (`>`, `> >`, leading spaces) and trailing
/// spaces.
fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(|line| {
            let mut l = line.trim_start();
            while let Some(rest) = l.strip_prefix('>') {
                l = rest.trim_start();
            }
            l.trim_end()
        })
        .collect()
}

/// The tokens in the text, in the order they appear, each once.
pub(crate) fn find_tokens(text: &str) -> Vec<String> {
    let lines = lines(text);
    let mut found: Vec<String> = Vec::new();
    let push = |t: String, found: &mut Vec<String>| {
        if found.len() < MAX_FOUND && !found.contains(&t) {
            found.push(t);
        }
    };
    let mut li = 0;
    while li < lines.len() {
        let line = lines[li].as_bytes();
        let mut i = 0;
        let mut next_line = li + 1;
        while i < line.len() {
            if let Some(len) = bearer_at(line, i) {
                let start = i + len;
                let end = start
                    + line[start..]
                        .iter()
                        .take_while(|c| token68_char(**c))
                        .count();
                let t = lines[li][start..end].trim_end_matches(['.', ',']);
                if t.len() >= MIN_OPAQUE && !t.starts_with("eyJ") {
                    push(t.to_owned(), &mut found);
                    i = end;
                    continue;
                }
            }
            let boundary = i == 0 || !token_char(line[i - 1]);
            if boundary && line[i..].starts_with(b"eyJ") {
                // The longest of the runs over wrapped lines that has a token's shape (a line
                // of prose after a token can look like its next piece).
                let runs = jwt_run(&lines, li, i);
                let best = runs
                    .iter()
                    .rev()
                    .find_map(|(run, l, e)| shaped(run).map(|t| (t, *l, *e)));
                let (end_line, end) = match best {
                    Some((t, l, e)) => {
                        push(t, &mut found);
                        (l, e)
                    }
                    None => runs.first().map_or((li, i + 3), |(_, l, e)| (*l, *e)),
                };
                if end_line > li {
                    // The token went on over wrapped lines: look on after it.
                    next_line = end_line + 1;
                    let rest = &lines[end_line][end..];
                    scan_rest(rest, &mut |t| push(t, &mut found));
                    break;
                }
                i = end;
                continue;
            }
            i += 1;
        }
        li = next_line;
    }
    found
}

/// Tokens in what is left of a line after a token that ended there (no wrapping from it).
fn scan_rest(rest: &str, push: &mut dyn FnMut(String)) {
    for t in find_tokens(rest) {
        push(t);
    }
}

/// `Bearer` followed by spaces at `i` (any case, as a word): the length up to the token.
fn bearer_at(line: &[u8], i: usize) -> Option<usize> {
    let word = line.get(i..i + 6)?;
    if !word.eq_ignore_ascii_case(b"bearer") || (i > 0 && token_char(line[i - 1])) {
        return None;
    }
    let spaces = line[i + 6..]
        .iter()
        .take_while(|c| **c == b' ' || **c == b'\t')
        .count();
    (spaces > 0).then_some(6 + spaces)
}

/// The runs of token characters and dots from `lines[li][start]`, over the line breaks of a
/// wrapped e-mail: one for the first line, and one more for each next line it goes on to. It
/// goes on when it reached the end of a line of a wrapped length and the next line holds token
/// characters alone. Each with the line it ended on and where on that line.
fn jwt_run(lines: &[&str], mut li: usize, start: usize) -> Vec<(String, usize, usize)> {
    let mut out = String::new();
    let mut runs = Vec::new();
    let mut from = start;
    loop {
        let line = lines[li].as_bytes();
        let len = line[from..]
            .iter()
            .take_while(|c| token_char(**c) || **c == b'.')
            .count();
        out.push_str(&lines[li][from..from + len]);
        let end = from + len;
        runs.push((out.clone(), li, end));
        let wrapped = end == line.len() && WRAPPED_LINE.contains(&line.len());
        // A wrapped token's next piece is a line of token characters alone.
        let continues = lines
            .get(li + 1)
            .is_some_and(|l| !l.is_empty() && l.bytes().all(|c| token_char(c) || c == b'.'));
        if !(wrapped && continues) || out.len() > crate::jose::jwt::MAX_INPUT {
            return runs;
        }
        li += 1;
        from = 0;
    }
}

/// The run as a token when it has a JWS or JWE shape; a sentence's final dot is dropped.
fn shaped(run: &str) -> Option<String> {
    let mut t = run;
    let parts = |t: &str| t.split('.').count();
    if t.ends_with('.') && matches!(parts(t), 4 | 6) {
        t = &t[..t.len() - 1];
    }
    let pieces: Vec<&str> = t.split('.').collect();
    let ok = match pieces.len() {
        // header.payload.signature (empty for alg none)
        3 => !pieces[0].is_empty() && !pieces[1].is_empty(),
        // header.key.iv.ciphertext.tag (the key is empty for `dir`)
        5 => !pieces[0].is_empty() && !pieces[2].is_empty() && !pieces[3].is_empty(),
        _ => false,
    };
    ok.then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWS: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2J5dGVz";
    const JWE: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXZpdml2aXY.Y2lwaGVy.dGFn";

    #[test]
    fn finds_tokens_in_a_sentence_after_a_label_and_at_a_sentence_end() {
        assert_eq!(find_tokens(&format!("Hi, the token {JWS}, fails")), [JWS]);
        assert_eq!(find_tokens(&format!("token: {JWS}")), [JWS]);
        assert_eq!(find_tokens(&format!("It was {JWS}.")), [JWS]);
        assert_eq!(find_tokens(&format!("a ({JWE}) and {JWS}")), [JWE, JWS]);
    }

    #[test]
    fn joins_a_token_wrapped_over_quoted_lines() {
        let long = format!("{JWS}{}", "A".repeat(120));
        let quoted: String = long
            .as_bytes()
            .chunks(60)
            .map(|c| format!("> > {}\n", std::str::from_utf8(c).unwrap_or("")))
            .collect();
        let mail = format!("On Monday Ann wrote:\n> > Here it is:\n{quoted}> >\n> > Thanks\n");
        assert_eq!(find_tokens(&mail), [long]);
    }

    #[test]
    fn a_short_or_a_whole_line_ends_the_token() {
        assert_eq!(find_tokens(&format!("{JWS}\nThanks")), [JWS]);
        let line = format!("token: {JWS}{}", "C".repeat(20));
        assert_eq!(find_tokens(&format!("{line}\nGET /api")), [&line[7..]]);
        assert_eq!(find_tokens(&format!("{line}.\nThanks")), [&line[7..]]);
        let whole = format!("{JWS}{}", "B".repeat(200));
        assert_eq!(find_tokens(&format!("{whole}\nThanks")), [whole]);
    }

    #[test]
    fn opaque_tokens_after_bearer_only_when_long_enough() {
        let text = "curl -H 'Authorization: Bearer 2YotnFZFEjr1zCsicMWpAA' https://api";
        assert_eq!(find_tokens(text), ["2YotnFZFEjr1zCsicMWpAA"]);
        assert!(find_tokens("send a Bearer token in the header").is_empty());
        assert_eq!(find_tokens(&format!("Bearer {JWS}")), [JWS]);
    }

    #[test]
    fn each_token_once_and_nothing_from_other_shapes() {
        assert_eq!(find_tokens(&format!("{JWS} again {JWS}")), [JWS]);
        assert!(find_tokens("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0 only two parts").is_empty());
        assert!(find_tokens("no token, just words.").is_empty());
        assert!(find_tokens("xeyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln").is_empty());
    }
}
