//! SQL text as `covenant:database/sql` carries it: placeholders found outside literals,
//! quoted identifiers and comments, and rewritten to a dialect's positional form (the seed's
//! table: `$1`, `?`, `@p1`, `?1`). The compiler rewrites a query's `:name` placeholders to its
//! declared dialect; the host rewrites again when `--db` puts the database on another one.

use std::ops::Range;

/// The `dialect` enum of `covenant:database/sql`, in its case order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Postgres,
    Mysql,
    Sqlserver,
    Sqlite,
}

impl Dialect {
    pub const ALL: [Dialect; 4] = [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlserver, Dialect::Sqlite];

    /// The dialect a `dialect=` value names (MariaDB speaks MySQL's).
    pub fn from_name(name: &str) -> Option<Dialect> {
        match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            "sqlserver" | "mssql" => Some(Dialect::Sqlserver),
            "sqlite" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlserver => "sqlserver",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The enum case's index in the WIT `dialect` enum.
    pub fn case_index(self) -> u8 {
        Dialect::ALL.iter().position(|d| *d == self).unwrap_or(0) as u8
    }
}

/// A placeholder in SQL text: a name, a 1-based position, or a bare `?` (the next position).
#[derive(Clone, Debug, PartialEq)]
pub enum Placeholder {
    Named(String),
    Position(usize),
    Next,
}

/// The placeholders of a SQL text with their byte ranges, skipping string literals, quoted
/// identifiers, `--` comments and PostgreSQL's `::type` casts.
pub fn placeholders(sql: &str) -> Vec<(Range<usize>, Placeholder)> {
    let b = sql.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    let word = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let number = |from: usize, to: usize| sql[from..to].parse().unwrap_or(usize::MAX);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b':' if b.get(i + 1) == Some(&b':') => i += 2,
            b':' if b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') => {
                let end = word(i + 1);
                out.push((i..end, Placeholder::Named(sql[i + 1..end].to_string())));
                i = end;
            }
            b'$' | b'?' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let end = digits(i + 1);
                out.push((i..end, Placeholder::Position(number(i + 1, end))));
                i = end;
            }
            b'@' if b.get(i + 1) == Some(&b'p')
                && b.get(i + 2).is_some_and(u8::is_ascii_digit)
                && word(i + 1) == digits(i + 2) =>
            {
                let end = digits(i + 2);
                out.push((i..end, Placeholder::Position(number(i + 2, end))));
                i = end;
            }
            // SQL Server's named form, `@name`
            b'@' if b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') => {
                let end = word(i + 1);
                out.push((i..end, Placeholder::Named(sql[i + 1..end].to_string())));
                i = end;
            }
            b'?' => {
                out.push((i..i + 1, Placeholder::Next));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// `sql` with every placeholder that `index` maps to a parameter (0-based) written in `dialect`'s
/// positional form, and the order in which to pass the parameters: for MySQL, whose `?` has no
/// number, one entry per placeholder; for the others, the parameters as they are (`0..count`).
/// `index` is given each placeholder and how many bare `?` came before it.
pub fn rewrite(
    sql: &str,
    dialect: Dialect,
    count: usize,
    mut index: impl FnMut(&Placeholder, usize) -> Option<usize>,
) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(sql.len());
    let mut order = vec![];
    let (mut at, mut bare) = (0, 0);
    for (range, ph) in placeholders(sql) {
        let found = index(&ph, bare);
        if ph == Placeholder::Next {
            bare += 1;
        }
        let Some(i) = found else { continue };
        text.push_str(&sql[at..range.start]);
        match dialect {
            Dialect::Postgres => text.push_str(&format!("${}", i + 1)),
            Dialect::Sqlite => text.push_str(&format!("?{}", i + 1)),
            Dialect::Sqlserver => text.push_str(&format!("@p{}", i + 1)),
            Dialect::Mysql => {
                text.push('?');
                order.push(i);
            }
        }
        at = range.end;
    }
    text.push_str(&sql[at..]);
    if dialect != Dialect::Mysql {
        order = (0..count).collect();
    }
    (text, order)
}

/// The positional placeholders of SQL a component sent (`$n`, `?n`, `@pn`, `?`), rewritten for
/// `dialect`: the text and the parameter order (see [`rewrite`]).
pub fn translate(sql: &str, dialect: Dialect, count: usize) -> (String, Vec<usize>) {
    rewrite(sql, dialect, count, |ph, bare| match ph {
        Placeholder::Position(n) => n.checked_sub(1),
        Placeholder::Next => Some(bare),
        Placeholder::Named(_) => None,
    })
}

/// The statement's first keyword, upper-cased.
fn first_keyword(sql: &str) -> String {
    let mut words = sql.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| !w.is_empty());
    words.next().map(str::to_ascii_uppercase).unwrap_or_default()
}

/// Whether a statement writes: its first keyword is one that changes data or schema. A write that
/// does not start so (behind `WITH`, a `PRAGMA`) is left to the database, which the host opens
/// read-only for a read-only program.
pub fn is_write(sql: &str) -> bool {
    let stripped: String = sql.lines().map(|l| l.split("--").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    matches!(
        first_keyword(&stripped).as_str(),
        "INSERT"
            | "UPDATE"
            | "DELETE"
            | "REPLACE"
            | "MERGE"
            | "UPSERT"
            | "CREATE"
            | "DROP"
            | "ALTER"
            | "TRUNCATE"
            | "GRANT"
            | "REVOKE"
            | "RENAME"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_every_dialect_and_not_in_strings_or_casts() {
        let found: Vec<Placeholder> = placeholders("SELECT ':no', x::int FROM t -- :comment\nWHERE a = :a AND b = $2 AND c = ? AND d = @p3 AND e = ?4 AND f = @quarter")
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            found,
            vec![
                Placeholder::Named("a".into()),
                Placeholder::Position(2),
                Placeholder::Next,
                Placeholder::Position(3),
                Placeholder::Position(4),
                Placeholder::Named("quarter".into())
            ]
        );
    }

    #[test]
    fn named_placeholders_become_each_dialects_positional_form() {
        let sql = "SELECT ':a' FROM t WHERE a = :a AND b = :b OR a2 = :a";
        let names = ["a", "b"];
        let by_name = |ph: &Placeholder, _| match ph {
            Placeholder::Named(n) => names.iter().position(|x| x == n),
            _ => None,
        };
        let expect = [
            (Dialect::Postgres, "SELECT ':a' FROM t WHERE a = $1 AND b = $2 OR a2 = $1", vec![0, 1]),
            (Dialect::Sqlite, "SELECT ':a' FROM t WHERE a = ?1 AND b = ?2 OR a2 = ?1", vec![0, 1]),
            (Dialect::Sqlserver, "SELECT ':a' FROM t WHERE a = @p1 AND b = @p2 OR a2 = @p1", vec![0, 1]),
            (Dialect::Mysql, "SELECT ':a' FROM t WHERE a = ? AND b = ? OR a2 = ?", vec![0, 1, 0]),
        ];
        for (dialect, text, order) in expect {
            assert_eq!(rewrite(sql, dialect, 2, by_name), (text.to_string(), order), "{dialect:?}");
        }
    }

    #[test]
    fn the_host_translates_between_positional_forms() {
        assert_eq!(
            translate("a = $2 AND b = $1 AND c = $2", Dialect::Mysql, 2),
            ("a = ? AND b = ? AND c = ?".into(), vec![1, 0, 1])
        );
        assert_eq!(translate("a = ? AND b = ?", Dialect::Postgres, 2), ("a = $1 AND b = $2".into(), vec![0, 1]));
        assert_eq!(
            translate("a = ?2 AND b = '?1'", Dialect::Sqlserver, 2),
            ("a = @p2 AND b = '?1'".into(), vec![0, 1])
        );
    }

    #[test]
    fn writes_are_told_from_reads() {
        assert!(is_write("  -- note\n insert into t values (1)"));
        assert!(is_write("UPDATE t SET a = 1"));
        assert!(!is_write("SELECT * FROM t"));
        assert!(!is_write("-- DELETE\nSELECT 1"));
    }
}
