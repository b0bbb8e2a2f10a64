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
    }
}
