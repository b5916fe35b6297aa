//! Exact apportionment of a pool of fen by weight, with a floor and a cap per household.
//!
//! Two steps, both in integer arithmetic (`i128`, every operation checked):
//!
//! 1. **Bounds.** Each household's exact quota is `clamp(λ × weight, floor, cap)`, with the one
//!    `λ` that makes the quotas add up to the pool. This is the fixed point of "give the floor
//!    to those below it, the cap to those above it, and re-apportion the rest by weight": money
//!    above a cap goes to the others, money for floors comes from the others, and no household
//!    ends up above its cap or below its floor. `λ` is found by one walk over the households
//!    sorted by weight (as `λ` grows, the heaviest leave the floor first and reach the cap
//!    first), so the cost is one sort, never a quadratic loop.
//! 2. **Largest remainder (Hamilton).** The households between the bounds get
//!    `weight × rest / Σweight` fen, an exact rational. Each gets the integer part; the fen left
//!    over go one each to the largest fractional parts. Ties go to the lower index: callers pass
//!    households sorted by household id, so the tie-break is "household id ascending" and the
//!    result does not depend on input order.
//!
//! A household's share is therefore the floor of its quota or one fen more, the shares add up to
//! the pool exactly, floors and caps (whole fen) are never crossed by rounding.

use std::cmp::Ordering;

/// Where a household's quota landed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bound {
    /// Between floor and cap: proportional to weight.
    Proportional,
    /// Raised to the floor.
    Floor,
    /// Held at the cap.
    Cap,
}

/// One household's result, in fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    /// The rounded share in fen.
    pub fen: i64,
    /// The exact quota in fen as `num / den` (`den > 0`, reduced).
    pub quota_num: i128,
    pub quota_den: i128,
    pub bound: Bound,
}

/// Why a pool cannot be apportioned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApportionError {
    NoRecipients,
    NegativeInput,
    /// `floor × households` is more than the pool.
    FloorsExceedPool {
        floor: i64,
        households: usize,
        needed: i128,
        pool: i64,
    },
    /// Even with every household at its cap (and weightless ones at the floor) the pool is
    /// not used up.
    PoolExceedsCaps {
        most: i128,
        pool: i64,
    },
    /// Every weight is zero and the floors do not use up the pool.
    AllWeightsZero,
    /// The weights are too large for exact arithmetic.
    Overflow,
}

fn mul(a: i128, b: i128) -> Result<i128, ApportionError> {
    a.checked_mul(b).ok_or(ApportionError::Overflow)
}

fn add(a: i128, b: i128) -> Result<i128, ApportionError> {
    a.checked_add(b).ok_or(ApportionError::Overflow)
}

pub(crate) fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// Apportion `pool` fen over `weights` (all `>= 0`), each share at least `floor` and at most
/// `cap` fen. Index order is the tie-break order for the largest-remainder step (lower index
/// wins a tie).
pub fn apportion(
    weights: &[i128],
    pool: i64,
    floor: i64,
    cap: Option<i64>,
) -> Result<Vec<Share>, ApportionError> {
    let n = weights.len();
    if n == 0 {
        return Err(ApportionError::NoRecipients);
    }
    if pool < 0 || floor < 0 || cap.is_some_and(|c| c < floor) || weights.iter().any(|w| *w < 0) {
        return Err(ApportionError::NegativeInput);
    }
    let p = i128::from(pool);
    let f = i128::from(floor);
    let n_all = n as i128;
    let needed = mul(f, n_all)?;
    if needed > p {
        return Err(ApportionError::FloorsExceedPool {
            floor,
            households: n,
            needed,
            pool,
        });
    }
    let at = |fen: i128, bound| Share {
        fen: fen as i64,
        quota_num: fen,
        quota_den: 1,
        bound,
    };
    if needed == p {
        return Ok(vec![at(f, Bound::Floor); n]);
    }

    // Households with a positive weight, in the order they leave the floor (and reach the cap)
    // as λ grows: heaviest first; equal weights by index so the walk is deterministic.
    let mut pos: Vec<usize> = (0..n).filter(|&i| weights[i] > 0).collect();
    if pos.is_empty() {
        return Err(ApportionError::AllWeightsZero);
    }
    pos.sort_unstable_by(|&a, &b| weights[b].cmp(&weights[a]).then(a.cmp(&b)));
    let zero_weight = (n - pos.len()) as i128;
    if let Some(c) = cap {
        let most = add(mul(zero_weight, f)?, mul(pos.len() as i128, i128::from(c))?)?;
        if p > most {
            return Err(ApportionError::PoolExceedsCaps { most, pool });
        }
    }

    // State on the current λ interval: pos[..capped] at the cap, pos[capped..entered] in
    // between, everyone else at the floor. `fixed` is what the bounded households take.
    let c = cap.map(i128::from);
    let (mut entered, mut capped) = (0usize, 0usize);
    let mut w_mid: i128 = 0;
    loop {
        let fixed = add(
            mul(n_all - (entered - capped) as i128 - capped as i128, f)?,
            mul(capped as i128, c.unwrap_or(0))?,
        )?;
        // The next event: pos[entered] leaves the floor at λ = f / w, or pos[capped] reaches
        // the cap at λ = c / w. Pick the smaller λ (cross-multiplied, exact).
        let enter = (entered < pos.len()).then(|| (f, weights[pos[entered]]));
        let reach = match c {
            Some(c) if capped < entered => Some((c, weights[pos[capped]])),
            _ => None,
        };
        let (event, is_enter) = match (enter, reach) {
            (None, None) => break,
            (Some(e), None) => (e, true),
            (None, Some(r)) => (r, false),
            (Some(e), Some(r)) => {
                if mul(e.0, r.1)? <= mul(r.0, e.1)? {
                    (e, true)
                } else {
                    (r, false)
                }
            }
        };
        // Total at that λ = fixed + λ × w_mid; stop once it reaches the pool.
        let (num, den) = event;
        if add(mul(fixed, den)?, mul(num, w_mid)?)? >= mul(p, den)? {
            break;
        }
        if is_enter {
            w_mid = add(w_mid, weights[pos[entered]])?;
            entered += 1;
        } else {
            w_mid -= weights[pos[capped]];
            capped += 1;
        }
    }

    let mut out = vec![at(f, Bound::Floor); n];
    if let Some(c) = cap {
        for &i in &pos[..capped] {
            out[i] = at(i128::from(c), Bound::Cap);
        }
    }
    let mid = &pos[capped..entered];
    let fixed_total = add(
        mul(n_all - mid.len() as i128 - capped as i128, f)?,
        mul(capped as i128, c.unwrap_or(0))?,
    )?;
    let rest = p - fixed_total;
    // The walk stops inside an interval where the total rises with slope w_mid > 0.
    debug_assert!(w_mid > 0 && rest >= 0);
    if w_mid == 0 {
        return Err(ApportionError::Overflow);
    }
    // Headroom so that callers can show quotas and residuals (`share × den − num`, remainders
    // scaled by 10^4) without leaving exact arithmetic.
    mul(w_mid, add(rest, 10_000)?)?;

    // Largest remainder among the proportional households.
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(mid.len());
    let mut given: i128 = 0;
    for &i in mid {
        let q = mul(weights[i], rest)?;
        let whole = q / w_mid;
        let frac = q % w_mid;
        given += whole;
        let g = gcd(q, w_mid);
        out[i] = Share {
            fen: whole as i64,
            quota_num: q / g,
            quota_den: w_mid / g,
            bound: Bound::Proportional,
        };
        remainders.push((frac, i));
    }
    let left = (rest - given) as usize;
    if left > 0 {
        let by_remainder = |a: &(i128, usize), b: &(i128, usize)| -> Ordering {
            b.0.cmp(&a.0).then(a.1.cmp(&b.1))
        };
        if left < remainders.len() {
            remainders.select_nth_unstable_by(left - 1, by_remainder);
        }
        for &(_, i) in &remainders[..left] {
            out[i].fen += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fens(s: &[Share]) -> Vec<i64> {
        s.iter().map(|s| s.fen).collect()
    }

    #[test]
    fn plain_largest_remainder_with_id_tie_break() {
        // 100 fen over three equal weights: quotas 33⅓ each; the one fen left goes to index 0.
        let s = apportion(&[1, 1, 1], 100, 0, None).unwrap();
        assert_eq!(fens(&s), vec![34, 33, 33]);
        assert_eq!((s[1].quota_num, s[1].quota_den), (100, 3));
        // Weights 1:2:3 of 1000 fen: 166.67, 333.33, 500 → remainders ⅔, ⅓, 0.
        let s = apportion(&[1, 2, 3], 1000, 0, None).unwrap();
        assert_eq!(fens(&s), vec![167, 333, 500]);
        // Quotas 7/6, 7/6, 7/3, 7/3 → floors 1, 1, 2, 2 = 6; one fen left; remainders 1/6, 1/6,
        // 1/3, 1/3: the tie between indices 2 and 3 goes to the lower index.
        let s = apportion(&[1, 1, 2, 2], 7, 0, None).unwrap();
        assert_eq!(fens(&s), vec![1, 1, 3, 2]);
    }

    #[test]
    fn cap_surplus_goes_to_the_rest_and_floor_is_taken_from_them() {
        // Pool 100 yuan; weights 10:1:1; cap 60 → heavy one capped, 40 split 20/20.
        let s = apportion(&[10, 1, 1], 10_000, 0, Some(6_000)).unwrap();
        assert_eq!(fens(&s), vec![6_000, 2_000, 2_000]);
        assert_eq!(s[0].bound, Bound::Cap);
        // Floor 30 yuan: weights 1:1:10 of 100 yuan would give 8.33 to the light ones.
        let s = apportion(&[1, 1, 10], 10_000, 3_000, None).unwrap();
        assert_eq!(fens(&s), vec![3_000, 3_000, 4_000]);
        assert_eq!(s[0].bound, Bound::Floor);
        // Both at once: weights 1, 4, 5, 90; pool 100; floor 10; cap 40.
        // 1 → floor 10, 90 → cap 40; 50 left over 4+5 → 22.22, 27.78 (both within bounds).
        let s = apportion(&[1, 4, 5, 90], 10_000, 1_000, Some(4_000)).unwrap();
        assert_eq!(fens(&s), vec![1_000, 2_222, 2_778, 4_000]);
    }

    #[test]
    fn impossible_pools_are_errors() {
        assert_eq!(
            apportion(&[1, 2, 3], 2_999, 1_000, None),
            Err(ApportionError::FloorsExceedPool {
                floor: 1_000,
                households: 3,
                needed: 3_000,
                pool: 2_999
            })
        );
        assert_eq!(
            apportion(&[1, 2, 0], 10_000, 1_000, Some(4_000)),
            Err(ApportionError::PoolExceedsCaps {
                most: 9_000,
                pool: 10_000
            })
        );
        assert_eq!(
            apportion(&[0, 0], 100, 0, None),
            Err(ApportionError::AllWeightsZero)
        );
        assert_eq!(
            apportion(&[], 100, 0, None),
            Err(ApportionError::NoRecipients)
        );
        assert_eq!(
            apportion(&[i128::MAX / 2, i128::MAX / 2], 100, 0, None),
            Err(ApportionError::Overflow)
        );
    }

    #[test]
    fn zero_weights_get_the_floor() {
        let s = apportion(&[0, 3, 1], 10_000, 500, None).unwrap();
        assert_eq!(fens(&s), vec![500, 7_125, 2_375]);
        let s = apportion(&[0, 3, 1], 10_000, 0, None).unwrap();
        assert_eq!(fens(&s), vec![0, 7_500, 2_500]);
    }

    fn case() -> impl Strategy<Value = (Vec<i128>, i64, i64, Option<i64>)> {
        (
            prop::collection::vec(
                prop_oneof![
                    Just(0i128),
                    1i128..20,
                    1i128..1_000_000,
                    1i128..1_000_000_000_000
                ],
                1..40,
            ),
            0i64..5_000_000_000,
            prop_oneof![Just(0i64), 0i64..50_000_000],
            prop_oneof![Just(None), (0i64..3_000_000_000).prop_map(Some)],
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Sums are exact, bounds hold, errors only when the pool truly cannot be placed, and
        /// the result is the water-filling solution: floor/cap/proportional consistent with one λ.
        #[test]
        fn exact_bounded_and_consistent((weights, pool, floor, cap) in case()) {
            let cap = cap.map(|c| c.max(floor));
            let n = weights.len() as i128;
            let positive = weights.iter().filter(|w| **w > 0).count() as i128;
            match apportion(&weights, pool, floor, cap) {
                Err(ApportionError::FloorsExceedPool { .. }) => {
                    prop_assert!(i128::from(floor) * n > i128::from(pool));
                }
                Err(ApportionError::PoolExceedsCaps { .. }) => {
                    let c = i128::from(cap.unwrap());
                    prop_assert!(i128::from(pool) > (n - positive) * i128::from(floor) + positive * c);
                }
                Err(ApportionError::AllWeightsZero) => {
                    prop_assert_eq!(positive, 0);
                    prop_assert!(i128::from(floor) * n < i128::from(pool));
                }
                Err(e) => prop_assert!(false, "unexpected {:?}", e),
                Ok(s) => {
                    prop_assert_eq!(s.iter().map(|s| i128::from(s.fen)).sum::<i128>(), i128::from(pool));
                    prop_assert!(i128::from(floor) * n <= i128::from(pool));
                    for x in &s {
                        prop_assert!(x.fen >= floor);
                        if let Some(c) = cap { prop_assert!(x.fen <= c); }
                        // share = ⌊quota⌋ or ⌈quota⌉
                        let q = x.quota_num;
                        let d = x.quota_den;
                        prop_assert!(d > 0);
                        let lo = q.div_euclid(d);
                        let hi = if q % d == 0 { lo } else { lo + 1 };
                        prop_assert!(i128::from(x.fen) == lo || i128::from(x.fen) == hi);
                    }
                    // One λ = q_i / w_i for all proportional households, and the bounded ones
                    // are on the right side of it.
                    let mids: Vec<usize> = (0..s.len()).filter(|&i| s[i].bound == Bound::Proportional).collect();
                    if let Some(&m) = mids.first() {
                        // λ = num / (den × w_m); products are taken with i128 checks and a
                        // comparison is skipped only if it does not fit.
                        let m3 = |a: i128, b: i128, c: i128| a.checked_mul(b).and_then(|x| x.checked_mul(c));
                        let (ln, ld) = (s[m].quota_num, s[m].quota_den * weights[m]);
                        for &i in &mids {
                            if let (Some(a), Some(b)) = (m3(s[i].quota_num, ld, 1), m3(ln, s[i].quota_den, weights[i])) {
                                prop_assert_eq!(a, b);
                            }
                        }
                        for (i, x) in s.iter().enumerate() {
                            let bound = match x.bound {
                                Bound::Floor => i128::from(floor),
                                Bound::Cap => i128::from(cap.unwrap()),
                                Bound::Proportional => continue,
                            };
                            if let (Some(a), Some(b)) = (m3(ln, weights[i], 1), m3(ld, bound, 1)) {
                                match x.bound {
                                    Bound::Floor => prop_assert!(a <= b),
                                    _ => prop_assert!(a >= b),
                                }
                            }
                        }
                    }
                    // Largest remainder: nobody rounded down has a larger remainder than
                    // somebody rounded up (compared exactly; equal remainders → lower index up).
                    let up: Vec<usize> = mids.iter().copied()
                        .filter(|&i| i128::from(s[i].fen) * s[i].quota_den > s[i].quota_num).collect();
                    let down: Vec<usize> = mids.iter().copied()
                        .filter(|&i| i128::from(s[i].fen) * s[i].quota_den < s[i].quota_num).collect();
                    for &u in &up {
                        for &d in &down {
                            // frac(u) = (q_u mod den_u)/den_u, compare cross-multiplied
                            let fu = s[u].quota_num.rem_euclid(s[u].quota_den).checked_mul(s[d].quota_den);
                            let fd = s[d].quota_num.rem_euclid(s[d].quota_den).checked_mul(s[u].quota_den);
                            if let (Some(fu), Some(fd)) = (fu, fd) {
                                prop_assert!(fu > fd || (fu == fd && u < d));
                            }
                        }
                    }
                }
            }
        }
    }
}
