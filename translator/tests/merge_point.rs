//! The binding times at `global_merge_point!`: by name (a loop variable named like a green
//! of the portal stays green) or by the merge point's own `greens(..)` / `reds(..)`
//! lists; the annotated graph and the errors say which rule decided.

use translator::driver::{annotated_portal, find_portals};
use translator::flow::build::build_program;
use translator::source::Crate;

/// A counter interpreter whose loop variable `pc` is not named like the portal's green
/// `start`; `MERGE` is replaced by the merge point under test.
const RUN: &str = r#"
#[portal(greens(code, start))]
pub fn run(code: &[u8], start: usize, x: i64) -> i64 {
    let mut pc = start;
    let mut x = x;
    let mut steps: i64 = 0;
    while pc < code.len() {
        MERGE;
        let op = concrete!(code[pc]);
        pc += 1;
        steps += 1;
        match op {
            b'+' => x += 1,
            b'<' => if x < 10 { pc = 0 },
            _ => return x,
        }
    }
    x + steps
}
"#;

fn source(merge: &str) -> String {
    RUN.replace("MERGE", merge)
}

/// The portal `run` of `src`, annotated: the annotated text, or the rendered errors.
fn annotate(src: &str) -> Result<String, String> {
    let k = Crate::from_source("acc", src).unwrap();
    let render = |ds: &[translator::diag::Diagnostic]| {
        ds.iter()
            .map(|d| d.render(&k, false))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let portals = find_portals(&k).map_err(|d| render(&d))?;
    let (prog, diags) = build_program(&k, &portals);
    if !diags.is_empty() {
        return Err(render(&diags));
    }
    let (g, _, a) = annotated_portal(&k, &prog, "run").map_err(|d| render(&d))?;
    Ok(translator::bta::annotated_text(&g, &a))
}

fn annotated(merge: &str) -> String {
    annotate(&source(merge)).unwrap_or_else(|e| panic!("{e}"))
}

fn error(merge: &str) -> String {
    match annotate(&source(merge)) {
        Ok(a) => panic!("expected an error for {merge}:\n{a}"),
        Err(e) => e,
    }
}

#[test]
fn listed_greens_keep_a_renamed_loop_variable_green() {
    let a = annotated("global_merge_point!(greens(code, pc))");
    assert!(a.contains("global_merge_point<greens 2>("), "{a}");
    assert!(a.contains("pc: green, listed in `greens(..)`"), "{a}");
    assert!(
        a.contains("x: red, not listed in `greens(..)`, and the loop changes it"),
        "{a}"
    );
    insta::assert_snapshot!("listed_greens", a);
}

#[test]
fn by_name_a_renamed_loop_variable_is_red_and_concrete_says_why() {
    let e = error("global_merge_point!()");
    assert!(e.contains("this value must be green, but it is red"), "{e}");
    assert!(
        e.contains("`pc` (v"),
        "the chain reaches the merge point's input:\n{e}"
    );
    assert!(
        e.contains(
            "red at the merge point: not named like a green of the portal (`code`, `start`), and the loop changes it at acc.rs:8:9"
        ),
        "{e}"
    );
    insta::assert_snapshot!("by_name_concrete_error", e);
}

#[test]
fn an_unlisted_loop_variable_is_red_and_concrete_says_why() {
    let e = error("global_merge_point!(greens(code))");
    assert!(
        e.contains("red at the merge point: not listed in `greens(..)`, and the loop changes it"),
        "{e}"
    );
    insta::assert_snapshot!("unlisted_concrete_error", e);
}

#[test]
fn by_name_the_same_name_stays_green() {
    let src = source("global_merge_point!()")
        .replace("greens(code, start)", "greens(code, pc)")
        .replace("start: usize", "pc: usize")
        .replace("let mut pc = start;", "let mut pc = pc;");
    let a = annotate(&src).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        a.contains("pc: green, named like a green of the portal"),
        "{a}"
    );
    assert!(
        a.contains(
            "x: red, not named like a green of the portal (`code`, `pc`), and the loop changes it"
        ),
        "{a}"
    );
}

#[test]
fn listed_reds_are_red_and_every_live_variable_is_listed() {
    let a = annotated("global_merge_point!(greens(code, pc), reds(x, steps))");
    assert!(a.contains("global_merge_point<greens 2, reds 2>("), "{a}");
    assert!(a.contains("x: red, listed in `reds(..)`"), "{a}");
    assert!(a.contains("steps: red, listed in `reds(..)`"), "{a}");
    // A value the loop never changes may be listed red: it is red there (and then
    // `concrete!(code[pc])` says so).
    let e = error("global_merge_point!(greens(pc), reds(code, x, steps))");
    assert!(
        e.contains(
            "`code` (v17) is red: red at the merge point: listed in `reds(..)` at acc.rs:8:9"
        ),
        "{e}"
    );
    let e = error("global_merge_point!(greens(code, pc), reds(x))");
    assert!(
        e.contains(
            "`steps` is live at the merge point, but not listed in `greens(..)` or `reds(..)`"
        ),
        "{e}"
    );
    insta::assert_snapshot!("unlisted_live_variable", e);
}

#[test]
fn a_listed_variable_must_be_live() {
    // `start` is in scope but nothing reads it after the merge point.
    let e = error("global_merge_point!(greens(code, pc, start))");
    assert!(
        e.contains("`start` is listed at the merge point, but it is not live there"),
        "{e}"
    );
    insta::assert_snapshot!("listed_not_live", e);
}

#[test]
fn a_listed_green_must_be_green() {
    let e = error("global_merge_point!(greens(code, pc, x))");
    assert!(
        e.contains("`x` is listed in `greens(..)`, but it is red here"),
        "{e}"
    );
    assert!(e.contains("`x` is a red parameter of the portal"), "{e}");
    insta::assert_snapshot!("listed_green_is_red", e);
}

#[test]
fn misused_lists_are_errors_at_the_name() {
    for (merge, must) in [
        (
            "global_merge_point!(greens(code, pcc))",
            "`pcc` is not a local variable here",
        ),
        (
            "global_merge_point!(reds(x))",
            "`reds(..)` needs `greens(..)` too",
        ),
        (
            "global_merge_point!(greens(code, pc), reds(pc))",
            "`pc` is listed twice",
        ),
        ("global_merge_point!(pc)", "expected `greens(name, ...)`"),
    ] {
        let e = error(merge);
        assert!(e.contains(must), "{merge}:\n{e}");
        assert!(e.contains("--> acc.rs:8:"), "{merge}: located:\n{e}");
    }
    insta::assert_snapshot!(
        "unknown_name",
        error("global_merge_point!(greens(code, pcc))")
    );
}

#[test]
fn the_drawing_says_which_rule_decided() {
    let k = Crate::from_source("acc", &source("global_merge_point!(greens(code, pc))")).unwrap();
    let portals = find_portals(&k).unwrap();
    let (prog, _) = build_program(&k, &portals);
    let (g, _, a) = annotated_portal(&k, &prog, "run").unwrap();
    let merges: Vec<_> = a.merge_blocks.iter().copied().collect();
    let dot = translator::flow::dot::annotated_dot(
        &g,
        &translator::flow::dot::Colouring {
            is_red: &|v| a.is_red(v),
            merges: &merges,
            notes: &a.merge_notes,
        },
    );
    assert!(dot.contains("at the global merge point:"), "{dot}");
    assert!(dot.contains("pc: green, listed in `greens(..)`"), "{dot}");
    assert!(
        dot.contains("x: red, not listed in `greens(..)`, and the loop changes it"),
        "{dot}"
    );
}
