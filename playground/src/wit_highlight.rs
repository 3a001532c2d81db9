//! WIT text split into highlighted pieces for the world pane: keywords, names, package paths
//! (`wasi:cli/stdout@0.2.12`), comments and punctuation.

/// A piece of WIT and its class (`None` for plain text).
pub type Piece = (Option<&'static str>, String);

const KEYWORDS: &[&str] = &[
    "package",
    "world",
    "interface",
    "import",
    "export",
    "use",
    "func",
    "record",
    "variant",
    "enum",
    "flags",
    "resource",
    "type",
    "constructor",
    "static",
    "include",
    "with",
    "as",
];
const TYPES: &[&str] = &[
    "bool", "s8", "s16", "s32", "s64", "u8", "u16", "u32", "u64", "f32", "f64", "char", "string", "list", "option",
    "result", "tuple", "borrow", "own", "future", "stream",
];

pub fn pieces(wit: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = vec![];
    let mut push = |class: Option<&'static str>, text: &str| match out.last_mut() {
        Some((c, t)) if *c == class && class.is_none() => t.push_str(text),
        _ => out.push((class, text.to_string())),
    };
    for line in wit.split_inclusive('\n') {
        let (code, comment) = match line.find("//") {
            Some(at) => line.split_at(at),
            None => (line, ""),
        };
        let mut rest = code;
        while let Some(c) = rest.chars().next() {
            if c.is_ascii_alphanumeric() || c == '%' || c == '_' {
                // A word, or a package path with `:`, `/`, `@` and a version.
                let end = word_end(rest);
                let word = &rest[..end];
                let class = if word.contains(':') {
                    Some("wit-path")
                } else if KEYWORDS.contains(&word) {
                    Some("wit-keyword")
                } else if TYPES.contains(&word) {
                    Some("wit-type")
                } else {
                    Some("wit-name")
                };
                push(class, word);
                rest = &rest[end..];
            } else {
                let end = rest.char_indices().nth(1).map_or(rest.len(), |(i, _)| i);
                push(None, &rest[..end]);
                rest = &rest[end..];
            }
        }
        if !comment.is_empty() {
            push(Some("wit-comment"), comment.trim_end_matches('\n'));
            if comment.ends_with('\n') {
                push(None, "\n");
            }
        }
    }
    out
}

/// Where the word at the start of `text` ends: letters, digits, `-_%/@.`, and `:` when a letter
/// follows (so `wasi:cli/stdout@0.2.12` is one word but `add:` is `add`).
fn word_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next_is_letter = bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        if b.is_ascii_alphanumeric() || b"-_%/@.".contains(&b) || (b == b':' && next_is_letter) {
            i += 1;
        } else {
            break;
        }
    }
    i.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keywords_and_names_are_told_apart() {
        let p = pieces("world app {\n  import wasi:cli/stdout@0.2.12;\n  export add: func(a: s64) -> s64;\n}\n");
        let classed = |class: &str| -> Vec<String> {
            p.iter().filter(|(c, _)| *c == Some(class)).map(|(_, t)| t.clone()).collect()
        };
        assert_eq!(classed("wit-keyword"), ["world", "import", "export", "func"]);
        assert_eq!(classed("wit-path"), ["wasi:cli/stdout@0.2.12"]);
        assert_eq!(classed("wit-type"), ["s64", "s64"]);
        assert_eq!(classed("wit-name"), ["app", "add", "a"]);
        // Nothing is lost.
        let text: String = p.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(text, "world app {\n  import wasi:cli/stdout@0.2.12;\n  export add: func(a: s64) -> s64;\n}\n");
    }
}
