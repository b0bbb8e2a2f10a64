//! The library API over in-memory Arrow data: every string representation,
//! dictionaries, integers, binary, nested columns, and a no-panic property.

use std::sync::Arc;

use arrow::array::*;
use arrow::datatypes::{DataType, Field, Int32Type, Schema};
use arrow::record_batch::RecordBatch;
use piigate::classify_column;
use piigate::{RuleSet, Scanner, Thresholds};
use proptest::prelude::*;

fn rules() -> Arc<RuleSet> {
    Arc::new(RuleSet::builtin().unwrap())
}

fn entities_of(batch: &RecordBatch) -> Vec<(String, Vec<String>)> {
    let r = rules();
    let s = Scanner::new(r.clone());
    s.scan_batch(batch)
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                classify_column(&r, p, &Thresholds::default())
                    .entities
                    .into_iter()
                    .map(|e| e.entity)
                    .collect(),
            )
        })
        .collect()
}

/// A batch of one nullable text column.
fn text_column<S: AsRef<str>>(name: &str, values: &[S]) -> RecordBatch {
    let a: ArrayRef = Arc::new(StringArray::from(
        values.iter().map(|v| Some(v.as_ref())).collect::<Vec<_>>(),
    ));
    RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new(name, DataType::Utf8, true)])),
        vec![a],
    )
    .unwrap()
}

/// Asserts that columns of single given names and of single surnames are
/// labelled PERSON_NAME under each of `columns`.
fn single_names_found_under(columns: &[&str], given: &[&str], surnames: &[&str]) {
    for column in columns {
        assert!(
            person_in(column, &cycled(given, 48)),
            "{column}: given names"
        );
        assert!(
            person_in(column, &cycled(surnames, 48)),
            "{column}: surnames"
        );
    }
}

/// Whether a text column of `values` named `column` is labelled PERSON_NAME.
fn person_in(column: &str, values: &[&str]) -> bool {
    entities_of(&text_column(column, values))[0]
        .1
        .iter()
        .any(|e| e == "PERSON_NAME")
}

const EMAILS: [&str; 4] = [
    "ana.silva@example.com",
    "j.smith@example.org",
    "max@beispiel.de",
    "li.wei@example.net",
];

#[test]
fn every_string_representation_is_scanned() {
    let utf8: ArrayRef = Arc::new(StringArray::from(EMAILS.to_vec()));
    let large: ArrayRef = Arc::new(LargeStringArray::from(EMAILS.to_vec()));
    let view: ArrayRef = Arc::new(StringViewArray::from(EMAILS.to_vec()));
    let dict: ArrayRef = Arc::new(DictionaryArray::<Int32Type>::new(
        Int32Array::from(vec![0, 1, 2, 3, 0, 0]),
        Arc::new(StringArray::from(EMAILS.to_vec())),
    ));
    let bin: ArrayRef = Arc::new(BinaryArray::from(
        EMAILS.iter().map(|s| s.as_bytes()).collect::<Vec<_>>(),
    ));
    for (name, a) in [
        ("a", utf8),
        ("b", large),
        ("c", view),
        ("d", dict),
        ("e", bin),
    ] {
        let b = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new(
                name,
                a.data_type().clone(),
                true,
            )])),
            vec![a],
        )
        .unwrap();
        assert_eq!(
            entities_of(&b),
            vec![(name.to_string(), vec!["EMAIL".to_string()])],
            "{name}"
        );
    }
}

#[test]
fn dictionary_is_weighted_by_key_counts() {
    // One email among three values, but the email key appears in 9 of 10 rows.
    let values = StringArray::from(vec!["ana.silva@example.com", "ORD-1", "ORD-2"]);
    let keys = Int32Array::from(vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    let a: ArrayRef = Arc::new(DictionaryArray::<Int32Type>::new(keys, Arc::new(values)));
    let b = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new(
            "x",
            a.data_type().clone(),
            true,
        )])),
        vec![a],
    )
    .unwrap();
    let p = Scanner::new(rules()).scan_batch(&b);
    assert_eq!(p[0].values, 10);
    assert_eq!(p[0].entities["EMAIL"].rows, 9);
}

#[test]
fn integers_are_scanned_as_digits() {
    let cards: ArrayRef = Arc::new(Int64Array::from(vec![
        4111111111111111,
        5555555555554444,
        4012888888881881,
    ]));
    let qty: ArrayRef = Arc::new(Int64Array::from(vec![1, 2, 3]));
    let schema = Schema::new(vec![
        Field::new("cc", DataType::Int64, true),
        Field::new("qty", DataType::Int64, true),
    ]);
    let b = RecordBatch::try_new(Arc::new(schema), vec![cards, qty]).unwrap();
    assert_eq!(
        entities_of(&b),
        vec![
            ("cc".into(), vec!["CREDIT_CARD".into()]),
            ("qty".into(), vec![])
        ]
    );
}

/// Unsigned 64-bit ids above i64::MAX are values too (not nulls), and every
/// integer width is read; SSNs stored as u32 and cards as u64 are found.
#[test]
fn every_integer_width_is_scanned() {
    let big: ArrayRef = Arc::new(UInt64Array::from(vec![
        Some(u64::MAX),
        Some(4111111111111111),
        None,
        Some(5555555555554444),
        Some(4012888888881881),
    ]));
    let ssn: ArrayRef = Arc::new(UInt32Array::from(vec![
        536227706, 219099999, 536227706, 123456789, 536227706,
    ]));
    let small: ArrayRef = Arc::new(Int16Array::from(vec![-12, 7, 30000, 0, -1]));
    let schema = Schema::new(vec![
        Field::new("c9", DataType::UInt64, true),
        Field::new("ssn", DataType::UInt32, true),
        Field::new("n", DataType::Int16, true),
    ]);
    let b = RecordBatch::try_new(Arc::new(schema), vec![big, ssn, small]).unwrap();
    let p = Scanner::new(rules()).scan_batch(&b);
    assert_eq!((p[0].values, p[0].nulls), (4, 1));
    assert_eq!(p[0].entities["CREDIT_CARD"].rows, 3);
    assert_eq!(p[1].values, 5);
    assert!(p[1].entities["US_SSN"].rows >= 3);
    assert_eq!((p[2].values, p[2].hit_rows), (5, 0));
}

#[test]
fn invalid_utf8_in_binary_is_skipped_and_counted() {
    let a: ArrayRef = Arc::new(BinaryArray::from(vec![
        &b"ana.silva@example.com"[..],
        &[0xff, 0xfe, 0x00][..],
        &b"li.wei@example.net"[..],
    ]));
    let b = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new(
            "blob",
            DataType::Binary,
            true,
        )])),
        vec![a],
    )
    .unwrap();
    let p = Scanner::new(rules()).scan_batch(&b);
    assert_eq!(p[0].skipped, 1);
    assert_eq!(p[0].values, 2);
}

#[test]
fn nested_columns_are_dotted_paths() {
    let email: ArrayRef = Arc::new(StringArray::from(EMAILS.to_vec()));
    let st = StructArray::from(vec![(
        Arc::new(Field::new("email", DataType::Utf8, true)),
        email,
    )]);
    let outer = StructArray::from(vec![(
        Arc::new(Field::new("contact", st.data_type().clone(), true)),
        Arc::new(st) as ArrayRef,
    )]);
    let b = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new(
            "customer",
            outer.data_type().clone(),
            true,
        )])),
        vec![Arc::new(outer)],
    )
    .unwrap();
    assert_eq!(
        entities_of(&b),
        vec![(
            "customer.contact.email".to_string(),
            vec!["EMAIL".to_string()]
        )]
    );
}

#[test]
fn profiles_merge_across_batches() {
    let r = rules();
    let s = Scanner::new(r.clone());
    let mk = |v: Vec<&str>| {
        let a: ArrayRef = Arc::new(StringArray::from(v));
        RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new("e", DataType::Utf8, true)])),
            vec![a],
        )
        .unwrap()
    };
    let mut p = s.scan_batch(&mk(EMAILS.to_vec())).remove(0);
    let q = s.scan_batch(&mk(vec!["x", "y", "z", "w"])).remove(0);
    p.merge(&q);
    assert_eq!(p.values, 8);
    assert_eq!(p.entities["EMAIL"].rows, 4);
    // Half the values: still EMAIL (ratio 0.5 meets the threshold).
    let rep = classify_column(&r, &p, &Thresholds::default());
    assert_eq!(rep.entities[0].entity, "EMAIL");
    assert_eq!(rep.entities[0].match_ratio, 0.5);
}

#[test]
fn misleading_names_do_not_decide() {
    // `phone` holding order numbers is not PHONE; `c17` full of IBANs is IBAN.
    let orders: ArrayRef = Arc::new(StringArray::from(vec![
        "ORD-2024-000123",
        "ORD-2024-000124",
        "ORD-2025-000001",
        "ORD-2025-004411",
    ]));
    let ibans: ArrayRef = Arc::new(StringArray::from(vec![
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "NL91ABNA0417164300",
        "FR1420041010050500013M02606",
    ]));
    let schema = Schema::new(vec![
        Field::new("phone", DataType::Utf8, true),
        Field::new("c17", DataType::Utf8, true),
    ]);
    let b = RecordBatch::try_new(Arc::new(schema), vec![orders, ibans]).unwrap();
    assert_eq!(
        entities_of(&b),
        vec![
            ("phone".into(), vec![]),
            ("c17".into(), vec!["IBAN".into()])
        ]
    );
}

/// A `name` column of towns names places, even where the towns are also
/// people's names (Jackson, Madison); a column of people's names keeps its
/// label though some of them are towns too, and so does a `surname` column
/// of presidents' names.
#[test]
fn towns_in_a_name_column_are_not_people() {
    let towns = [
        "Springfield",
        "Riverside",
        "Fairview",
        "Franklin",
        "Greenville",
        "Clinton",
        "Madison",
        "Georgetown",
        "Arlington",
        "Jackson",
        "Burlington",
        "Lexington",
        "Dayton",
        "Milton",
    ];
    let people = [
        "Madison Clark",
        "Jackson Reyes",
        "Maria Silva",
        "Tom Becker",
        "Austin Moore",
        "Ana Souza",
        "Charlotte Dubois",
        "Kenji Sato",
        "Victoria Lopez",
        "Dallas Green",
        "Madison",
        "Lena Fischer",
        "Omar Haddad",
        "Eva Novak",
    ];
    let presidents = [
        "Lincoln",
        "Jackson",
        "Clinton",
        "Madison",
        "Washington",
        "Franklin",
        "Jefferson",
        "Adams",
        "Monroe",
        "Taylor",
        "Wilson",
        "Harrison",
        "Grant",
        "Hayes",
    ];
    let name_of = |b: RecordBatch| entities_of(&b).remove(0).1;
    assert_eq!(name_of(text_column("name", &towns)), Vec::<String>::new());
    assert_eq!(
        name_of(text_column("name", &people)),
        vec!["PERSON_NAME".to_string()]
    );
    assert_eq!(
        name_of(text_column("surname", &presidents)),
        vec!["PERSON_NAME".to_string()]
    );
}

/// Single surnames in a column named for people by their role (a
/// `scientist`, `composer` or `player` column) are names though several of
/// them are towns too (Newton, Darwin, Maxwell): the towns are a minority of
/// the column's values, the rest are surnames no town list holds. A column
/// with the same role word whose values are mostly towns is still places.
#[test]
fn single_surnames_in_a_role_column_are_people_though_some_are_towns() {
    let scientists = [
        "Newton", "Darwin", "Curie", "Einstein", "Faraday", "Maxwell", "Planck", "Bohr", "Pasteur",
        "Galilei", "Kepler", "Hubble",
    ];
    let composers = [
        "Bach",
        "Mozart",
        "Beethoven",
        "Brahms",
        "Haydn",
        "Chopin",
        "Liszt",
        "Verdi",
        "Wagner",
        "Mahler",
        "Ravel",
        "Debussy",
    ];
    let players = [
        "Lincoln",
        "Pele",
        "Zidane",
        "Madison",
        "Cruyff",
        "Eusebio",
        "Beckenbauer",
        "Jackson",
        "Puskas",
        "Maradona",
        "Platini",
        "Riquelme",
    ];
    let towns = [
        "Springfield",
        "Riverside",
        "Fairview",
        "Franklin",
        "Greenville",
        "Clinton",
        "Madison",
        "Georgetown",
        "Arlington",
        "Jackson",
        "Burlington",
        "Lexington",
    ];
    let name_of = |b: RecordBatch| entities_of(&b).remove(0).1;
    let person = vec!["PERSON_NAME".to_string()];
    assert_eq!(name_of(text_column("scientist", &scientists)), person);
    assert_eq!(name_of(text_column("name", &scientists)), person);
    assert_eq!(name_of(text_column("composer", &composers)), person);
    assert_eq!(name_of(text_column("player", &players)), person);
    assert_eq!(name_of(text_column("member", &towns)), Vec::<String>::new());
}

/// A column named for people by their role that repeats a few of them, the
/// most frequent a name that is also a town (a player "Austin", justices
/// "Marshall" and "Warren", a captain "Lincoln"): names, not places. Towns
/// that are no names ("Springfield") still argue against people there, and
/// a plain `name` column of such towns is still places.
#[test]
fn few_people_in_a_role_column_whose_names_are_also_towns_are_people() {
    let repeat = |pairs: &[(&'static str, usize)]| -> Vec<&'static str> {
        pairs
            .iter()
            .flat_map(|&(v, n)| std::iter::repeat_n(v, n))
            .collect()
    };
    let name_of = |b: RecordBatch| entities_of(&b).remove(0).1;
    let person = vec!["PERSON_NAME".to_string()];
    for (column, values) in [
        ("player", repeat(&[("Austin", 70), ("Kershaw", 30)])),
        (
            "judge",
            repeat(&[("Marshall", 50), ("Warren", 30), ("Ginsburg", 20)]),
        ),
        (
            "captain",
            repeat(&[("Lincoln", 60), ("Hamilton", 25), ("Verstappen", 15)]),
        ),
    ] {
        assert_eq!(name_of(text_column(column, &values)), person, "{column}");
    }
    let towns = repeat(&[("Springfield", 40), ("Riverside", 30), ("Austin", 30)]);
    assert_eq!(name_of(text_column("member", &towns)), Vec::<String>::new());
    let named_towns = repeat(&[("Austin", 40), ("Lincoln", 30), ("Marshall", 30)]);
    assert_eq!(
        name_of(text_column("name", &named_towns)),
        Vec::<String>::new()
    );
}

/// The entities of every column of a table, decided with the table (the
/// names of the other columns count).
fn table_entities(columns: &[(&str, Vec<&str>)]) -> Vec<(String, Vec<String>)> {
    let r = rules();
    let batch = RecordBatch::try_from_iter(columns.iter().map(|(name, values)| {
        (
            name.to_string(),
            Arc::new(StringArray::from(values.clone())) as ArrayRef,
        )
    }))
    .unwrap();
    let t = Scanner::new(r.clone())
        .scan_batches("t", "memory", [Ok(batch)])
        .unwrap();
    piigate::classify_table(&r, &t, &Thresholds::default())
        .columns
        .into_iter()
        .map(|c| (c.name, c.entities.into_iter().map(|e| e.entity).collect()))
        .collect()
}

/// #28 (names of things, column names in other languages): the sibling
/// columns that say the rows are animals, storms or ships say it in
/// Spanish, Portuguese, French, German, Italian, Dutch and Polish too
/// (`especie`, `espécie`, `espèce`, `tierart`, `huracan`). Words that also
/// describe people are no such evidence: a table of people has a
/// specialty (`especialidad`), a race (`raca_cor`, `raza`), a town of
/// residence (`poblacion`, in a Spanish address) or an income (`receita`).
#[test]
fn names_of_things_are_told_by_sibling_columns_in_other_languages() {
    let pets = vec![
        "Luna", "Max", "Toby", "Nala", "Rocky", "Lola", "Simba", "Kira", "Coco", "Bruno", "Maya",
        "Thor", "Chispa", "Canela", "Leo", "Zeus",
    ];
    let people = vec![
        "Lucía Fernández",
        "Joaquín Ortega",
        "Margarida Carvalho",
        "Rodrigo Navarro",
        "Inés Mendes",
        "Tomás Ricci",
        "Amélie Girard",
        "Jürgen Schröder",
        "Chiara Esposito",
        "Bram Visser",
        "Agnieszka Zielińska",
        "Sébastien Lefèvre",
        "Gudrun Hoffmann",
        "Wojciech Wiśniewski",
        "Sanne Bakker",
        "Matteo Ricci",
    ];
    let n = pets.len();
    let col = |v: &'static str| vec![v; n];
    let person_in = |cols: &[(&str, Vec<&str>)], column: &str| {
        table_entities(cols)
            .into_iter()
            .find(|(c, _)| c == column)
            .unwrap()
            .1
            .contains(&"PERSON_NAME".to_string())
    };
    for (name, sibling, kind) in [
        ("nombre", "especie", "perro"),
        ("nome", "espécie", "cão"),
        ("nom", "espèce", "chien"),
        ("name", "tierart", "Hund"),
        ("nombre", "categoria_huracan", "3"),
    ] {
        assert!(
            !person_in(&[(name, pets.clone()), (sibling, col(kind))], name),
            "{name} beside {sibling}"
        );
        // The same sibling beside a column named for people by their role.
        assert!(person_in(
            &[("propietario", people.clone()), (sibling, col(kind))],
            "propietario"
        ));
    }
    for (name, sibling, value) in [
        ("nombre", "especialidad", "cardiología"),
        ("nome", "raca_cor", "parda"),
        ("nombre", "raza", "blanca"),
        ("nombre", "poblacion", "Madrid"),
        ("nome", "receita", "1200"),
    ] {
        assert!(
            person_in(&[(name, people.clone()), (sibling, col(value))], name),
            "{name} beside {sibling}"
        );
    }
}

/// A plain `name` column beside columns that say the rows are animals,
/// storms, ships, towns, stations, restaurants, drinks or racehorses names those, however many of its values are also
/// people's names; beside a city or a country, or named for whose it is
/// (`owner_name` beside `species`), it still names people.
#[test]
fn names_of_things_are_told_by_their_sibling_columns() {
    let given = vec![
        "Bella", "Max", "Charlie", "Luna", "Lucy", "Cooper", "Daisy", "Milo", "Bailey", "Sadie",
        "Katrina", "Andrew", "Hugo", "Sandy", "Irma", "Maria",
    ];
    let people = vec![
        "Ana Silva",
        "Tom Becker",
        "Kenji Sato",
        "Lena Fischer",
        "Omar Haddad",
        "Eva Novak",
        "Maria Lopez",
        "John Smith",
        "Chidi Okafor",
        "Wei Zhang",
        "Pierre Dubois",
        "Olga Ivanova",
        "Lars Berg",
        "Rahul Sharma",
        "Ingrid Lund",
        "Sven Holm",
    ];
    let n = given.len();
    let col = |v: &'static str| vec![v; n];
    let person_in = |cols: &[(&str, Vec<&str>)], column: &str| {
        table_entities(cols)
            .into_iter()
            .find(|(c, _)| c == column)
            .unwrap()
            .1
            .contains(&"PERSON_NAME".to_string())
    };
    // Things.
    assert!(!person_in(
        &[
            ("name", given.clone()),
            ("species", col("dog")),
            ("breed", col("beagle"))
        ],
        "name"
    ));
    assert!(!person_in(
        &[
            ("name", given.clone()),
            ("year", col("2005")),
            ("max_wind", col("150"))
        ],
        "name"
    ));
    assert!(!person_in(
        &[
            ("name", given.clone()),
            ("imo_number", col("9074729")),
            ("gross_tonnage", col("90090"))
        ],
        "name"
    ));
    // Towns and stations named after people: a population, a census
    // division, passenger counts.
    let named_after = vec![
        "Victor Hugo",
        "Louis Blanc",
        "Jules Joffrin",
        "Pierre Curie",
        "Emile Zola",
        "Franklin Roosevelt",
        "Marcel Sembat",
        "Jean Jaures",
        "Anna Maria",
        "Port Hope",
        "Grace Kelly",
        "Jasper Johns",
        "Laura Secord",
        "Hugh Keenleyside",
        "Sarah Bernhardt",
        "Simone Veil",
    ];
    assert!(!person_in(
        &[
            ("name", named_after.clone()),
            ("population_2016", col("12000")),
            ("census_div", col("York"))
        ],
        "name"
    ));
    assert!(!person_in(
        &[
            ("name", named_after.clone()),
            ("lines", col("9")),
            ("passengers", col("2158466"))
        ],
        "name"
    ));
    // Restaurants, drinks and racehorses named after people.
    for (sibling, value) in [
        ("cuisine", "italian"),
        ("menu_url", "https://example.org/menu"),
        ("abv", "5.2"),
        ("brewery", "Hoppy Co"),
        ("varietal", "merlot"),
        ("foaled", "2015"),
        ("sire", "Storm Cat"),
        ("typeface", "serif"),
    ] {
        assert!(
            !person_in(
                &[("name", named_after.clone()), (sibling, col(value))],
                "name"
            ),
            "{sibling}"
        );
    }
    // People.
    assert!(person_in(
        &[
            ("name", named_after.clone()),
            ("email", col("info@example.org")),
            ("age", col("41"))
        ],
        "name"
    ));
    assert!(person_in(
        &[
            ("name", people.clone()),
            ("city", col("Lisbon")),
            ("country", col("PT"))
        ],
        "name"
    ));
    assert!(person_in(
        &[("owner_name", people.clone()), ("species", col("dog"))],
        "owner_name"
    ));
    assert!(person_in(
        &[("name", people.clone()), ("plan", col("gold"))],
        "name"
    ));
}

/// A category whose words are also surnames (roof styles: "Gable",
/// "Mansard") repeats a few values over many rows; a column of surnames
/// does not, and a column named for surnames keeps its label either way.
#[test]
fn categories_that_are_also_surnames_are_not_names() {
    let styles = [
        "Gable", "Gable", "Gable", "Hip", "Gable", "Mansard", "Gable", "Gambrel",
    ];
    let surnames = [
        "Dvořák",
        "Kowalczyk",
        "Nováková",
        "Łukasiewicz",
        "Gonçalves",
        "Ibáñez",
        "Sørensen",
        "Öztürk",
        "Přibyl",
        "Štěpánek",
        "Jørgensen",
        "Araújo",
        "Čapek",
        "Ferrández",
        "Hämäläinen",
        "Lindqvist",
        "Mäkinen",
        "Nørgaard",
        "Poláček",
        "Szymański",
    ];
    let roofs: Vec<&str> = (0..400).map(|i| styles[i % styles.len()]).collect();
    let people: Vec<&str> = (0..400)
        .map(|i| surnames[(i * 7) % surnames.len()])
        .collect();
    assert!(!person_in("roof_style", &roofs));
    assert!(person_in("c7", &people));
    assert!(person_in("surname", &roofs));
}

/// The levels of a category are often common English words that are
/// surnames too ("Low", "High", "White", "Good", "Short"). Where every
/// one-word value is such a word and they repeat (or there are many of
/// them), the column is a category, even under a name for people by their
/// role (`defendant`, `supervisor`: the defendant's race, the supervisor's
/// rating); a column of surnames holds Johnsons and Garcías beside its
/// Whites, and a column named for surnames keeps its label.
#[test]
fn levels_of_a_category_that_are_common_words_are_no_names() {
    let cycle = |levels: &[&'static str], n: usize| -> Vec<&'static str> {
        (0..n).map(|i| levels[i % levels.len()]).collect()
    };
    for (column, levels, n) in [
        ("rate", &["Low", "High"][..], 20),
        ("infl", &["Low", "Medium", "High"][..], 72),
        ("defendant", &["Black", "White"][..], 40),
        ("supervisor", &["Good", "Poor"][..], 16),
        ("length", &["Long", "Short"][..], 8),
        ("stature", &["Tall", "Short"][..], 36),
        ("knowledge", &["Good", "Poor"][..], 32),
        // Nine levels, each three times: more than a few, but every one
        // a common word.
        (
            "c3",
            &[
                "Low", "High", "Good", "Short", "Fresh", "Strong", "Light", "Fair", "Fast",
            ][..],
            27,
        ),
    ] {
        assert!(
            !person_in(column, &cycle(levels, n)),
            "{column}: {levels:?}"
        );
    }
    // Surnames, some of them English words.
    let surnames = [
        "Smith",
        "Johnson",
        "White",
        "Garcia",
        "Brown",
        "Nakamura",
        "Kowalski",
        "Black",
        "Okafor",
        "Young",
        "Lindqvist",
        "Moreau",
    ];
    assert!(person_in("c7", &cycle(&surnames, 36)));
    assert!(person_in("defendant", &cycle(&surnames, 36)));
    // A column named for surnames, and winners that repeat.
    assert!(person_in("surname", &cycle(&["Black", "White"], 40)));
    assert!(person_in(
        "winner",
        &cycle(&["Federer", "Nadal", "Djokovic"], 30)
    ));
}

/// A column of request, session, trace or transaction ids holds no national
/// identifiers, though one id in ten passes a short checksum and a column
/// of ids that all pass is possible; the same numbers under a column named
/// for the identifier are found.
#[test]
fn ids_of_requests_and_sessions_are_no_national_identifiers() {
    use crate::common::gen::Gen;
    let mut g = Gen::new(20261207);
    let kinds: [(&str, fn(&mut Gen) -> String); 4] = [
        ("IN_AADHAAR", Gen::aadhaar),
        ("CA_SIN", Gen::sin),
        ("UK_NHS", Gen::nhs),
        ("AU_TFN", Gen::tfn),
    ];
    for (entity, make) in kinds {
        let values: Vec<String> = (0..60).map(|_| make(&mut g)).collect();
        for column in ["request_id", "sessionId", "trace_id", "transaction_id"] {
            assert!(
                !column_entities(column, &values).contains(&entity.to_string()),
                "{entity} under {column}"
            );
        }
        assert!(
            column_entities("national_id", &values).contains(&entity.to_string()),
            "{entity} missed under national_id"
        );
    }
}

/// User names and keys built from people's names ("maria_gonzalez",
/// "olga.petrova", "AnaSouza") name those people, whatever the column is
/// called; snake-case codes and dotted keys of things do not.
#[test]
fn a_column_of_names_written_as_identifiers_holds_names() {
    let logins = [
        "maria_gonzalez",
        "john_smith",
        "wei_zhang",
        "olga_petrova",
        "james_oconnor",
        "fatima_haddad",
        "lucas_moreau",
        "anna_kowalski",
        "david_cohen",
        "sara_lindqvist",
        "peter_schmidt",
        "laura_bianchi",
    ];
    let dotted: Vec<String> = logins.iter().map(|v| v.replace('_', ".")).collect();
    let dotted: Vec<&str> = dotted.iter().map(String::as_str).collect();
    let camel = [
        "MariaGonzalez",
        "JohnSmith",
        "WeiZhang",
        "OlgaPetrova",
        "FatimaHaddad",
        "LucasMoreau",
        "AnnaKowalski",
        "DavidCohen",
        "SaraLindqvist",
        "PeterSchmidt",
        "LauraBianchi",
    ];
    for column in ["username", "login", "c4"] {
        assert!(
            person_in(column, &cycled(&logins, 48)),
            "{column}: snake case"
        );
        assert!(person_in(column, &cycled(&dotted, 48)), "{column}: dotted");
        assert!(
            person_in(column, &cycled(&camel, 48)),
            "{column}: camel case"
        );
    }
    let codes = [
        "order_status",
        "payment_failed",
        "user.created",
        "max_retries",
        "mail.google",
        "new_york",
        "grace_period",
        "PlayStation",
        "JavaScript",
        "first_name",
        "page_view",
        "cart.checkout",
    ];
    assert!(!person_in("event", &cycled(&codes, 48)));
    assert!(!person_in("c4", &cycled(&codes, 48)));
}

/// A column named for a person's role, a family tie, or who did something
/// to the row (`created_by`, `approvedBy`) holds people: a given name or a
/// surname alone counts there as it does under `first_name`. The same
/// names are no label under a name that says nothing, and the role's
/// column holding no names (drive types, product groups) stays unlabelled.
#[test]
fn a_column_named_for_a_role_or_an_actor_holds_single_names() {
    let given = [
        "Margaret", "Thomas", "Aisha", "Giovanni", "Helen", "Rafael", "Ingrid", "Samuel", "Yvonne",
        "Dmitri", "Beatriz", "Oliver", "Fatima", "Henrik", "Lucia", "Patrick",
    ];
    let surnames = [
        "Hamilton",
        "Verstappen",
        "Kowalczyk",
        "Okonkwo",
        "Lindqvist",
        "Fernandes",
        "Nakamura",
        "Schreiber",
        "Gallagher",
        "Moreau",
        "Petrovic",
        "Castellanos",
        "Whitfield",
        "Dubois",
        "Haddad",
        "Sorensen",
    ];
    single_names_found_under(
        &[
            "driver",
            "wife",
            "mother",
            "attorney",
            "photographer",
            "king",
            "created_by",
            "approvedBy",
            "reviewer",
        ],
        &given,
        &surnames,
    );
    assert!(!person_in("c7", &cycled(&given, 48)));
    assert!(!person_in("driver", &cycled(&["Front", "Rear", "4WD"], 48)));
    assert!(!person_in(
        "parent",
        &cycled(&["Electronics", "Garden", "Toys", "Kitchen", "Outdoor"], 48)
    ));
}

/// #28 (column names in other languages): the words for people by their
/// role in Spanish, Portuguese, French, German, Italian, Dutch and Polish
/// (`jugador`, `aluno`, `élève`, `schüler`, `giocatore`, `leerling`,
/// `uczeń`) name columns of single given names as the English words do.
/// The words for a name (`nombre`, `nom`, `nome`, `naam`) are as weak as
/// `name`: a column of things under them is no column of names, nor is one
/// under a name of a thing (`nombre_producto`, `nom_entreprise`, `nazwa`).
#[test]
fn a_column_named_for_a_role_in_another_language_holds_single_names() {
    let given = [
        "Lucía",
        "Joaquín",
        "Margarida",
        "Sébastien",
        "Gudrun",
        "Matteo",
        "Sanne",
        "Wojciech",
        "Ines",
        "Rodrigo",
        "Amélie",
        "Jürgen",
        "Chiara",
        "Bram",
        "Agnieszka",
        "Tomás",
    ];
    let surnames = [
        "Fernández",
        "Gonçalves",
        "Lefèvre",
        "Schröder",
        "Esposito",
        "Bakker",
        "Wiśniewski",
        "Ortega",
        "Carvalho",
        "Girard",
        "Hoffmann",
        "Ricci",
        "Visser",
        "Zieliński",
        "Navarro",
        "Mendes",
    ];
    single_names_found_under(
        &[
            "jugador",
            "alumna",
            "titular",
            "aluno",
            "responsável",
            "joueur",
            "élève",
            "auteur",
            "spieler",
            "schüler",
            "giocatore",
            "speler",
            "leerling",
            "zawodnik",
            "uczeń",
            "nadawca",
        ],
        &given,
        &surnames,
    );
    assert!(!person_in("c7", &cycled(&given, 48)));
    let things = [
        "Tostadora",
        "Licuadora",
        "Cafetera",
        "Batidora",
        "Exprimidor",
        "Freidora",
        "Aspiradora",
        "Plancha",
    ];
    for column in [
        "nombre",
        "nom",
        "nome",
        "naam",
        "nombre_producto",
        "nom_entreprise",
        "nazwa",
    ] {
        assert!(!person_in(column, &cycled(&things, 48)), "{column}");
    }
}

/// #28 (column names in other languages): what a column's name says in
/// Spanish, Portuguese, French, German, Italian, Dutch or Polish counts as
/// it does in English, for the rules that need the column's word: street
/// addresses without a street word (`adres`, `domicilio`, `morada`),
/// coordinates of two decimals (`ubicacion`, `koordinaten`, `posizione`),
/// passport numbers (`paszport`, `passaporte`), and a phone column where
/// under half the values are phones (`telefoon`, `celular`, `movil`). The
/// same values under an opaque name stay unlabelled.
#[test]
fn a_column_named_in_another_language_says_what_it_holds() {
    let streets = [
        "Długa 5",
        "Piotrkowska 104",
        "Nowy Świat 15",
        "Floriańska 3",
        "Mickiewicza 22",
        "Kościuszki 7",
    ];
    let points = [
        "40.42, -3.70",
        "41.39, 2.17",
        "38.72, -9.14",
        "52.52, 13.40",
        "48.86, 2.35",
        "45.46, 9.19",
    ];
    let passports = [
        "C01X00T47",
        "X12345678",
        "A98765432",
        "P45678123",
        "L23456789",
    ];
    let mut phones = vec!["+31 20 123 4567"; 20];
    phones.extend(["intern"; 28]);
    let cases: [(&[&str], &[&str], &str); 4] = [
        (
            &["adres", "domicilio", "morada", "straat"],
            &streets,
            "STREET_ADDRESS",
        ),
        (
            &[
                "ubicacion",
                "localizacao",
                "koordinaten",
                "posizione",
                "lokalizacja",
                "locatie",
            ],
            &points,
            "GEO_COORDINATE",
        ),
        (
            &["paszport", "passaporte", "passaporto", "paspoort"],
            &passports,
            "US_PASSPORT",
        ),
        (&["telefoon", "celular", "movil"], &phones, "PHONE"),
    ];
    for (columns, values, entity) in cases {
        let values = if values.len() < 48 {
            cycled(values, 48)
        } else {
            values.to_vec()
        };
        for column in columns {
            assert_eq!(column_entities(column, &values), [entity], "{column}");
        }
        assert!(
            column_entities("c1", &values).is_empty(),
            "{entity} under c1"
        );
    }
}

/// #28 (phones and ids crossed): a phone column of national numbers
/// written without a trunk prefix or a country code, as Spain, Portugal,
/// Poland, Brazil and Mexico write them (`612 345 678`, `912 34 56 78`,
/// `22 123 45 67`, `11 91234-5678`, `55 1234 5678`, nine bare digits),
/// holds phones, not the Canadian SIN that a tenth of them pass. Without a
/// phone column name the same numbers are no phones (they are also ids).
#[test]
fn national_phone_numbers_without_a_prefix_are_phones_in_a_phone_column() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut digit = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 10) as u32
    };
    let mut numbers = Vec::new();
    for i in 0..60 {
        let d: String = (0..9)
            .map(|_| char::from_digit(digit(), 10).unwrap())
            .collect();
        let lead = ["6", "7", "9", "5", "2"][i % 5];
        let n = format!("{lead}{}", &d[1..]);
        numbers.push(match i % 6 {
            0 => format!("{} {} {}", &n[..3], &n[3..6], &n[6..]),
            1 => format!("{} {} {} {}", &n[..3], &n[3..5], &n[5..7], &n[7..]),
            2 => format!("{}-{}-{}", &n[..3], &n[3..6], &n[6..]),
            3 => format!("{} {} {} {}", &n[..2], &n[2..5], &n[5..7], &n[7..]),
            4 => format!("{}{} 9{}-{}", &lead, &d[..1], &d[1..5], &n[5..]),
            _ => n.clone(),
        });
    }
    for column in ["phone", "telefono", "telefone", "celular", "telefon"] {
        assert_eq!(column_entities(column, &numbers), ["PHONE"], "{column}");
    }
    for column in ["c1", "order_no", "customer_id"] {
        assert!(column_entities(column, &numbers).is_empty(), "{column}");
    }
}

/// #28 (dates of birth): a birth date written as eight digits, as exports
/// and HL7 write them (`19850412`, or `12041985` day or month first), is a
/// date of birth in a column that says birth, as text or as an integer;
/// under any other name eight digits are ids.
#[test]
fn dates_of_birth_written_without_separators() {
    let dates: Vec<String> = (0..48)
        .map(|i| {
            let (y, m, d) = (1940 + i * 13 % 60, 1 + i * 7 % 12, 1 + i * 11 % 28);
            if i % 3 == 2 {
                format!("{d:02}{m:02}{y}")
            } else {
                format!("{y}{m:02}{d:02}")
            }
        })
        .collect();
    for column in ["date_of_birth", "dob", "fecha_nacimiento", "geburtsdatum"] {
        assert_eq!(
            column_entities(column, &dates),
            ["DATE_OF_BIRTH"],
            "{column}"
        );
    }
    for column in ["c1", "order_date", "customer_id"] {
        assert!(column_entities(column, &dates).is_empty(), "{column}");
    }
    let ints: Vec<i64> = dates
        .iter()
        .filter(|d| d.starts_with("19"))
        .map(|d| d.parse().unwrap())
        .collect();
    let batch = |name: &str| {
        RecordBatch::try_from_iter([(name, Arc::new(Int64Array::from(ints.clone())) as ArrayRef)])
            .unwrap()
    };
    assert_eq!(entities_of(&batch("birth_date"))[0].1, ["DATE_OF_BIRTH"]);
    assert!(entities_of(&batch("account_no"))[0].1.is_empty());
}

/// #28 (look-alike numbers, column names in other languages): order,
/// invoice, account and reference numbers shaped like phone numbers are no
/// phones under the words for them in Spanish, Portuguese, French, German,
/// Italian, Dutch and Polish, as under `order_no`; a phone column, and a
/// billing phone (`telefono_facturacion`), keep their label.
#[test]
fn order_and_account_numbers_in_another_language_are_no_phones() {
    let numbers: Vec<String> = (0..48)
        .map(|i| {
            format!(
                "0{}{:02} {:06}",
                2 + i % 8,
                10 + i * 7 % 90,
                100_000 + i * 15_485 % 900_000
            )
        })
        .collect();
    for column in [
        "order_no",
        "numero_pedido",
        "n_commande",
        "bestellnummer",
        "numero_ordine",
        "rechnung_nr",
        "cuenta",
        "konto",
        "referencia",
        "numer_zamowienia",
    ] {
        assert!(column_entities(column, &numbers).is_empty(), "{column}");
    }
    for column in ["phone", "telefono", "telefono_facturacion"] {
        assert_eq!(column_entities(column, &numbers), ["PHONE"], "{column}");
    }
}

/// #28 (look-alike numbers): purchase-order, lot and batch numbers written
/// in a phone's groups (`415 555 2671`, `(415) 555-2671`) are no phones
/// under their columns' names; the same numbers under a phone's name, or a
/// purchaser's, are.
#[test]
fn purchase_order_lot_and_batch_numbers_are_no_phones() {
    let numbers: Vec<String> = (0..60)
        .map(|i| match i % 3 {
            0 => format!("{} 555 {:04}", 201 + i * 7 % 700, 1000 + i * 131 % 9000),
            1 => format!("({}) 555-{:04}", 201 + i * 7 % 700, 1000 + i * 131 % 9000),
            _ => format!("{}-555-{:04}", 201 + i * 7 % 700, 1000 + i * 131 % 9000),
        })
        .collect();
    for column in [
        "po_number",
        "PO No",
        "lot_number",
        "lote",
        "batch",
        "batch_no",
    ] {
        assert!(column_entities(column, &numbers).is_empty(), "{column}");
    }
    for column in ["phone", "purchaser_phone", "c1"] {
        assert_eq!(column_entities(column, &numbers), ["PHONE"], "{column}");
    }
}

/// #28 (column names in other languages): a column named for a full name
/// in Spanish, Portuguese, French, German or Dutch (`nombre_completo`,
/// `nome_completo`, `nom_complet`, `voller_name`, `volledige_naam`) defines
/// its values as `full_name` does: full names whose parts no list holds
/// count there, and not under a plain `nombre` or an opaque name.
#[test]
fn a_column_named_for_a_full_name_in_another_language_defines_it() {
    let names = [
        "Aigerim Seitkali",
        "Tevita Fifita",
        "Kalani Kahale",
        "Bolat Nurlanov",
        "Dilnoza Karimova",
        "Mahlet Tesfaye",
        "Ngozi Okonjo",
    ];
    for column in [
        "full_name",
        "nombre_completo",
        "nome_completo",
        "nom_complet",
        "voller_name",
        "volledige_naam",
    ] {
        assert!(person_in(column, &cycled(&names, 49)), "{column}");
    }
    for column in ["nombre", "c1"] {
        assert!(!person_in(column, &cycled(&names, 49)), "{column}");
    }
}

/// Pets have given names, and names that are common English words
/// ("Shadow", "Bandit", "Peanut"); a `name` column where enough of its
/// one-word values are such words names animals. People's given names,
/// and a column named for a first name, keep their label.
#[test]
fn a_name_column_of_pets_names_no_people() {
    let pets = [
        "Bella", "Max", "Shadow", "Luna", "Bandit", "Charlie", "Cookie", "Daisy", "Peanut",
        "Molly", "Buddy", "Lucy", "Tiger", "Bailey", "Whiskers", "Sadie", "Sophie", "Bear",
        "Chloe", "Mittens", "Jack", "Lola", "Zoe", "Duke", "Ruby",
    ];
    let people = [
        "Bella", "Max", "Noah", "Luna", "Liam", "Charlie", "Olivia", "Daisy", "Ethan", "Molly",
        "Lucas", "Lucy", "Amara", "Bailey", "Mateo", "Sadie", "Sophie", "Aiden", "Chloe", "Yusuf",
        "Jack", "Lola", "Zoe", "Duke", "Ruby",
    ];
    assert!(!person_in("name", &pets));
    assert!(!person_in("pet_name", &pets));
    assert!(person_in("name", &people));
    assert!(person_in("first_name", &pets));
}

/// Names of things in a `name` column share a word that is no name word
/// (the dish, the kind of place: "Margherita Pizza Small", "Baker Street
/// Station", "Hotel Adlon"), however many of their other words are names;
/// people's names share titles and particles at most, and keep their label.
#[test]
fn names_of_things_share_a_word_that_is_no_name() {
    let kinds = [
        "Margherita",
        "Hawaiian",
        "Buffalo Chicken",
        "Veggie",
        "Sicilian",
        "Pepperoni",
    ];
    let sizes = ["Small", "Medium", "Large", "Extra Large"];
    let pizzas: Vec<String> = (0..40)
        .map(|i| format!("{} Pizza {}", kinds[i % 6], sizes[i % 4]))
        .collect();
    let given = [
        "Baker",
        "Victoria",
        "Edgware",
        "Charing",
        "Warren",
        "Russell",
        "Regent",
        "Gloucester",
    ];
    let stations: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "{} {} Station",
                given[i % 8],
                ["Street", "Road", "Cross", "Park", "Square"][i % 5]
            )
        })
        .collect();
    let hotels: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "Hotel {}",
                [
                    "Adlon", "Ritz", "Sacher", "Imperial", "Bristol", "Savoy", "Danieli",
                    "Negresco"
                ][i % 8]
            )
        })
        .collect();
    let firsts = [
        "Ana", "Tom", "Kenji", "Lena", "Omar", "Eva", "Maria", "John", "Chidi", "Wei",
    ];
    let lasts = [
        "Silva", "Becker", "Sato", "Fischer", "Haddad", "Novak", "Lopez", "Smith", "Okafor",
        "Zhang", "Dubois",
    ];
    let doctors: Vec<String> = (0..40)
        .map(|i| format!("Dr. {} {}", firsts[i % 10], lasts[i % 11]))
        .collect();
    let dutch: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "{} van {}",
                firsts[i % 10],
                ["Dijk", "Berg", "Leeuwen", "Dam", "Vliet"][i % 5]
            )
        })
        .collect();
    let juniors: Vec<String> = (0..40)
        .map(|i| format!("{} {} Jr.", firsts[i % 10], lasts[i % 11]))
        .collect();
    let name_of = |v: &[String]| entities_of(&text_column("name", v)).remove(0).1;
    let person = vec!["PERSON_NAME".to_string()];
    assert_eq!(name_of(&pizzas), Vec::<String>::new());
    assert_eq!(name_of(&stations), Vec::<String>::new());
    assert_eq!(name_of(&hotels), Vec::<String>::new());
    assert_eq!(name_of(&doctors), person);
    assert_eq!(name_of(&dutch), person);
    assert_eq!(name_of(&juniors), person);
}

#[test]
fn reports_never_contain_raw_values() {
    let secret = "536-22-8726";
    let a: ArrayRef = Arc::new(StringArray::from(vec![
        secret,
        "078-05-1121",
        "219-09-9998",
    ]));
    let b = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new("ssn", DataType::Utf8, true)])),
        vec![a],
    )
    .unwrap();
    let r = rules();
    let scanner = Scanner::new(r.clone());
    let p = scanner.scan_batch(&b);
    let rep = classify_column(&r, &p[0], &Thresholds::default());
    // The scanner keeps its workers' scratch space (which held the values)
    // between batches; neither prints what it held.
    let mut scratch = piigate::Scratch::default();
    let hints = piigate::ColumnHints::from_column_name(&r, "ssn");
    scanner
        .detector()
        .detect(&format!("ssn {secret}"), &hints, &mut scratch);
    let json = serde_json::to_string(&rep).unwrap()
        + &serde_json::to_string(&p[0]).unwrap()
        + &format!("{:?}", p[0])
        + &format!("{scanner:?}")
        + &format!("{scratch:?}");
    assert!(format!("{scratch:?}").starts_with("Scratch {"));
    assert!(rep.entities.iter().any(|e| e.entity == "US_SSN"));
    // The value in any layout (bare groups like "536" also occur in
    // option values and hashes).
    for shown in [secret, "536-22", "22-8726", "536228726", "536 22 8726"] {
        assert!(!json.contains(shown), "{shown} in {json}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn no_input_string_makes_the_scanner_panic(values in proptest::collection::vec(".{0,80}", 1..20), col in "[a-zA-Z_ .]{0,20}") {
        let a: ArrayRef = Arc::new(StringArray::from(values.iter().map(String::as_str).collect::<Vec<_>>()));
        let b = RecordBatch::try_new(Arc::new(Schema::new(vec![Field::new(col, DataType::Utf8, true)])), vec![a]).unwrap();
        let _ = entities_of(&b);
    }

    #[test]
    fn digit_soup_never_panics(values in proptest::collection::vec("[0-9 +()./:@A-Fa-f-]{0,40}", 1..20)) {
        let a: ArrayRef = Arc::new(StringArray::from(values.iter().map(String::as_str).collect::<Vec<_>>()));
        let b = RecordBatch::try_new(Arc::new(Schema::new(vec![Field::new("x", DataType::Utf8, true)])), vec![a]).unwrap();
        let _ = entities_of(&b);
    }
}

#[test]
fn coordinates_as_text_are_judged_as_numbers() {
    let lat: Vec<Option<&str>> = ["40.712776", "-33.868820", "51.507351", "N/A", "48.856613"]
        .into_iter()
        .map(Some)
        .chain([None])
        .collect();
    let lng = [
        "-74.005974",
        "151.209290",
        "-0.127758",
        "2.352222",
        "139.650311",
        "18.068581",
    ];
    // A column called `long` that holds prose is not a longitude.
    let long = [
        "a long note about shipping",
        "ok",
        "call back",
        "fine",
        "n",
        "m",
    ];
    let batch = RecordBatch::try_from_iter(vec![
        ("lat", Arc::new(StringArray::from(lat)) as ArrayRef),
        ("lng", Arc::new(StringArray::from(lng.to_vec())) as ArrayRef),
        (
            "long",
            Arc::new(StringArray::from(long.to_vec())) as ArrayRef,
        ),
        // Region codes are whole numbers, not positions.
        (
            "latitude_band",
            Arc::new(StringArray::from(vec!["10", "20", "30", "40", "50", "60"])) as ArrayRef,
        ),
    ])
    .unwrap();
    let got = entities_of(&batch);
    assert_eq!(got[0].1, vec!["GEO_COORDINATE"], "{got:?}");
    assert_eq!(got[1].1, vec!["GEO_COORDINATE"], "{got:?}");
    assert!(got[2].1.is_empty(), "{got:?}");
    assert!(got[3].1.is_empty(), "{got:?}");
}

#[test]
fn user_agents_are_not_ip_addresses() {
    let ua = [
        "Mozilla/5.0 (X11; Linux i686; rv:1.9.6.20) Gecko/4224-08-27 Firefox/3.8",
        "Mozilla/5.0 (Windows CE; eu-ES; rv:1.9.0.20) Gecko/5967-08-22 Firefox/3.8",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_6_8; rv:1.9.3.20) Gecko/2439 Firefox/3.8",
        "Opera/9.80 (X11; Linux x86_64) Presto/2.12.388 Version/12.16",
    ];
    let batch = RecordBatch::try_from_iter(vec![(
        "user_agent",
        Arc::new(StringArray::from(ua.to_vec())) as ArrayRef,
    )])
    .unwrap();
    assert!(entities_of(&batch)[0].1.is_empty());
}

/// Version strings in prose are not IP addresses: after a word for a
/// version (directly or across a linking word: "firmware to 4.1.18.109"),
/// or anywhere in a column whose name is for releases and versions unless
/// a word for an address stands by. Addresses in the same kind of prose
/// are still found.
#[test]
fn version_strings_in_prose_are_not_ip_addresses() {
    let notes: Vec<String> = (0..40)
        .map(|i| {
            let v = format!(
                "{}.{}.{}.{}",
                1 + i % 11,
                i % 19,
                (i * 7) % 97,
                (i * 13) % 251
            );
            match i % 5 {
                0 => format!("Upgraded the firmware to {v} last night"),
                1 => format!("The kernel is {v} on every node"),
                2 => format!("Release {v} fixes the login bug"),
                3 => format!("Changelog for {v}: faster start"),
                _ => format!("Build {v} failed on CI, retrying"),
            }
        })
        .collect();
    assert!(entities_of(&text_column("notes", &notes))[0].1.is_empty());
    let shipped: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "Shipped {}.{}.{}.{} with faster start",
                1 + i % 11,
                i % 19,
                i,
                7 * i
            )
        })
        .collect();
    assert!(entities_of(&text_column("release_notes", &shipped))[0]
        .1
        .is_empty());
    let blocked: Vec<String> = (0..40)
        .map(|i| {
            format!(
                "Blocked traffic from {}.{}.{}.{} after the patch",
                11 + i,
                7 * i,
                i,
                3 + i
            )
        })
        .collect();
    assert_eq!(
        entities_of(&text_column("notes", &blocked))[0].1,
        vec!["IP_ADDRESS".to_string()]
    );
}

#[test]
fn a_digit_checksum_in_free_text_needs_context() {
    // 10 of 300 notes hold a number that passes the NHS mod-11 check, as
    // about one 10-digit number in eleven does; only with the word NHS in
    // the note is the column tagged UK_NHS.
    let note = |i: usize, with: &str| {
        if i % 30 == 0 {
            format!("Customer asked about the delivery window {with}943 476 5919 today")
        } else {
            format!("Customer asked about the delivery window for parcel batch number {i}")
        }
    };
    for (with, want) in [("ref ", false), ("NHS number ", true)] {
        let notes: Vec<String> = (0..300).map(|i| note(i, with)).collect();
        let batch = RecordBatch::try_from_iter(vec![(
            "notes",
            Arc::new(StringArray::from(notes)) as ArrayRef,
        )])
        .unwrap();
        let got = &entities_of(&batch)[0].1;
        assert_eq!(got.iter().any(|e| e == "UK_NHS"), want, "{with:?}: {got:?}");
    }
}

/// Birth dates are found under the column names other languages give them,
/// in the day-first layouts those countries write; a date column of another
/// meaning in the same language is not a birth date.
#[test]
fn birth_dates_are_found_under_column_names_in_other_languages() {
    let days = [
        "03/07/1984",
        "21/11/1962",
        "09/02/1990",
        "30/05/1977",
        "14/08/2001",
        "01/12/1958",
    ];
    let dotted: Vec<String> = days.iter().map(|d| d.replace('/', ".")).collect();
    for name in [
        "data_nascimento",
        "dataNascimento",
        "fecha_nacimiento",
        "fecha_de_nacimiento",
        "geburtsdatum",
        "Geburtsdatum",
        "date_de_naissance",
        "data_di_nascita",
        "geboortedatum",
        "geboorte_datum",
        "data_urodzenia",
        "fodelsedatum",
        "födelsedatum",
        "dogum_tarihi",
        "datum_narozeni",
        "szuletesi_datum",
        // Abbreviations of Brazilian and Spanish databases, and more languages.
        "dt_nasc",
        "DT_NASCIMENTO",
        "fec_nac",
        "fecha_nac",
        "fnac",
        "datum_rodjenja",
        "data_nasterii",
        "дата_рождения",
        "ημερομηνία_γέννησης",
        "geboren_am",
        "nato_il",
    ] {
        for values in [
            days.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            dotted.clone(),
        ] {
            let a: ArrayRef = Arc::new(StringArray::from(values.clone()));
            let b = RecordBatch::try_new(
                Arc::new(Schema::new(vec![Field::new(name, DataType::Utf8, true)])),
                vec![a],
            )
            .unwrap();
            assert_eq!(
                entities_of(&b),
                vec![(name.to_string(), vec!["DATE_OF_BIRTH".to_string()])],
                "{name} {values:?}"
            );
        }
    }
    for name in [
        "data_pedido",
        "fecha_envio",
        "lieferdatum",
        "date_commande",
        "dt_cadastro",
        "fec_alta",
    ] {
        let a: ArrayRef = Arc::new(StringArray::from(days.to_vec()));
        let b = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new(name, DataType::Utf8, true)])),
            vec![a],
        )
        .unwrap();
        let found = entities_of(&b);
        assert!(
            !found[0].1.contains(&"DATE_OF_BIRTH".to_string()),
            "{name}: {found:?}"
        );
    }
}

/// Deterministic identifiers of several countries, each valid for its issuer.
pub(crate) struct Ids(pub(crate) u64);

impl Ids {
    pub(crate) fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
    fn ssn(&mut self) -> String {
        let area = 100 + self.next(565);
        let area = if area == 666 { 667 } else { area };
        format!(
            "{area:03}-{:02}-{:04}",
            1 + self.next(99),
            1 + self.next(9999)
        )
    }
    fn nino(&mut self) -> String {
        const FIRST: &[u8] = b"ABCEHJKLMPRSWXY";
        const SECOND: &[u8] = b"ABCEHJLMPRSWXY";
        let a = FIRST[self.next(FIRST.len() as u64) as usize] as char;
        let b = SECOND[self.next(SECOND.len() as u64) as usize] as char;
        let d = format!("{:06}", self.next(1_000_000));
        let s = ['A', 'B', 'C', 'D'][self.next(4) as usize];
        if self.next(2) == 0 {
            format!("{a}{b} {} {} {} {s}", &d[..2], &d[2..4], &d[4..])
        } else {
            format!("{a}{b}{d}{s}")
        }
    }
    fn dni(&mut self) -> String {
        let n = 10_000_000 + self.next(89_999_999);
        format!(
            "{n}{}",
            b"TRWAGMYFPDXBNJZSQVHLCKE"[(n % 23) as usize] as char
        )
    }
    fn cpf(&mut self) -> String {
        let mut d: Vec<u32> = (0..9).map(|_| self.next(10) as u32).collect();
        for len in [9usize, 10] {
            let sum: u32 = d
                .iter()
                .enumerate()
                .map(|(i, &x)| x * (len as u32 + 1 - i as u32))
                .sum();
            d.push((sum * 10) % 11 % 10);
        }
        let s: String = d.iter().map(|x| char::from(b'0' + *x as u8)).collect();
        format!("{}.{}.{}-{}", &s[..3], &s[3..6], &s[6..9], &s[9..])
    }
    /// A UK NHS number (mod 11) in its printed 3-3-4 form.
    pub(crate) fn nhs(&mut self) -> String {
        loop {
            let d: Vec<u64> = (0..9).map(|_| self.next(10)).collect();
            let sum: u64 = d.iter().enumerate().map(|(i, x)| x * (10 - i as u64)).sum();
            let check = (11 - sum % 11) % 11;
            if check == 10 {
                continue;
            }
            let s: String = d
                .iter()
                .chain([&check])
                .map(|x| char::from(b'0' + *x as u8))
                .collect();
            return format!("{} {} {}", &s[..3], &s[3..6], &s[6..]);
        }
    }
    fn pesel(&mut self) -> String {
        let mut d: Vec<u32> = format!(
            "{:02}{:02}{:02}{:04}",
            self.next(100),
            1 + self.next(12),
            1 + self.next(28),
            self.next(10_000)
        )
        .bytes()
        .map(|b| (b - b'0') as u32)
        .collect();
        let w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
        let sum: u32 = d.iter().zip(w).map(|(a, b)| a * b).sum();
        d.push((10 - sum % 10) % 10);
        d.iter().map(|x| char::from(b'0' + *x as u8)).collect()
    }
}

/// A German IBAN (mod 97 check digits) from an 18-digit account number.
fn de_iban(bban: u64) -> String {
    let bban = format!("{bban:018}");
    // BBAN, then "DE" as 13 14, then "00"; the check makes it 1 mod 97.
    let rem = format!("{bban}131400")
        .bytes()
        .fold(0u64, |r, b| (r * 10 + (b - b'0') as u64) % 97);
    format!("DE{:02}{bban}", 98 - rem)
}

#[test]
fn an_entity_with_a_strong_check_in_a_quarter_of_a_columns_rows_is_reported() {
    // Payment memos: an IBAN, a name and a street in some, short words in
    // the rest. Random values pass an IBAN's mod 97 (or a card's Luhn sum
    // and issuer) far less often than a quarter of the time.
    let column =
        |name: &str, values: Vec<String>| entities_of(&text_column(name, &values)).remove(0).1;
    let short = ["gift", "school fees", "transfer 8812", "rent May", "refund"];
    let memos = |per_mille: u64| -> Vec<String> {
        (0..1000u64)
            .map(|i| {
                if (i * 389) % 1000 < per_mille {
                    format!(
                        "Rent to Anna Schmidt {} Hauptstrasse 5",
                        de_iban(370_400_440_532_013_000 + i * 7919)
                    )
                } else {
                    short[i as usize % short.len()].to_string()
                }
            })
            .collect()
    };
    for (share, reported) in [(300, true), (450, true), (150, false)] {
        let found = column("memo", memos(share));
        assert_eq!(
            found.iter().any(|e| e == "IBAN"),
            reported,
            "IBANs in {share}\u{2030} of the memos: {found:?}"
        );
    }
    // Order numbers of 16 digits: some pass a card's checks by chance,
    // far fewer than a quarter.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let orders: Vec<String> = (0..1000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            format!("{:016}", 4_000_000_000_000_000 + x % 1_000_000_000_000_000)
        })
        .collect();
    let found = column("order_ref", orders);
    assert!(!found.iter().any(|e| e == "CREDIT_CARD"), "{found:?}");
}

#[test]
fn every_identifier_that_fills_a_fair_share_of_a_column_is_reported() {
    type Gen = fn(&mut Ids) -> String;
    let kinds: [(&str, Gen); 5] = [
        ("US_SSN", Ids::ssn),
        ("UK_NINO", Ids::nino),
        ("ES_NIF", Ids::dni),
        ("BR_CPF", Ids::cpf),
        ("PL_PESEL", Ids::pesel),
    ];
    // (column name, share of each kind in ‰, in the order of `kinds`).
    let cases: [(&str, [u32; 5]); 7] = [
        ("national_id", [540, 280, 180, 0, 0]),
        ("tax_ref", [400, 400, 0, 0, 200]),
        ("employee_national_id", [0, 300, 350, 0, 350]),
        ("customerIdNumber", [250, 0, 250, 500, 0]),
        ("government_id", [700, 150, 0, 0, 150]),
        ("personal_number", [0, 0, 120, 760, 120]),
        // No name to go by: the checksummed kinds still show themselves;
        // a NINO has no checksum and needs a name.
        ("ref", [450, 250, 300, 0, 0]),
    ];
    let mut ids = Ids(7);
    for (name, shares) in cases {
        let mut values = Vec::new();
        for (k, &share) in shares.iter().enumerate() {
            for _ in 0..share {
                values.push(Some(kinds[k].1(&mut ids)));
            }
        }
        values.extend((0..50).map(|_| None::<String>));
        // Interleave, as rows of a real table are.
        let n = values.len();
        let values: Vec<Option<String>> = (0..n).map(|i| values[(i * 389) % n].clone()).collect();
        let a: ArrayRef = Arc::new(StringArray::from(values));
        let b = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new(name, DataType::Utf8, true)])),
            vec![a],
        )
        .unwrap();
        let r = rules();
        let p = &Scanner::new(r.clone()).scan_batch(&b)[0];
        let rep = classify_column(&r, p, &Thresholds::default());
        let found: std::collections::BTreeMap<&str, f64> = rep
            .entities
            .iter()
            .map(|e| (e.entity.as_str(), e.match_ratio))
            .collect();
        let hinted = name != "ref";
        for (k, &share) in shares.iter().enumerate() {
            let label = kinds[k].0;
            let expected = share > 0 && (hinted || label != "UK_NINO");
            assert_eq!(
                found.contains_key(label),
                expected,
                "{name}: {label} at {share}‰, found {found:?}"
            );
            if let Some(ratio) = found.get(label) {
                assert!(
                    (ratio - share as f64 / 1000.0).abs() < 0.03,
                    "{name}: {label} ratio {ratio} for {share}‰"
                );
            }
        }
    }
}

#[test]
fn a_stray_look_alike_does_not_add_an_identifier_to_a_column() {
    // 95% SSNs and a few eight-digit numbers with a letter whose letter is
    // wrong (not DNIs): only US_SSN.
    let mut ids = Ids(11);
    let mut values: Vec<String> = (0..950).map(|_| ids.ssn()).collect();
    values.extend((0..50).map(|_| {
        let d = ids.dni();
        let last = d.chars().last().unwrap();
        format!("{}{}", &d[..8], if last == 'A' { 'B' } else { 'A' })
    }));
    assert_eq!(
        entities_of(&text_column("national_id", &values)),
        vec![("national_id".to_string(), vec!["US_SSN".to_string()])]
    );
}

#[test]
fn coordinates_of_any_precision_are_found_in_coordinate_columns() {
    // One decimal (a survey grid), whole degrees (an old map), five
    // decimals; as floats, integers and text.
    let one: Vec<f64> = vec![-94.5, -93.0, -95.2, -92.8, -94.1, -93.7];
    let one_lat: Vec<f64> = vec![46.1, 46.6, 45.9, 47.2, 46.0, 45.5];
    let whole: Vec<i64> = vec![55, 54, 54, 55, 53, 54];
    let fine = [
        "27.50000",
        "-79.00000",
        "27.41234",
        "26.95110",
        "28.00000",
        "27.25000",
    ];
    let batch = RecordBatch::try_from_iter(vec![
        ("longitude", Arc::new(Float64Array::from(one)) as ArrayRef),
        (
            "start_lat",
            Arc::new(Float64Array::from(one_lat)) as ArrayRef,
        ),
        ("lat", Arc::new(Int64Array::from(whole.clone())) as ArrayRef),
        (
            "geo.lng",
            Arc::new(StringArray::from(fine.to_vec())) as ArrayRef,
        ),
        // Degrees, minutes and seconds; a unit after the axis; the axis
        // in another language.
        (
            "lat_dms",
            Arc::new(StringArray::from(vec![
                "40°26′46″N",
                "41°02'10\"N",
                "39° 58' S",
                "40°N",
                "42°15′N",
                "38°59′59″S",
            ])) as ArrayRef,
        ),
        (
            "lon_deg",
            Arc::new(Float64Array::from(vec![
                -73.9, -74.0, -72.5, -75.1, -73.0, -71.8,
            ])) as ArrayRef,
        ),
        (
            "breitengrad",
            Arc::new(StringArray::from(vec![
                "52,52", "48.14", "53.55", "50.94", "51.23", "48.78",
            ])) as ArrayRef,
        ),
        // The axis is not the head of the name: codes and counts.
        (
            "lat_zone",
            Arc::new(Int64Array::from(whole.clone())) as ArrayRef,
        ),
        (
            "longitude_bucket",
            Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0])) as ArrayRef,
        ),
        // Out of range for a latitude.
        (
            "latitude",
            Arc::new(Float64Array::from(vec![
                120.5, 300.0, 95.2, 181.0, 99.9, 250.0,
            ])) as ArrayRef,
        ),
    ])
    .unwrap();
    let got = entities_of(&batch);
    for (name, found) in &got[..7] {
        assert_eq!(
            found,
            &vec!["GEO_COORDINATE".to_string()],
            "{name}: {got:?}"
        );
    }
    for (name, found) in &got[7..] {
        assert!(found.is_empty(), "{name}: {got:?}");
    }
}

/// #28: points written as Well-Known Text (a geometry column exported from
/// PostGIS, a shapefile or a data portal), whatever the column is called;
/// projected points in metres and toy geometries are not positions in
/// degrees, and a line is not a point.
#[test]
fn points_written_as_well_known_text_are_coordinates() {
    let points = [
        "POINT(-0.1276 51.5072)",
        "POINT (2.29450 48.85840)",
        "SRID=4326;POINT(-73.98570 40.74840)",
        "POINT Z (13.4050 52.5200 34.0)",
        "point(151.2093 -33.8688)",
        "POINT(-122.41940 37.77490)",
        "POINT(139.6917 35.6895)",
        "POINT(-43.1729 -22.9068)",
    ];
    for col in ["geom", "the_geom", "c12", "shape"] {
        assert_eq!(
            entities_of(&text_column(col, &points))[0].1,
            vec!["GEO_COORDINATE"],
            "{col}"
        );
    }
    let notes: Vec<String> = points
        .iter()
        .map(|p| format!("Driver reported the pickup at {p} after the call"))
        .collect();
    assert_eq!(
        entities_of(&text_column("notes", &notes))[0].1,
        vec!["GEO_COORDINATE"]
    );
    let not_positions = [
        "POINT (30 10)",
        "POINT (10 40)",
        "POINT(-8238310.12 4970071.55)",
        "POINT(500123.50 4649776.25)",
        "LINESTRING (30.1234 10.5678, 10.1234 30.5678)",
        "POINT(400.1234 10.5678)",
        "POINT (2.5 48.1)",
        "POINT EMPTY",
    ];
    assert!(entities_of(&text_column("geom", &not_positions))[0]
        .1
        .is_empty());
}

/// #28: positions stored as whole numbers in a scaled unit (degrees × 10⁷
/// as `latitudeE7`, Garmin's semicircles) in a column named for positions
/// beyond doubt; and columns named for an axis that measure positions
/// rather than hold them (a difference, an error, a speed) are not
/// coordinates. A bare `long` of large counts is not a longitude.
#[test]
fn scaled_positions_and_measures_of_positions() {
    let semicircles: Vec<i64> = vec![
        -138827872,
        -138827680,
        1992059008,
        1992058816,
        612_384_000,
        -612_384_000,
    ];
    let e7_lat: Vec<i64> = vec![
        407_127_753,
        515_073_509,
        -338_688_197,
        488_566_140,
        356_761_919,
        -229_068_000,
    ];
    let e7_lon: Vec<i64> = vec![
        -740_059_728,
        -1_275_898,
        1_512_092_960,
        23_522_219,
        1_396_503_330,
        -432_090_000,
    ];
    let small: Vec<f64> = vec![-0.915, 0.143, -0.867, 0.128, 0.51, -0.22];
    let batch = RecordBatch::try_from_iter(vec![
        (
            "position_lat",
            Arc::new(Int64Array::from(semicircles.clone())) as ArrayRef,
        ),
        ("latitudeE7", Arc::new(Int64Array::from(e7_lat)) as ArrayRef),
        (
            "longitude_e7",
            Arc::new(StringArray::from(
                e7_lon.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
            )) as ArrayRef,
        ),
        // Not positions.
        (
            "delta_long",
            Arc::new(Float64Array::from(small.clone())) as ArrayRef,
        ),
        (
            "lat_error",
            Arc::new(Float64Array::from(small.clone())) as ArrayRef,
        ),
        (
            "speed_lon",
            Arc::new(Float64Array::from(small.clone())) as ArrayRef,
        ),
        ("lon_sd", Arc::new(Float64Array::from(small)) as ArrayRef),
        (
            "long",
            Arc::new(Int64Array::from(vec![
                15_250, 98_112, 230_004, 77_310, 1_204_559, 44_018,
            ])) as ArrayRef,
        ),
        // Past even the widest scaled unit.
        (
            "position_long",
            Arc::new(Int64Array::from(vec![
                9_000_000_000i64,
                -9_100_000_000,
                9_200_000_000,
                9_300_000_000,
                -9_400_000_000,
                9_500_000_000,
            ])) as ArrayRef,
        ),
    ])
    .unwrap();
    let got = entities_of(&batch);
    for (name, found) in &got[..3] {
        assert_eq!(
            found,
            &vec!["GEO_COORDINATE".to_string()],
            "{name}: {got:?}"
        );
    }
    for (name, found) in &got[3..] {
        assert!(found.is_empty(), "{name}: {got:?}");
    }
}

#[test]
fn names_of_places_and_organisations_in_a_name_column_are_not_people() {
    let things: [&[&str]; 3] = [
        // Facilities named for places (and for people: "Dalton Memorial").
        &[
            "Carson County",
            "Bradford Regional",
            "Lincoln Municipal",
            "Dalton Memorial Airport",
            "Austin Intl",
            "Marion Heights",
            "Warren Township",
            "Grant Valley Hospital",
        ],
        // States, provinces and countries, alone.
        &[
            "Kentucky", "Ontario", "Bavaria", "Kenya", "Tasmania", "Oregon", "Alberta", "Jalisco",
        ],
        // Organisations.
        &[
            "Harper Holdings",
            "Morgan Ltd",
            "Stanley GmbH",
            "Preston Airways",
            "Watson Inc",
            "Kelly College",
            "Gordon University",
            "Hughes Corp",
        ],
    ];
    for values in things {
        let found = entities_of(&text_column("name", values));
        assert!(found[0].1.is_empty(), "{values:?}: {found:?}");
    }
    // People, also those whose names are places, stay people; in a column
    // named for a name a place word alone is a name too.
    let people = [
        "Georgia Whitfield",
        "Jordan Akers",
        "Victoria Lindqvist",
        "Chad Ostrowski",
        "Paris Holloway",
        "Austin Mendez",
    ];
    assert_eq!(
        entities_of(&text_column("name", &people))[0].1,
        vec!["PERSON_NAME"]
    );
    assert_eq!(
        entities_of(&text_column(
            "first_name",
            &["Georgia", "Jordan", "Victoria", "Chad", "Paris", "Florence"]
        ))[0]
            .1,
        vec!["PERSON_NAME"]
    );
}

/// #28: long names of things — facilities named after people, titles —
/// are judged whole, not as running text where any name pair counts: a
/// name column of them is not people. Prose that mentions a person still is.
#[test]
fn long_names_of_things_named_after_people_are_not_people() {
    let facilities = [
        "Ted Stevens Anchorage International Airport",
        "Ronald Reagan Washington National Airport",
        "Thomas Jefferson University Hospital",
        "Martin Luther King Jr Memorial Library",
        "Harold Washington College Campus",
        "Walter Reed National Military Medical Center",
        "Orchard Valley Regional Airport",
        "Lake Placid Municipal Airport",
        "Bismarck Municipal Airport (North Field)",
        "Greenville Downtown Airport",
        "Mount Sinai Beth Israel Hospital",
        "Edward Burnell Sr Memorial Airport",
    ];
    let found = entities_of(&text_column("name", &facilities));
    assert!(found[0].1.is_empty(), "{found:?}");
    // A pair beside a capitalised word that names no place is a person.
    let notes = [
        "called back, spoke with Maria Lopez about the refund",
        "ticket reassigned to David Chen after review",
        "left a message for Susan Miller Tuesday",
        "meeting moved; John Smith Jr will attend",
    ];
    let found = entities_of(&text_column("notes", &notes));
    assert_eq!(found[0].1, vec!["PERSON_NAME"], "{found:?}");
}

#[test]
fn version_numbers_in_text_are_not_ip_addresses() {
    let releases: Vec<String> = (0..200)
        .map(|i| match i % 5 {
            0 => format!(
                "Released version {}.{}.{}.{} to all tenants",
                i % 9,
                i % 13,
                i,
                50 + i % 7
            ),
            1 => format!(
                "firmware: {}.{}.{}.{} fixes the boot loop",
                4,
                i % 12,
                18 + i % 3,
                i
            ),
            2 => format!("Build {}.{}.{}.{} is signed", 1 + i % 5, i % 10, i % 31, i),
            3 => format!(
                "Kernel {}.{}.{}.{} panics on resume",
                5,
                i % 15,
                i % 40,
                100 + i % 50
            ),
            _ => format!(
                "Rolled back to release {}.{}.{}.{} after the incident",
                2,
                i % 7,
                i % 3,
                i
            ),
        })
        .collect();
    let found = entities_of(&text_column("notes", &releases));
    assert!(found[0].1.is_empty(), "{found:?}");
    // Addresses in the same kind of text are still found.
    let logins: Vec<String> = (0..200)
        .map(|i| match i % 2 {
            0 => format!(
                "Login from 203.0.113.{} failed for the admin account",
                i % 250
            ),
            _ => format!(
                "Upgraded the agent, then connected to 198.51.100.{} again",
                i % 250
            ),
        })
        .collect();
    assert_eq!(
        entities_of(&text_column("events", &logins))[0].1,
        vec!["IP_ADDRESS"]
    );
}

#[test]
fn phone_numbers_after_a_phone_word_are_not_ssns() {
    // National numbers in ddd dd dddd groups that pass the SSA rules.
    let calls: Vec<String> = (0..200)
        .map(|i| {
            let n = format!(
                "{} {:02} {:04}",
                201 + i % 400,
                10 + i % 89,
                1000 + i * 37 % 9000
            );
            match i % 4 {
                0 => format!("Customer asked for a callback, tel. {n}"),
                1 => format!("Phone: {n} (office hours only)"),
                2 => format!("Left a message, call {n} after six"),
                _ => format!("Fax {n} for the signed form"),
            }
        })
        .collect();
    let found = entities_of(&text_column("notes", &calls));
    assert!(!found[0].1.contains(&"US_SSN".to_string()), "{found:?}");
    // The same numbers named as SSNs are SSNs.
    let ssns: Vec<String> = (0..200)
        .map(|i| {
            format!(
                "Verified SSN {} {:02} {:04} against the form",
                201 + i % 400,
                10 + i % 89,
                1000 + i * 37 % 9000
            )
        })
        .collect();
    assert!(entities_of(&text_column("notes", &ssns))[0]
        .1
        .contains(&"US_SSN".to_string()));
}

/// #28, names missed: initials, forms of address, people named by their
/// role, and surnames alone behind a column name that says nothing.
#[test]
fn names_with_initials_titles_roles_and_lone_surnames_are_found() {
    let person = |col: &str, values: &[&str]| {
        let found = entities_of(&text_column(col, values));
        assert_eq!(found[0].1, vec!["PERSON_NAME"], "{col}: {values:?}");
    };
    let nothing = |col: &str, values: &[&str]| {
        let found = entities_of(&text_column(col, values));
        assert!(found[0].1.is_empty(), "{col}: {values:?}: {found:?}");
    };
    // Initials with a surname, and forms of address, under opaque names.
    person(
        "c3",
        &[
            "J. Smith",
            "A. B. Jones",
            "R. Feynman",
            "K. Adams",
            "Moore, T.",
            "E. M. Forster",
            "P. Walsh",
            "D. Hughes",
        ],
    );
    // The surname first, as score sheets and reference lists write it.
    person(
        "c5",
        &[
            "Smith J.",
            "Jones A. B.",
            "Feynman R.",
            "Adams K.",
            "Moore T.",
            "Forster E. M.",
            "Walsh P.",
            "Hughes D.",
        ],
    );
    nothing(
        "c5",
        &[
            "Vitamin C.",
            "Plan B.",
            "Type A.",
            "Group B.",
            "Section D.",
            "Hepatitis B.",
            "Appendix C.",
            "Exhibit A.",
        ],
    );
    person(
        "field_7",
        &[
            "Dr B. Smith",
            "Prof. Maria Keller",
            "Mrs E. Clarke",
            "Herr Weber",
            "Sra. Ana Souza",
            "Mr Patel",
            "Dr. Nowak",
            "Prof Jensen",
        ],
    );
    // Single names in a column named for a person's role.
    person(
        "performer",
        &[
            "Madonna", "Adele", "Cher", "Drake", "Shakira", "Beyoncé", "Rihanna", "Usher",
        ],
    );
    person(
        "author",
        &[
            "Tolstoy",
            "Austen",
            "Dickens",
            "Hemingway",
            "Orwell",
            "Woolf",
            "Twain",
            "Bronte",
        ],
    );
    // Surnames alone in a column named for who won, led or judged.
    person(
        "winner",
        &[
            "Joly", "Bergeron", "Coderre", "Joly", "Tremblay", "Bergeron", "Gagnon", "Joly",
        ],
    );
    person(
        "mayor",
        &[
            "Bloomberg",
            "Koch",
            "Dinkins",
            "Giuliani",
            "Adams",
            "Lindsay",
            "Beame",
            "Wagner",
        ],
    );
    person(
        "champion",
        &[
            "Federer", "Nadal", "Djokovic", "Murray", "Sampras", "Agassi", "Becker", "Edberg",
        ],
    );
    // Surnames alone, with and without diacritics, in an opaque column.
    person(
        "c7",
        &[
            "Dvořák",
            "Wiśniewska",
            "Nováková",
            "Sørensen",
            "Kowalczyk",
            "Müller",
            "Fernández",
            "Jørgensen",
            "Håkansson",
            "Papadopoulos",
        ],
    );
    // The same in plain ASCII: one word that is only ever a surname.
    person(
        "rowname",
        &[
            "Kowalczyk",
            "Gonzalez",
            "Nguyen",
            "Yamamoto",
            "Schneider",
            "Kaminski",
            "Okafor",
            "Cardenas",
            "Lindqvist",
            "Abernathy",
        ],
    );
    // A given name and a surname particle before a capitalised word,
    // whether or not the surname is in a list.
    person(
        "c9",
        &[
            "Ludwig van Beethoven",
            "Leonardo da Vinci",
            "Charles de Gaulle",
            "Vincent Van Gogh",
            "Ursula von der Leyen",
            "Oscar de la Hoya",
            "Otto von Bismarck",
            "Giovanni di Lorenzo",
            "Johan ten Hoeve",
            "Karin af Klintberg",
        ],
    );
    // A surname and a nationality, as results tables write athletes,
    // whether or not the surname is in a list.
    person(
        "c10",
        &[
            "Kipchoge (KEN)",
            "Dibaba (ETH)",
            "Wlodarczyk (POL)",
            "Ingebrigtsen (NOR)",
            "Duplantis (SWE)",
            "Thiam (BEL)",
            "Warholm (NOR)",
            "Kosgei (KEN)",
            "Lavillenie (FRA)",
            "Ennis-Hill (GBR)",
        ],
    );
    // Places and tickers in the same form are not.
    nothing(
        "c11",
        &[
            "Nairobi (KEN)",
            "Oslo (NOR)",
            "Lyon (FRA)",
            "Krakow (POL)",
            "Apple (AAPL)",
            "Nvidia (NVDA)",
            "Cisco (CSCO)",
            "Intel (INTC)",
        ],
    );
    // Not names: one capital with a word that is no surname, initials
    // alone, words in capitals, given names alone (pets, flowers), and
    // surname-like words under a column named for a thing.
    nothing(
        "c1",
        &[
            "A Team", "B Side", "C Level", "X Ray", "J. K.", "U. S.", "Q Branch", "Z Axis",
        ],
    );
    nothing(
        "code",
        &[
            "SMITH", "JONES", "MILLER", "TAYLOR", "BROWN", "WILSON", "MOORE", "CLARK",
        ],
    );
    nothing(
        "c2",
        &[
            "Bella", "Max", "Daisy", "Rose", "Lily", "Charlie", "Lucy", "Molly",
        ],
    );
    nothing(
        "species",
        &[
            "Dvořák",
            "Kowalczyk",
            "Nováková",
            "Sørensen",
            "Müller",
            "Fernández",
        ],
    );
    // Places whose names hold a particle.
    nothing(
        "c6",
        &[
            "Rio de Janeiro",
            "Santiago de Compostela",
            "Frankfurt am Main",
            "Marina del Rey",
            "Ciudad de Mexico",
            "Stratford upon Avon",
            "Hotel de Ville",
            "Costa del Sol",
        ],
    );
    // One word each, with surnames among them, that name towns or makes.
    nothing(
        "c4",
        &[
            "Bath",
            "Springfield",
            "Lincoln",
            "Houston",
            "Jackson",
            "Chester",
            "Preston",
            "Dudley",
        ],
    );
    nothing(
        "c5",
        &[
            "Toyota",
            "Honda",
            "Ford",
            "Chevrolet",
            "Nissan",
            "Subaru",
            "Mazda",
            "Lexus",
        ],
    );
    nothing(
        "storm",
        &[
            "Katrina", "Sandy", "Harvey", "Andrew", "Irma", "Maria", "Wilma", "Ike",
        ],
    );
    // Makers named after their founders, under a name for makers.
    for col in ["mfr_name", "make", "manufacturer"] {
        nothing(
            col,
            &[
                "Mercedes-Benz",
                "Porsche",
                "Ferrari",
                "Ford",
                "Honda",
                "Maserati",
                "Lotus",
                "Chrysler",
            ],
        );
    }
}

/// #28, single-word names under a column name that says nothing: in a
/// table where another column names people by their role (`winner`,
/// `first_name`), a column of single given names (`eliminated`, `bottom`)
/// holds people; the same values with no such column beside them, or in a
/// column of dogs or flowers, do not.
#[test]
fn given_names_alone_are_people_beside_a_column_of_people() {
    let given = vec![
        "Olivia", "Marcus", "Elena", "Samuel", "Grace", "Daniel", "Fatima", "Lucas", "Hannah",
        "Oscar", "Nadia", "Victor", "Olivia", "Marcus", "Elena", "Samuel",
    ];
    let full = vec![
        "Maria Gonzalez",
        "Thomas Becker",
        "Aisha Bello",
        "Daniel Kowalski",
        "Sofia Rossi",
        "Kevin Walsh",
        "Hannah Schmidt",
        "Luis Moreno",
        "Grace Mitchell",
        "Peter Lindqvist",
        "Emma Larsen",
        "Noah Fischer",
        "Chloe Martin",
        "Ivan Petrov",
        "Lena Vogel",
        "Omar Haddad",
    ];
    let episodes: Vec<&str> = (0..16)
        .map(|i| ["S01E01", "S01E02", "S02E01", "S02E02"][i % 4])
        .collect();
    let of = |t: &[(String, Vec<String>)], col: &str| {
        t.iter().find(|(c, _)| c == col).unwrap().1.clone()
    };
    for role in ["winner", "first_name", "contestant"] {
        let t = table_entities(&[
            ("episode", episodes.clone()),
            (role, full.clone()),
            ("eliminated", given.clone()),
        ]);
        assert_eq!(of(&t, "eliminated"), ["PERSON_NAME"], "beside {role}");
    }
    // No column names people: a given name alone is no name.
    let t = table_entities(&[("episode", episodes.clone()), ("eliminated", given.clone())]);
    assert!(of(&t, "eliminated").is_empty());
    // A plain `name` column is no role: products and places have names.
    let t = table_entities(&[("name", full.clone()), ("eliminated", given.clone())]);
    assert!(of(&t, "eliminated").is_empty());
    // Dogs beside their owners are not people.
    let dogs = vec![
        "Bella", "Max", "Charlie", "Luna", "Lucy", "Cooper", "Daisy", "Milo", "Bailey", "Sadie",
        "Rocky", "Molly", "Bella", "Max", "Charlie", "Luna",
    ];
    let t = table_entities(&[("owner", full.clone()), ("dog", dogs.clone())]);
    assert_eq!(of(&t, "owner"), ["PERSON_NAME"]);
    assert!(of(&t, "dog").is_empty());
}

/// #28, stage names and single names in a column named for people by
/// their role: one capitalised word that no list holds is a name there
/// ("Ronaldinho", "Shakira"), unless it is an English word or built like
/// one ("Goalkeeper", "Draw", "Midfielder").
#[test]
fn single_names_in_a_column_named_for_a_role_are_people() {
    let found = |col: &str, values: &[&str]| column_entities(col, &cycled(values, 96));
    // Made-up stage names, in no list, and real single names.
    let single = [
        "Zandorra",
        "Miraxa",
        "Velvetta",
        "Kovalinka",
        "Trixana",
        "Lumidra",
        "Ozzarine",
        "Sablette",
        "Vondrea",
        "Jinxora",
        "Glamaris",
        "Ronaldinho",
        "Garrincha",
        "Lizzo",
    ];
    for col in ["performer", "player", "contestant", "artist"] {
        assert_eq!(found(col, &single), ["PERSON_NAME"], "{col}");
    }
    let positions = [
        "Goalkeeper",
        "Defender",
        "Midfielder",
        "Forward",
        "Striker",
        "Sweeper",
    ];
    assert!(found("player_position", &positions).is_empty());
    let results = ["Home", "Away", "Draw", "Forfeit", "Abandoned", "Postponed"];
    assert!(found("winner", &results).is_empty());
}

/// #28, names of things: a column named for counties, districts, parks,
/// hotels or clubs holds their names, many of which are surnames (counties
/// named after people), not people; full names of people filed under such
/// a heading (a misnamed column) are still found.
#[test]
fn columns_named_for_places_and_institutions_hold_no_people_unless_full_names() {
    let found = |col: &str, values: &[&str]| column_entities(col, &cycled(values, 64));
    let surnames = [
        "JACKSON",
        "LINCOLN",
        "DOUGLAS",
        "WASHINGTON",
        "MARSHALL",
        "STEVENS",
        "MORRISON",
        "FILLMORE",
        "HAMILTON",
        "MONROE",
        "GRANT",
        "CLAY",
    ];
    for col in [
        "county_name",
        "county",
        "district_name",
        "borough",
        "province_name",
    ] {
        assert!(found(col, &surnames).is_empty(), "{col}");
    }
    let named = [
        "Hamilton",
        "Wellington",
        "Cooper",
        "Marriott",
        "Hilton",
        "Wyndham",
        "Forbes",
        "Russell",
        "Carlton",
        "Savoy",
        "Lowell",
        "Beaumont",
    ];
    for col in [
        "hotel_name",
        "club_name",
        "park_name",
        "church",
        "agency_name",
    ] {
        assert!(found(col, &named).is_empty(), "{col}");
    }
    let people = [
        "Maria Gonzalez",
        "Thomas Becker",
        "Aisha Bello",
        "Daniel Kowalski",
        "Sofia Rossi",
        "Kevin O'Brien",
        "Hannah Schmidt",
        "Luis Moreno",
        "Grace Mitchell",
        "Peter Lindqvist",
    ];
    for col in ["county", "district", "hotel"] {
        assert_eq!(found(col, &people), ["PERSON_NAME"], "{col}");
    }
}

/// #28, names of things in a `name` column: storms, mountains and lakes,
/// institutions, dog breeds and firms named after people are not people;
/// couples and people whose names hold such words still are.
#[test]
fn names_of_storms_peaks_institutions_breeds_and_firms_are_not_people() {
    let nothing = |values: &[&str]| {
        let found = entities_of(&text_column("name", values));
        assert!(found[0].1.is_empty(), "{values:?}: {found:?}");
    };
    nothing(&[
        "Typhoon Mangkhut",
        "Cyclone Idai",
        "Tropical Storm Bill",
        "Typhoon Hagibis",
        "Cyclone Yasi",
        "Tropical Depression Ida",
        "Typhoon Tip",
        "Cyclone Gabrielle",
    ]);
    nothing(&[
        "Mount Shasta",
        "Lake Tahoe",
        "Fort Collins",
        "Mount Baker",
        "Lake Geneva",
        "Mount Olympus",
        "Fort Myers",
        "Lake Louise",
    ]);
    nothing(&[
        "Jefferson Elementary",
        "Carnegie Library",
        "Smithsonian Institute",
        "Gates Foundation",
        "Royal Society",
        "Chelsea Club",
        "Apollo Theater",
        "Tate Gallery",
    ]);
    nothing(&[
        "Yorkshire Terrier",
        "Cocker Spaniel",
        "Golden Retriever",
        "English Setter",
        "Miniature Pinscher",
        "Basset Hound",
        "French Bulldog",
        "Standard Poodle",
    ]);
    nothing(&[
        "Baker & McKenzie",
        "Simon & Schuster",
        "Harland & Wolff",
        "Rolls & Royce",
        "Lea & Perrins",
        "Wells & Fargo",
        "Brown & Root",
        "Allen & Overy",
    ]);
    let people = [
        "John & Mary Smith",
        "Anna & Peter Novak",
        "Dale Evans",
        "Ricki Lake",
        "Forest Whitaker",
        "Maria Temple",
        "Sarah Library",
        "James & Linda Carter",
    ];
    assert_eq!(
        entities_of(&text_column("name", &people))[0].1,
        vec!["PERSON_NAME"]
    );
}

/// #28: a number with two readings (an NHS number is phone-shaped) is read
/// as the entity whose context word the value holds, in every row, so that
/// the NHS numbers are not outvoted by the phones of other rows.
#[test]
fn a_context_word_decides_between_two_readings_of_a_number() {
    let mut ids = Ids(11);
    let fillers = [
        "seen in clinic today, follow up in two weeks",
        "bloods normal, no change to medication",
        "referred to physiotherapy, review after",
        "discussed diet and exercise at length",
    ];
    let notes: Vec<String> = (0..400)
        .map(|i| {
            let f = fillers[i % fillers.len()];
            match i % 10 {
                0 => format!("{f}. NHS no {}", ids.nhs()),
                1 => format!("{f}; nhs number {} confirmed", ids.nhs()),
                2 => format!("{f}. Call back on 020 7946 {:04}", ids.next(10_000)),
                _ => f.to_string(),
            }
        })
        .collect();
    let found = entities_of(&text_column("notes", &notes));
    assert!(found[0].1.contains(&"UK_NHS".to_string()), "{found:?}");
    assert!(found[0].1.contains(&"PHONE".to_string()), "{found:?}");
    // Only NHS numbers, each after its word: not phones.
    let only: Vec<String> = (0..200)
        .map(|i| match i % 5 {
            0 => format!("{}. NHS no {}", fillers[i % 4], ids.nhs()),
            _ => fillers[i % 4].to_string(),
        })
        .collect();
    assert_eq!(
        entities_of(&text_column("notes", &only))[0].1,
        vec!["UK_NHS"]
    );
}

/// #28: a licence number is a driver's licence only where the column is
/// about a driver's licence, not where it names another licence.
#[test]
fn licences_that_are_not_a_drivers_are_not_driver_licences() {
    let mut ids = Ids(5);
    let numbers: Vec<String> = (0..60)
        .map(|i| match i % 3 {
            0 => format!("D{:07}", ids.next(10_000_000)),
            1 => format!("{:09}", 100_000_000 + ids.next(800_000_000)),
            _ => format!("AB{:06}", ids.next(1_000_000)),
        })
        .collect();
    for col in [
        "driver_license",
        "license_number",
        "dl_number",
        "DriversLicence",
    ] {
        let found = entities_of(&text_column(col, &numbers));
        assert!(
            found[0].1.contains(&"US_DRIVER_LICENSE".to_string()),
            "{col}: {found:?}"
        );
    }
    for col in [
        "fishing_licence",
        "liquor_license_no",
        "medical_license_number",
        "pilot_licence",
        "contractor_license",
        "firearm_license_id",
        "license_expiry",
    ] {
        let found = entities_of(&text_column(col, &numbers));
        assert!(
            !found[0].1.contains(&"US_DRIVER_LICENSE".to_string()),
            "{col}: {found:?}"
        );
    }
}

/// `values` repeated in order until there are `n` of them.
fn cycled<'a>(values: &[&'a str], n: usize) -> Vec<&'a str> {
    values.iter().cycle().take(n).copied().collect()
}

/// The entities of one text column `name` holding `values`.
fn column_entities<S: AsRef<str>>(name: &str, values: &[S]) -> Vec<String> {
    entities_of(&text_column(name, values)).remove(0).1
}

/// #28 (look-alikes): the numbers of a document's outline (`3.11.2.7`:
/// section, clause, chapter, article) are shaped like IPv4 addresses; a
/// column named for them, in English or another language, holds none. The
/// same numbers under an address's name are addresses (a lab network's
/// `10.1.2.7`).
#[test]
fn outline_numbers_are_not_ip_addresses() {
    let outline: Vec<String> = (0..200)
        .map(|i| format!("{}.{}.{}.{}", 1 + i % 9, 1 + i % 12, 1 + i % 7, 1 + i % 11))
        .collect();
    for name in [
        "section",
        "clause_no",
        "chapter",
        "heading_number",
        "outline",
        "Artículo",
        "kapitel",
        "hoofdstuk",
        "rozdzial",
    ] {
        assert!(
            column_entities(name, &outline).is_empty(),
            "{name}: {:?}",
            column_entities(name, &outline)
        );
    }
    for name in ["client_ip", "host", "c1"] {
        assert_eq!(
            column_entities(name, &outline),
            vec!["IP_ADDRESS"],
            "{name}"
        );
    }
}

/// #28 (look-alikes): a message's id is written as an address
/// (`<20020102.1855.g02It@mx6.example.net>`); a column named for message
/// ids holds none, however many of its values are shaped like one. The
/// same values in a column named for replies, and addresses in a column of
/// message ids' neighbours, are addresses.
#[test]
fn message_ids_are_not_email_addresses() {
    let ids: Vec<String> = (0..60)
        .map(|i| {
            format!(
                "<2002{:02}{:02}{:04}.g{:05}@mx{}.mail.example.net>",
                i % 12 + 1,
                i % 28 + 1,
                1000 + i * 7,
                20000 + i * 131,
                i % 9
            )
        })
        .collect();
    for col in [
        "message_id",
        "Message-ID",
        "msgid",
        "in_reply_to",
        "InReplyTo",
    ] {
        let found = column_entities(col, &ids);
        assert!(!found.contains(&"EMAIL".to_string()), "{col}: {found:?}");
    }
    for col in ["reply_to", "sender", "contact"] {
        let found = column_entities(col, &ids);
        assert!(found.contains(&"EMAIL".to_string()), "{col}: {found:?}");
    }
}

/// #28 (words as codes): in running text (an e-mail's body, a mail
/// server's trace line) a word in capitals shaped like a BIC is a code only
/// beside "SWIFT" or "BIC"; in short text whose column is mostly prose (a
/// subject line) a few such words are no BIC either (a BIC's country code
/// is passed by a third of the words of its shape). A short memo, and a
/// long one that says SWIFT, still hold one.
#[test]
fn codes_in_capitals_in_running_text_need_their_context() {
    let bodies: Vec<String> = (0..80)
        .map(|i| match i % 4 {
            0 => format!("Order PRAXILOR today at half the price: the offer ends on Friday, and {i} customers have already written back to thank us for it. Reply now to stay on the list."),
            1 => format!("from relay{i}.example.net (relay.example.net [192.0.2.{i}]) by mx.example.org (8.11.6/8.11.6) with ESMTP id KRDQKHG3 for <ops@example.org>; Mon, 2 Sep 2002"),
            _ => format!("Thanks for the notes from the meeting on the {i}th, I will read them tonight and send my comments to the whole team tomorrow morning."),
        })
        .collect();
    let found = column_entities("body", &bodies);
    assert!(!found.contains(&"SWIFT_BIC".to_string()), "{found:?}");

    let subjects: Vec<String> = (0..300)
        .map(|i| match i {
            7 | 99 | 250 => "Get PRAXILOR now, no prescription".to_string(),
            _ => format!("Re: minutes of the meeting number {i}"),
        })
        .collect();
    let found = column_entities("subject", &subjects);
    assert!(!found.contains(&"SWIFT_BIC".to_string()), "{found:?}");

    let wires: Vec<String> = (0..40)
        .map(|i| match i % 2 {
            0 => format!("Please wire the deposit to our account at Commerzbank in Frankfurt before the end of the month; the SWIFT code is COBADEFFXXX and the reference {i}."),
            _ => format!("Thanks, the invoice number {i} is paid and the receipt will be sent by post to the address we have on file for you."),
        })
        .collect();
    let found = column_entities("notes", &wires);
    assert!(found.contains(&"SWIFT_BIC".to_string()), "{found:?}");

    let memos: Vec<String> = (0..40)
        .map(|i| format!("pay to COBADEFF, ref {i}"))
        .collect();
    let found = column_entities("memo", &memos);
    assert!(found.contains(&"SWIFT_BIC".to_string()), "{found:?}");
}

/// #28 (names missed, and names of things): a column of mailboxes holds
/// names where a fair share of its display names are people's ("Dora"
/// <...>), and is no running text for being written in words: a
/// newsletters' column with two people among sixty senders holds none.
#[test]
fn mailboxes_are_judged_by_their_display_names() {
    let newsletters = [
        "Weekly Gadget Digest <news@gadgets.example>",
        "\"Acme Support Team\" <support@acme.example>",
        "Garden Club Bulletin <bulletin@garden.example>",
    ];
    let people = [
        "\"Dora\" <dora.k71@example.com>",
        "Shirley <shirl.b@example.net>",
        "\"Kowalski, Anna\" <a.kowalska@example.pl>",
    ];
    let mixed: Vec<&str> = (0..60)
        .map(|i| {
            if i % 3 == 0 {
                people[i / 3 % 3]
            } else {
                newsletters[i % 3]
            }
        })
        .collect();
    let found = column_entities("from", &mixed);
    assert!(found.contains(&"PERSON_NAME".to_string()), "{found:?}");
    assert!(found.contains(&"EMAIL".to_string()), "{found:?}");

    let senders: Vec<&str> = (0..60)
        .map(|i| match i {
            10 => "Maria Gonzalez <mg@example.es>",
            40 => "Maria Gonzalez <mg@example.es>",
            _ => newsletters[i % 3],
        })
        .collect();
    let found = column_entities("from", &senders);
    assert!(!found.contains(&"PERSON_NAME".to_string()), "{found:?}");
    assert!(found.contains(&"EMAIL".to_string()), "{found:?}");
}

/// #28 (look-alike numbers): numbers of accounts, invoices, parts, tickets
/// and references written in an SSN's or a phone's groups (`123 45 6789`,
/// `555-867-5309`) are those things where the column says so; under a name
/// that says SSN or phone, or says nothing, they are what their form says.
#[test]
fn numbers_of_things_in_an_ssns_or_a_phones_groups_are_those_things() {
    let mut ids = Ids(11);
    let ssn_shaped: Vec<String> = (0..80)
        .map(|_| {
            format!(
                "{:03} {:02} {:04}",
                100 + ids.next(500),
                10 + ids.next(89),
                1000 + ids.next(8999)
            )
        })
        .collect();
    let phone_shaped: Vec<String> = (0..80)
        .map(|_| {
            format!(
                "{}{:02}-{}{:02}-{:04}",
                2 + ids.next(7),
                ids.next(100),
                2 + ids.next(7),
                ids.next(100),
                1000 + ids.next(8999)
            )
        })
        .collect();
    for col in [
        "account_ref",
        "account_number",
        "invoice_no",
        "ticket_number",
        "part_ref",
        "serial",
    ] {
        let found = column_entities(col, &ssn_shaped);
        assert!(!found.contains(&"US_SSN".to_string()), "{col}: {found:?}");
    }
    for col in ["part_no", "ticket", "tracking_ref", "reference"] {
        let found = column_entities(col, &phone_shaped);
        assert!(!found.contains(&"PHONE".to_string()), "{col}: {found:?}");
    }
    // A word for a person after a thing's says whose the value is.
    for col in [
        "ssn",
        "tax_ref",
        "account_holder_ssn",
        "invoice_customer_ssn",
        "value",
    ] {
        let found = column_entities(col, &ssn_shaped);
        assert!(found.contains(&"US_SSN".to_string()), "{col}: {found:?}");
    }
    for col in [
        "phone",
        "contact",
        "order_customer_phone",
        "ticket_contact_phone",
        "value",
    ] {
        let found = column_entities(col, &phone_shaped);
        assert!(found.contains(&"PHONE".to_string()), "{col}: {found:?}");
    }
}
