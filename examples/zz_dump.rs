use arrow::array::Array;
fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let f = std::fs::File::open(&a[0]).unwrap();
    let r = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap().build().unwrap();
    let n: usize = a[2].parse().unwrap();
    for b in r {
        let b = b.unwrap();
        let c = b.column_by_name(&a[1]).unwrap();
        let s = arrow::compute::cast(c, &arrow::datatypes::DataType::Utf8).unwrap();
        let s = s.as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
        for i in 0..n.min(s.len()) { println!("{}", s.value(i)); }
        break;
    }
}
