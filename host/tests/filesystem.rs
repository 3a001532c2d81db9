//! Least privilege on the filesystem and the environment, attacked from inside the program: a
//! symbolic link that points out of the granted directory, a path outside the declared one that
//! only the host's narrowing stops, and environment variables that were not passed.

mod common;

use common::Scratch;
use covenant_host::grants::{self, DirGrant, Grants};
use covenant_host::runtime::{Exit, Stdio, run_command_blocking};
use std::process::Command;

/// A program whose `main` runs `steps` with the given effects.
fn program(effects: &str, steps: &str) -> String {
    format!(
        "snippet id=\"t.main\" kind=\"fn\"\neffects\n{effects}\nend\nsignature\n  fn name=\"main\"\n    returns type=\"Unit\"\n  end\nend\nbody\n{steps}\nend\nend\n"
    )
}

/// Steps that read `path` and print its text, or the IoError's code and message.
fn read_and_print(id: &str, path: &str) -> String {
    format!(
        r#"  step id="{id}" kind="call"
    fn="fs.read_file"
    arg name="path" lit="{path}"
    as="r_{id}"
  end
  step id="{id}m" kind="match"
    on="r_{id}"
    case variant type="Ok" bindings=("text")
      step id="{id}a" kind="call"
        fn="console.println"
        arg name="message" from="text"
        as="_"
      end
    end
    case variant type="Err" bindings=("e")
      step id="{id}b" kind="compute"
        op=concat
        input field="code" of="e"
        input lit=" "
        as="c_{id}"
      end
      step id="{id}c" kind="compute"
        op=concat
        input var="c_{id}"
        input field="message" of="e"
        as="line_{id}"
      end
      step id="{id}d" kind="call"
        fn="console.println"
        arg name="message" from="line_{id}"
        as="_"
      end
    end
    as="_"
  end"#
    )
}

fn run(source: &str, grants: &Grants) -> String {
    let c = common::compile_ok("program", source);
    let stdio = Stdio::capture();
    let exit = run_command_blocking(c.component.as_ref().unwrap(), &stdio, &Default::default(), grants).unwrap();
    assert_eq!(exit, Exit::Ok);
    let Stdio::Capture { stdout, .. } = stdio else { unreachable!() };
    String::from_utf8(stdout.contents().to_vec()).unwrap()
}

fn grant(host: std::path::PathBuf, guest: &str) -> DirGrant {
    DirGrant { host, guest: guest.into() }
}

#[test]
fn a_symlink_out_of_the_granted_directory_is_an_io_error() {
    let scratch = Scratch::new("symlink");
    let (inside, outside) = (scratch.0.join("granted"), scratch.0.join("secret"));
    std::fs::create_dir_all(&inside).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("key.txt"), "top secret").unwrap();
    std::fs::write(inside.join("note.txt"), "fine").unwrap();
    std::os::unix::fs::symlink(&outside, inside.join("link")).unwrap();
    std::os::unix::fs::symlink(outside.join("key.txt"), inside.join("key-link.txt")).unwrap();
    let steps = [
        read_and_print("s1", "/data/note.txt"),
        read_and_print("s2", "/data/link/key.txt"),
        read_and_print("s3", "/data/key-link.txt"),
    ]
    .join("\n");
    let source = program("  effect console\n  effect filesystem(path=\"/data\")", &steps);
    let out = run(&source, &Grants { dirs: vec![grant(inside, "/data")], env: vec![], ..Default::default() });
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "fine");
    for line in &lines[1..] {
        assert!(!line.contains("top secret"), "read through a symlink: {out}");
        assert!(line.starts_with('E') && line.contains("/data/"), "an IoError naming the path: {line}");
    }
    assert_eq!(lines.len(), 3);
}

#[test]
fn the_host_narrows_a_grant_to_the_declared_path() {
    // The program declares the filesystem without a path, so the component checks nothing; the
    // host, told that the program's functions declare only /data/reports, preopens only that.
    let scratch = Scratch::new("narrow");
    std::fs::create_dir_all(scratch.0.join("reports")).unwrap();
    std::fs::write(scratch.0.join("reports/q1.txt"), "q1").unwrap();
    std::fs::write(scratch.0.join("payroll.txt"), "salaries").unwrap();
    let steps = [read_and_print("s1", "/data/reports/q1.txt"), read_and_print("s2", "/data/payroll.txt")].join("\n");
    let source = program("  effect console\n  effect filesystem", &steps);
    let dirs = grants::narrow(&[grant(scratch.0.clone(), "/data")], Some(&["/data/reports".to_string()])).unwrap();
    assert_eq!(dirs, [grant(scratch.0.join("reports"), "/data/reports")]);
    let out = run(&source, &Grants { dirs, env: vec![], ..Default::default() });
    assert_eq!(
        out,
        "q1\nEACCES no directory is granted to the program for this path (the host's --dir): /data/payroll.txt\n"
    );
}

#[test]
fn covenant_run_grants_directories_and_variables_from_the_command_line() {
    let scratch = Scratch::new("cli-dir");
    let files = common::root().join("examples/files.cov");
    let out = Command::new(env!("CARGO_BIN_EXE_covenant"))
        .arg("run")
        .arg(&files)
        .arg("--dir")
        .arg(format!("{}::/data", scratch.0.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, std::fs::read(common::root().join("examples/files.stdout")).unwrap());
    assert_eq!(std::fs::read_to_string(scratch.0.join("notes/2026/hello.txt")).unwrap(), "Grüße, Covenant!");

    // Without --dir nothing is granted: every call fails with an IoError, and the run still ends well.
    let out = Command::new(env!("CARGO_BIN_EXE_covenant")).arg("run").arg(&files).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("mkdir -p /data/notes/2026: EACCES (no directory is granted")
    );
}

#[test]
fn only_passed_environment_variables_are_visible() {
    let steps = |name: &str, id: &str| {
        format!(
            r#"  step id="{id}" kind="call"
    fn="os.env_get"
    arg name="name" lit="{name}"
    as="v_{id}"
  end
  step id="{id}m" kind="match"
    on="v_{id}"
    case variant type="Some" bindings=("value")
      step id="{id}a" kind="call"
        fn="console.println"
        arg name="message" from="value"
        as="_"
      end
    end
    case variant type="None"
      step id="{id}b" kind="call"
        fn="console.println"
        arg name="message" lit="(unset)"
        as="_"
      end
    end
    as="_"
  end"#
        )
    };
    let source = program("  effect console\n  effect os", &[steps("GREETING", "s1"), steps("HOME", "s2")].join("\n"));
    let env = vec![("GREETING".to_string(), "héllo=1".to_string())];
    assert_eq!(run(&source, &Grants { env, ..Default::default() }), "héllo=1\n(unset)\n");
    // The world imports wasi:cli/environment for the `os` effect.
    let c = common::compile_ok("env", &source);
    assert!(c.imports.iter().any(|r| r.effect == "os" && r.interface == "wasi:cli/environment@0.2.12"));
}

#[test]
fn a_compiled_component_carries_what_it_declares() {
    let source = program(
        "  effect console\n  effect filesystem(path=\"./data/reports/\")",
        &read_and_print("s1", "data/reports/q1.txt"),
    );
    let c = common::compile_ok("declared", &source);
    let declared = grants::declared_in(c.component.as_ref().unwrap());
    assert_eq!(declared, Some((vec!["data/reports".to_string()], vec![])));
    // A pure program declares nothing and has no section.
    let pure = common::compile_ok(
        "pure",
        &program(
            "  effect console",
            "  step id=\"s1\" kind=\"compute\"\n    op=add\n    input lit=1\n    input lit=2\n    as=\"_\"\n  end",
        ),
    );
    assert_eq!(grants::declared_in(pure.component.as_ref().unwrap()), None);
    // `covenant run app.wasm --dir` narrows as for source: a grant of the whole directory preopens
    // only data/reports, which holds the file.
    let scratch = Scratch::new("declared-wasm");
    std::fs::create_dir_all(scratch.0.join("data/reports")).unwrap();
    std::fs::write(scratch.0.join("data/reports/q1.txt"), "q1 figures").unwrap();
    let wasm = scratch.0.join("app.wasm");
    std::fs::write(&wasm, c.component.as_ref().unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_covenant"))
        .arg("run")
        .arg(&wasm)
        .arg("--dir")
        .arg(format!("{}::.", scratch.0.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "q1 figures\n");
}

#[test]
fn bytes_are_written_as_they_are_and_read_back_only_as_text() {
    let scratch = Scratch::new("write-bytes");
    let write = |id: &str, path: &str, from: &str| {
        format!(
            "  step id=\"{id}\" kind=\"call\"\n    fn=\"fs.write_bytes\"\n    arg name=\"path\" lit=\"{path}\"\n    arg name=\"content\" from=\"{from}\"\n    as=\"_\"\n  end"
        )
    };
    let steps = [
        "  step id=\"b1\" kind=\"call\"\n    fn=\"crypto.random_bytes\"\n    arg name=\"length\" lit=64\n    as=\"noise\"\n  end".to_string(),
        write("w1", "/data/noise.bin", "noise"),
        read_and_print("r1", "/data/noise.bin"),
    ]
    .join("\n");
    let source = program("  effect console\n  effect random\n  effect filesystem(path=\"/data\")", &steps);
    let out = run(&source, &Grants { dirs: vec![grant(scratch.0.clone(), "/data")], ..Default::default() });
    let written = std::fs::read(scratch.0.join("noise.bin")).unwrap();
    assert_eq!(written.len(), 64, "the bytes as they are");
    // 64 random bytes are UTF-8 with a probability far below 1e-9: reading them as text is an
    // IoError, not a crash.
    assert!(std::str::from_utf8(&written).is_err());
    assert_eq!(out, "EILSEQ the file is not UTF-8 text: /data/noise.bin\n");
}

/// `fs.stat`'s `modified` is the file's modification time as the host's filesystem records it.
#[test]
fn stat_reports_the_modification_time() {
    let scratch = Scratch::new("mtime");
    let dir = scratch.0.join("granted");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("old.txt");
    std::fs::write(&file, "x").unwrap();
    // 2001-09-09T01:46:40.250Z
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_000_000_000_250);
    std::fs::File::options().write(true).open(&file).unwrap().set_modified(when).unwrap();
    let steps = r#"  step id="s1" kind="call"
    fn="fs.stat"
    arg name="path" lit="/data/old.txt"
    as="r"
  end
  step id="s2" kind="match"
    on="r"
    case variant type="Ok" bindings=("st")
      step id="s3" kind="bind"
        field="modified" of="st"
        as="m"
      end
      step id="s4" kind="match"
        on="m"
        case variant type="Some" bindings=("t")
          step id="s5" kind="compute"
            op=to_string
            input var="t"
            as="text"
          end
          step id="s6" kind="call"
            fn="console.println"
            arg name="message" from="text"
            as="_"
          end
        end
        case variant type="None"
          step id="s7" kind="call"
            fn="console.println"
            arg name="message" lit="no time"
            as="_"
          end
        end
        as="_"
      end
    end
    case variant type="Err" bindings=("e")
      step id="s8" kind="call"
        fn="console.println"
        arg name="message" field="message" of="e"
        as="_"
      end
    end
    as="_"
  end"#;
    let source = program("  effect console\n  effect filesystem(path=\"/data\")", steps);
    let out = run(&source, &Grants { dirs: vec![grant(dir, "/data")], env: vec![], ..Default::default() });
    assert_eq!(out, "2001-09-09T01:46:40.250Z\n");
}
