//! How every generated doc comment is laid out: one `/// text` line per line of text, with one
//! space after the slashes, whoever wrote the text (typify writes `#[doc = "text"]`, which
//! prints as `///text`, and multi-line text, which prints as a `/** */` block).
//!
//! The surface's own text (setters' rustdoc, `po-hpp`'s help, the `api` items) is also wrapped
//! to stay within [`COLUMNS`]. clap joins the lines of a paragraph with one space, and rustdoc
//! reads a line break inside a paragraph as a space, so wrapping changes neither. The models'
//! text is not wrapped: schemars keeps their line breaks in the JSON Schema descriptions.

use proc_macro2::{Delimiter, Group, Literal, Punct, Spacing, TokenStream, TokenTree};

/// The width generated doc lines are wrapped to, indentation and `///` included.
const COLUMNS: usize = 100;

/// Lays out every `#[doc = "..."]` in `tokens`; with `wrap`, long lines are wrapped too.
pub(crate) fn tidy(tokens: TokenStream, wrap: bool) -> TokenStream {
    tidy_at(tokens, wrap, 0)
}

/// `depth` counts the braces around the tokens: prettyplease indents each by four spaces.
fn tidy_at(tokens: TokenStream, wrap: bool, depth: usize) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                let text = match iter.peek() {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
                        doc_text(g.stream())
                    }
                    _ => None,
                };
                let Some(text) = text else {
                    out.push(TokenTree::Punct(p));
                    continue;
                };
                iter.next();
                let width = wrap.then(|| COLUMNS.saturating_sub(3 + 4 * depth).max(40));
                for line in lines(&text, width) {
                    out.push(TokenTree::Punct(Punct::new('#', Spacing::Alone)));
                    let attr: TokenStream = [
                        TokenTree::Ident(proc_macro2::Ident::new("doc", p.span())),
                        TokenTree::Punct(Punct::new('=', Spacing::Alone)),
                        TokenTree::Literal(Literal::string(&line)),
                    ]
                    .into_iter()
                    .collect();
                    out.push(TokenTree::Group(Group::new(Delimiter::Bracket, attr)));
                }
            }
            TokenTree::Group(g) => {
                let inner = if g.delimiter() == Delimiter::Brace {
                    depth + 1
                } else {
                    depth
                };
                let mut tidied = Group::new(g.delimiter(), tidy_at(g.stream(), wrap, inner));
                tidied.set_span(g.span());
                out.push(TokenTree::Group(tidied));
            }
            other => out.push(other),
        }
    }
    out.into_iter().collect()
}

/// The text of `doc = "..."` (a plain or raw string), or `None` for any other attribute.
fn doc_text(attr: TokenStream) -> Option<String> {
    let mut it = attr.into_iter();
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(TokenTree::Ident(name)), Some(TokenTree::Punct(eq)), Some(lit), None)
            if name == "doc" && eq.as_char() == '=' =>
        {
            syn::parse2::<syn::LitStr>(lit.into())
                .ok()
                .map(|s| s.value())
        }
        _ => None,
    }
}

/// The doc lines of `text`: each non-empty line starts with one space more than the text gives
/// it (none more when every line already starts with one, as `///` comments do); trailing
/// empty lines are dropped. Readers that strip one space per line (rustdoc, clap, schemars)
/// read the text as written.
fn lines(text: &str, width: Option<usize>) -> Vec<String> {
    let spaced = text
        .lines()
        .filter(|l| !l.is_empty())
        .all(|l| l.starts_with(' '));
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let line = match line.is_empty() || spaced {
            true => line.to_string(),
            false => format!(" {line}"),
        };
        let body = line.strip_prefix(' ').unwrap_or(&line);
        if body.starts_with("```") {
            fenced = !fenced;
        }
        let verbatim = fenced || body.starts_with("    ") || body.starts_with('|');
        match width {
            Some(width) if !verbatim => out.extend(wrapped(&line, width)),
            _ => out.push(line),
        }
    }
    while out.len() > 1 && out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// `line` broken at spaces into lines of at most `width` characters (a word longer than that
/// stays whole), each with the line's indentation. No line starts with a word that Markdown
/// would read as a list item, quote, heading or rule.
fn wrapped(line: &str, width: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let body = line.trim_start_matches(' ');
    let indent = &line[..line.len() - body.len()];
    let mut words: Vec<String> = Vec::new();
    for word in body.split(' ') {
        match words.last_mut() {
            Some(last) if starts_a_block(word) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    let mut out = Vec::new();
    let mut current = indent.to_string();
    for word in words {
        let fits = current.chars().count() + 1 + word.chars().count() <= width;
        if current.len() > indent.len() && !fits {
            out.push(std::mem::replace(&mut current, indent.to_string()));
        }
        if current.len() > indent.len() {
            current.push(' ');
        }
        current.push_str(&word);
    }
    out.push(current);
    out
}

fn starts_a_block(word: &str) -> bool {
    let numbered = word
        .strip_suffix(['.', ')'])
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    numbered
        || matches!(word, "-" | "+" | "*" | ">")
        || word.starts_with(['#', '=', '|'])
        || word.starts_with("---")
        || word.starts_with("```")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn docs(tokens: TokenStream, wrap: bool) -> Vec<String> {
        let file: syn::File = syn::parse2(tidy(tokens, wrap)).unwrap();
        let syn::Item::Struct(s) = &file.items[0] else {
            panic!("a struct")
        };
        s.attrs
            .iter()
            .map(|a| {
                let pair = a.meta.require_name_value().unwrap();
                doc_text(quote::ToTokens::to_token_stream(pair)).unwrap()
            })
            .collect()
    }

    #[test]
    fn every_line_gets_one_space() {
        let typify = quote!(
            #[doc = "First line.\n\n  indented\nlast\n"]
            struct A;
        );
        assert_eq!(
            docs(typify, false),
            [" First line.", "", "   indented", " last"]
        );
        let commented = quote!(
            /// Already spaced.
            struct A;
        );
        assert_eq!(docs(commented, true), [" Already spaced."]);
        assert_eq!(
            docs(
                quote!(
                    #[doc = ""]
                    struct A;
                ),
                false
            ),
            [""]
        );
        // Not a doc text: left alone.
        let hidden = tidy(
            quote!(
                #[doc(hidden)]
                struct A;
            ),
            true,
        )
        .to_string();
        assert_eq!(
            hidden,
            quote!(
                #[doc(hidden)]
                struct A;
            )
            .to_string()
        );
    }

    #[test]
    fn long_lines_wrap_at_spaces_and_never_start_a_markdown_block() {
        let text = format!(
            "{} - not a list item {}",
            "word ".repeat(18).trim(),
            "x".repeat(120)
        );
        let lines = docs(quote!(#[doc = #text] struct A;), true);
        assert!(
            lines
                .iter()
                .all(|l| l.starts_with(' ') && !l.starts_with("  "))
        );
        assert!(
            lines.iter().all(|l| !l.trim_start().starts_with('-')),
            "{lines:?}"
        );
        assert!(
            lines[..lines.len() - 1].iter().all(|l| l.len() <= 97),
            "{lines:?}"
        );
        assert_eq!(lines.last().unwrap(), &format!(" {}", "x".repeat(120)));
        let joined: Vec<&str> = lines.iter().map(|l| l.trim()).collect();
        assert_eq!(joined.join(" "), text);
        // Unwrapped output keeps the line whole.
        assert_eq!(docs(quote!(#[doc = #text] struct A;), false).len(), 1);
    }

    #[test]
    fn nested_items_wrap_narrower() {
        let text = "word ".repeat(30);
        let text = text.trim();
        let tokens = quote!(mod m { mod n { #[doc = #text] struct A; } });
        let file: syn::File = syn::parse2(tidy(tokens, true)).unwrap();
        let printed = prettyplease::unparse(&file);
        assert!(printed.matches("///").count() >= 2, "{printed}");
        assert!(printed.lines().all(|l| l.len() <= COLUMNS), "{printed}");
        assert!(printed.lines().any(|l| l.len() > COLUMNS - 8), "{printed}");
    }
}
