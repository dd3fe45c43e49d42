//! Parallel moves: turn "all these destinations receive all these sources at once" into
//! a sequence of single moves, breaking cycles through `rax`.
//!
//! **Invariant:** destinations are distinct and never immediates; `rax` is neither a
//! source nor a destination of the input moves (it is scratch).

use super::regs::{Loc, RAX};

/// Order the moves `(dst, src)` so that each source is read before it is overwritten.
pub fn sequence(moves: &[(Loc, Loc)]) -> Vec<(Loc, Loc)> {
    let mut pending: Vec<(Loc, Loc)> = moves.iter().copied().filter(|(d, s)| d != s).collect();
    debug_assert!(
        {
            let mut d: Vec<_> = pending.iter().map(|m| m.0).collect();
            d.sort_by_key(|l| format!("{l:?}"));
            d.windows(2).all(|w| w[0] != w[1])
        },
        "duplicate destination in {moves:?}"
    );
    let scratch = Loc::Reg(RAX);
    let mut out = Vec::with_capacity(pending.len() + 1);
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .position(|(d, _)| !pending.iter().any(|(_, s)| s == d));
        match ready {
            Some(i) => out.push(pending.remove(i)),
            None => {
                // Every destination is still needed: a cycle. Park one destination's
                // current value in the scratch register and read it from there.
                let d = pending[0].0;
                out.push((scratch, d));
                for m in pending.iter_mut() {
                    if m.1 == d {
                        m.1 = scratch;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Simulate a move sequence over abstract locations.
    fn run(seq: &[(Loc, Loc)], init: &HashMap<Loc, u64>) -> HashMap<Loc, u64> {
        let mut st = init.clone();
        for (d, s) in seq {
            let v = match s {
                Loc::Imm(b) => *b,
                _ => st[s],
            };
            st.insert(*d, v);
        }
        st
    }

    #[test]
    fn swaps_rotations_and_fans() {
        let r = |n| Loc::Reg(n);
        let s = Loc::Slot;
        let cases: Vec<Vec<(Loc, Loc)>> = vec![
            vec![(r(6), r(7)), (r(7), r(6))],
            vec![(r(6), r(7)), (r(7), r(8)), (r(8), r(6))],
            vec![(r(6), r(7)), (r(8), r(7)), (s(0), r(6))],
            vec![
                (s(0), s(1)),
                (s(1), s(0)),
                (r(3), Loc::Imm(5)),
                (Loc::Xmm(2), r(3)),
            ],
            vec![(r(6), r(6)), (r(7), Loc::Imm(1))],
        ];
        for moves in cases {
            let mut init = HashMap::new();
            for (i, l) in [r(3), r(6), r(7), r(8), s(0), s(1), Loc::Xmm(2)]
                .iter()
                .enumerate()
            {
                init.insert(*l, 100 + i as u64);
            }
            let after = run(&sequence(&moves), &init);
            for (d, src) in &moves {
                let want = match src {
                    Loc::Imm(b) => *b,
                    _ => init[src],
                };
                assert_eq!(after[d], want, "{moves:?}");
            }
        }
    }
}
