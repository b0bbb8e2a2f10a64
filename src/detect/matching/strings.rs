//! Reading string arrays in a scan's inner loop.

use arrow::array::ArrayAccessor;

/// Calls `f` with every non-null value of `a`, in order: valid indices only,
/// from the null bitmap's set bits, and each value without `value`'s bounds
/// assert (a measurable share of a structured column's cost per value).
#[inline]
pub(crate) fn each_valid<'a, A>(a: A, mut f: impl FnMut(&'a str))
where
    A: ArrayAccessor<Item = &'a str>,
{
    match a.nulls().filter(|n| n.null_count() > 0) {
        Some(nulls) => {
            for i in nulls.valid_indices() {
                // SAFETY: `valid_indices` yields indices below `a.len()`.
                f(unsafe { a.value_unchecked(i) });
            }
        }
        None => {
            for i in 0..a.len() {
                // SAFETY: `i < a.len()`.
                f(unsafe { a.value_unchecked(i) });
            }
        }
    }
}

/// `each_valid` by runs: calls `f(value, n)` once for each run of `n`
/// equal non-null values in a row (nulls between them do not end a run),
/// in order. Sorted and clustered columns (dates, status codes, a key
/// repeated over its rows) are looked at once per run instead of once per
/// row; a column without runs pays one length compare per value.
#[inline]
pub(crate) fn each_valid_run<'a, A>(a: A, mut f: impl FnMut(&'a str, u64))
where
    A: ArrayAccessor<Item = &'a str>,
{
    let mut run: Option<(&'a str, u64)> = None;
    each_valid(a, |v| match &mut run {
        Some((prev, n)) if prev.len() == v.len() && *prev == v => *n += 1,
        _ => {
            if let Some((prev, n)) = run.replace((v, 1)) {
                f(prev, n);
            }
        }
    });
    if let Some((prev, n)) = run {
        f(prev, n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{LargeStringArray, StringArray, StringViewArray};

    proptest::proptest! {
        /// The values read are the array's non-null values, in order (the
        /// scalar reference: arrow's own checked iterator).
        #[test]
        fn each_valid_reads_what_iter_reads(
            values in proptest::collection::vec(proptest::option::of("[a-zé ]{0,20}"), 0..70),
        ) {
            let want: Vec<String> = values.iter().flatten().cloned().collect();
            let mut got = Vec::new();
            each_valid(&StringArray::from(values.clone()), |v| got.push(v.to_string()));
            proptest::prop_assert_eq!(&got, &want);
            got.clear();
            each_valid(&LargeStringArray::from(values.clone()), |v| got.push(v.to_string()));
            proptest::prop_assert_eq!(&got, &want);
            got.clear();
            each_valid(&StringViewArray::from(values.clone()), |v| got.push(v.to_string()));
            proptest::prop_assert_eq!(&got, &want);
        }

        /// The runs read are the non-null values grouped where equal
        /// neighbours repeat (the reference: `each_valid` and a fold).
        #[test]
        fn each_valid_run_groups_equal_neighbours(
            values in proptest::collection::vec(proptest::option::of("[ab]{0,2}"), 0..70),
        ) {
            let mut want: Vec<(String, u64)> = Vec::new();
            each_valid(&StringArray::from(values.clone()), |v| match want.last_mut() {
                Some((p, n)) if p == v => *n += 1,
                _ => want.push((v.to_string(), 1)),
            });
            let mut got = Vec::new();
            each_valid_run(&StringViewArray::from(values.clone()), |v, n| {
                got.push((v.to_string(), n))
            });
            proptest::prop_assert_eq!(&got, &want);
            got.clear();
            each_valid_run(&StringArray::from(values), |v, n| got.push((v.to_string(), n)));
            proptest::prop_assert_eq!(&got, &want);
        }
    }
}
