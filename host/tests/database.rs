//! `covenant:database/sql` on real databases: the programs in tests/programs (inventory.cov:
//! create, insert with a value that looks like SQL, select into structs, update, delete, a
//! transaction that rolls back; people.cov: Covenant-dialect queries and insert / update /
//! delete steps) give the same output on the embedded SQLite default, PostgreSQL and MariaDB. Server URLs come from COVENANT_POSTGRES_URL and COVENANT_MYSQL_URL (defaults: the
//! servers on this machine kind); with COVENANT_REQUIRE_DATABASES=1 (as `.ci/run` sets) a missing
//! server fails the test instead of skipping it.

mod common;

use covenant_host::grants::Grants;

fn run(source: &str, grants: &Grants) -> Result<String, String> {
    common::run_program("program", source, &Default::default(), grants)
}

fn program(name: &str) -> String {
    std::fs::read_to_string(common::root().join("host/tests/programs").join(name)).expect("program")
}

fn on(url: Option<String>) -> Grants {
    Grants { db: url.map(|u| vec![("app".to_string(), u)]).unwrap_or_default(), ..Default::default() }
}

/// The server's URL, or `None` (skip) when it is not reachable and not required.
fn server(var: &str, default: &str, port: u16) -> Option<String> {
    let url = std::env::var(var).unwrap_or_else(|_| default.to_string());
    let up = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
    let required = std::env::var("COVENANT_REQUIRE_DATABASES").is_ok_and(|v| v == "1");
    match (up, required) {
        (true, _) => Some(url),
        (false, true) => panic!("{var}: no database server at 127.0.0.1:{port}, and COVENANT_REQUIRE_DATABASES=1"),
        (false, false) => {
            eprintln!("skipped: no database server at 127.0.0.1:{port} (set COVENANT_REQUIRE_DATABASES=1 to fail)");
            None
        }
    }
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(common::root().join("host/tests/programs").join(name)).expect("expected output")
}

/// Each program and its expected output (checked by hand: see the comments in the programs).
const PROGRAMS: [(&str, &str); 2] = [("inventory.cov", "inventory.stdout"), ("people.cov", "people.stdout")];

#[test]
fn the_same_programs_on_sqlite() {
    for (program_name, out) in PROGRAMS {
        assert_eq!(run(&program(program_name), &on(None)).unwrap(), expected(out), "{program_name}");
    }
}

#[test]
fn the_same_programs_on_postgres() {
    let Some(url) = server("COVENANT_POSTGRES_URL", "postgres://root@127.0.0.1:5432/test", 5432) else { return };
    for (program_name, out) in PROGRAMS {
        assert_eq!(run(&program(program_name), &on(Some(url.clone()))).unwrap(), expected(out), "{program_name}");
    }
}

#[test]
fn the_same_programs_on_mariadb() {
    let Some(url) = server("COVENANT_MYSQL_URL", "mysql://root@127.0.0.1:3306/test", 3306) else { return };
    for (program_name, out) in PROGRAMS {
        assert_eq!(run(&program(program_name), &on(Some(url.clone()))).unwrap(), expected(out), "{program_name}");
    }
}

/// A read-only program whose write the compiler cannot see (a `PRAGMA` that changes the
/// database): the database, opened read-only, refuses it, and the program gets the `DbError`.
const READ_ONLY: &str = r#"snippet id="db.app" kind="database"
metadata
  dialect="sqlite"
end
end

snippet id="app.sneak" kind="fn"
effects
  effect database(readonly=true)
end
signature
  fn name="sneak"
    returns union
      type="Int"
      type="DbError"
    end
  end
end
body
  step id="s1" kind="query"
    dialect="sqlite"
    body
      PRAGMA user_version = 7
    end
    returns type="Int"
    as="n"
  end
  step id="s2" kind="return"
    from="n"
    as="_"
  end
end
end

snippet id="app.main" kind="fn"
effects
  effect database(readonly=true)
  effect console
end
signature
  fn name="main"
    returns type="Unit"
  end
end
body
  step id="s1" kind="call"
    fn="app.sneak"
    as="outcome"
  end
  step id="s2" kind="match"
    on="outcome"
    case variant type="DbError" bindings=("e")
      step id="s2a" kind="bind"
        field="code" of="e"
        as="code"
      end
      step id="s2b" kind="call"
        fn="console.println"
        arg name="message" from="code"
        as="_"
      end
    end
    case wildcard
      step id="s2c" kind="call"
        fn="console.println"
        arg name="message" lit="written"
        as="_"
      end
    end
    as="_"
  end
end
end
"#;

#[test]
fn writes_to_a_read_only_database_are_refused() {
    let out = run(READ_ONLY, &on(None)).unwrap();
    assert_eq!(out, "E-QUERY-015\n");
}

#[test]
fn a_read_only_function_cannot_write_at_compile_time() {
    let source = READ_ONLY.replace("PRAGMA user_version = 7", "DELETE FROM t");
    let c = covenant_compiler::compile(&source, &Default::default());
    assert!(c.diagnostics.iter().any(|d| d.code == "E-QUERY-015"), "{:?}", c.diagnostics);
}

#[test]
fn a_failed_query_in_a_function_without_db_error_ends_the_run_with_the_databases_message() {
    let source = READ_ONLY
        .replace("readonly=true", "readonly=false")
        .replace("PRAGMA user_version = 7", "INSERT INTO missing_table (a) VALUES (1)");
    let source = source.replacen(
        "returns union\n      type=\"Int\"\n      type=\"DbError\"\n    end",
        "returns type=\"Int\"",
        1,
    );
    let c = covenant_compiler::compile(&source, &Default::default());
    // The caller matches on a union the callee no longer returns: check the callee alone.
    let err = if c.has_errors() {
        let only_callee = source.split("snippet id=\"app.main\"").next().unwrap().to_string();
        let main = "\nsnippet id=\"app.main\" kind=\"fn\"\neffects\n  effect database\nend\nsignature\n  fn name=\"main\"\n    returns type=\"Unit\"\n  end\nend\nbody\n  step id=\"s1\" kind=\"call\"\n    fn=\"app.sneak\"\n    as=\"_\"\n  end\nend\nend\n";
        run(&format!("{only_callee}{main}"), &on(None)).unwrap_err()
    } else {
        run(&source, &on(None)).unwrap_err()
    };
    assert!(err.contains("database failed: E-QUERY-012: no such table: missing_table"), "{err}");
}
