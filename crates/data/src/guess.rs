//! What `mqlcal init` guesses about a column from its profile, apart from how
//! the draft is written (`infer.rs`): which column is the outcome and which
//! the id, whether a number is a code or a quantity, who-vs-what axis, which
//! levels of a categorical to keep, and a first `[sales]` section.

use crate::profile::ColumnProfile;

/// Words that name an outcome column, best first.
const OUTCOME_WORDS: [&str; 12] =
    ["outcome", "converted", "won", "lifecycle", "stage", "status", "result", "revenue", "purchase", "target", "label", "deal"];
/// An outcome column has at most this many values, any of them open; up to
/// [`MAX_OUTCOME_VALUES`] when all but a few say won or lost.
const FEW_OUTCOME_VALUES: usize = 10;
const MAX_OUTCOME_VALUES: usize = 30;

/// Outcome values that say yes or no rather than won or lost in words.
const YES_WORDS: [&str; 5] = ["1", "yes", "y", "true", "t"];
const NO_WORDS: [&str; 5] = ["0", "no", "n", "false", "f"];

/// An outcome value that is a mere yes or no (`Yes`, `0`, `TRUE`), not won or lost in words.
pub fn yes_or_no_word(value: &str) -> bool {
    let l = as_a_word(value);
    YES_WORDS.contains(&l.as_str()) || NO_WORDS.contains(&l.as_str())
}

/// An outcome value as the word lists read it: lower-cased, and a whole number without its
/// `.0` (pandas writes a 1/0 column with blanks for the open leads as `1.0`/`0.0`; the
/// `[outcome]` lists count either form, as `names_cell` says).
fn as_a_word(value: &str) -> String {
    mqlcal_scorecard::plain_whole_number(&value.to_lowercase()).to_string()
}

/// Whole names that are an outcome column on their own.
const OUTCOME_NAMES: [&str; 4] = ["y", "target", "label", "converted"];

/// Won, lost and other (open) values of an outcome column. A won word denied is lost:
/// Salesforce's `Closed - Not Converted`, `Unconverted`, `Non-customer`, `Won't Buy`.
/// A customer no longer (`Former Customer`, `Ex-customer`, `Churned`) is neither: left
/// open for the analyst to place. HubSpot's stage after customer (`evangelist`) is won.
pub fn classify_outcomes(p: &ColumnProfile) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut won, mut lost, mut open) = (vec![], vec![], vec![]);
    let won_word = |l: &str| l.contains("won") || l.contains("converted") || l.contains("customer") || l.contains("evangelist");
    let denied = |l: &str| {
        l.contains("won't")
            || l.contains("won’t")
            || l.split(|c: char| !c.is_alphanumeric())
                .any(|w| ["not", "non", "never", "wont"].contains(&w) || ((w.starts_with("un") || w.starts_with("non")) && won_word(w)))
    };
    let no_longer = |l: &str| l.split(|c: char| !c.is_alphanumeric()).any(|w| ["former", "ex", "past", "previous", "churned", "lapsed"].contains(&w));
    // A lead sales turned down: HubSpot's `Unqualified`, `Junk`, `Dead`, `Not Interested`.
    let turned_down = |l: &str| {
        let words: Vec<&str> = l.split(|c: char| !c.is_alphanumeric()).collect();
        words.iter().any(|w| ["unqualified", "junk", "dead", "rejected", "spam"].contains(w))
            || ["not interested", "not qualified", "bad fit", "no fit", "not a fit", "poor fit"].iter().any(|phrase| l.contains(phrase))
    };
    for (value, _) in &p.top_levels {
        let l = as_a_word(value);
        if won_word(&l) && !denied(&l) && no_longer(&l) && !l.contains("lost") {
            open.push(value.clone());
        } else if l.contains("lost") || NO_WORDS.contains(&l.as_str()) || l.contains("disqualified") || turned_down(&l) || (won_word(&l) && denied(&l)) {
            lost.push(value.clone());
        } else if won_word(&l) || YES_WORDS.contains(&l.as_str()) {
            won.push(value.clone());
        } else {
            open.push(value.clone());
        }
    }
    (won, lost, open)
}

/// An outcome value that says its record is no lead at all, to be left out of every
/// number (`[exclude]`): a duplicate merged into another lead, a test record, a deal a
/// user deleted (Pipedrive's status `deleted`, in an export that includes them).
pub fn not_a_lead(value: &str) -> bool {
    let l = value.to_lowercase();
    l.split(|c: char| !c.is_alphanumeric()).any(|w| ["duplicate", "duplicated", "dupe", "merged", "test", "testing", "deleted"].contains(&w)) || l.contains("do not use")
}

/// How much a column looks like the target: None when it cannot be (no
/// outcome-like name, or values that map to no won value).
/// A column whose values say won or lost in words (`Closed Won`, `customer`,
/// `Disqualified`), or named as a target alone (`y`, `converted`), beats a yes/no
/// column whose name only holds an outcome word: HubSpot's `Target Account` or an
/// `Opt-in Status` (Yes/No) is no outcome beside a status of won and lost leads.
/// Then clean two-valued targets (yes/no, 1/0, true/false) beat columns with
/// unmapped values such as a previous campaign's "failure/nonexistent/success";
/// any column with won and lost values beats one that never says lost (HubSpot's
/// lifecycle stage: `customer` or a stage on the way, drafted with open_after_days).
pub fn outcome_score(p: &ColumnProfile) -> Option<i64> {
    // More than a few values only where each is won or lost but for a few open ones
    // (`Closed Won - Upsell`, `Closed Lost - No Budget`, …: one per reason).
    if !(2..=MAX_OUTCOME_VALUES).contains(&p.distinct) {
        return None;
    }
    if quantity_named(&p.name) {
        return None;
    }
    let n = p.name.to_lowercase();
    let name_rank = if OUTCOME_NAMES.contains(&n.as_str()) {
        20
    } else {
        OUTCOME_WORDS.iter().position(|w| n.contains(w)).map(|i| (OUTCOME_WORDS.len() - i) as i64)?
    };
    let (won, lost, open) = classify_outcomes(p);
    if p.distinct > FEW_OUTCOME_VALUES && (won.is_empty() || lost.is_empty() || open.len() > FEW_OUTCOME_VALUES / 2) {
        return None;
    }
    let in_words = won.iter().chain(&lost).any(|v| !yes_or_no_word(v));
    let sure = if in_words || OUTCOME_NAMES.contains(&n.as_str()) { 100_000 } else { 0 };
    match (won.is_empty(), lost.is_empty(), open.is_empty()) {
        (true, _, _) => None,
        // Only a stage says so (HubSpot's "Lifecycle Stage"); a "Status" of Customer and
        // Prospect beside an outcome named otherwise is left for the analyst to name.
        (false, true, false) if n.contains("lifecycle") || n.contains("stage") => Some(sure - 1000 + name_rank * 10 - p.distinct as i64),
        (false, true, _) => None,
        (false, false, open) => Some(sure + i64::from(open) * 1000 + name_rank * 10 - p.distinct as i64),
    }
}

/// A name that says its column counts or measures something (HubSpot's `Number of
/// Associated Deals`, `num_deals`, `Total Revenue`, `# of Opportunities`, Pipedrive's
/// `Won deals`): a quantity, even when every value is 0 or 1, never the outcome. A
/// number before the word makes it a window, not a quantity: `converted_within_30_days`
/// is an outcome.
pub fn quantity_named(name: &str) -> bool {
    const QUANTITY: [&str; 13] = ["number", "num", "count", "total", "amount", "sum", "days", "times", "avg", "average", "deals", "opportunities", "opps"];
    let words = name_words(name);
    let window = |i: usize| i > 0 && words[i - 1].chars().all(|c| c.is_ascii_digit());
    name.contains('#') || words.iter().enumerate().any(|(i, w)| QUANTITY.contains(&w.as_str()) && !window(i))
}

/// The columns of an events export `init` drafts: the lead's id, the event's time and
/// the activity.
#[derive(Debug, PartialEq)]
pub struct EventsColumns {
    pub lead_id: String,
    pub occurred: String,
    pub activity: String,
}

/// The names of an events column that says what each event was about (as words, by
/// [`name_words`]): Marketo's `Primary Attribute Value`, GA4's `page_location`, a `Page
/// URL`, a form's or an e-mail's name beside an activity type.
const DETAIL_NAMES: [&str; 15] = [
    "primary attribute value",
    "page location",
    "page url",
    "page path",
    "page title",
    "page",
    "url",
    "web page",
    "detail",
    "details",
    "subject",
    "email subject",
    "asset name",
    "form name",
    "campaign name",
];

/// The column of an events export that says what each event was about, by its name
/// ([`DETAIL_NAMES`], the first in that order), other than the drafted three (`taken`).
pub fn detail_column(names: &[String], taken: &[&str]) -> Option<String> {
    let phrases: Vec<(String, &String)> = names.iter().filter(|n| !taken.contains(&n.as_str())).map(|n| (name_words(n).join(" "), n)).collect();
    DETAIL_NAMES.iter().find_map(|named| phrases.iter().find(|(phrase, _)| phrase == named)).map(|(_, name)| (*name).clone())
}

/// An events export's columns by their names, each a different column: the lead's id
/// (`Lead ID`, `leadId`, `Contact ID`, `Record ID`, `WhoId`; not the activity's own
/// `Activity ID` or `marketoGUID`), then the time (`occurred_at`, `Timestamp`,
/// `Activity Date`), then the activity (`activity`, HubSpot's `Activity Type`, Marketo's
/// `activityTypeId`, Salesforce's `Subject`; not an id) among the rest. HubSpot's
/// `Record ID, Activity date, Activity type` has two columns named as the activity: the
/// date is the time. A column no name tells is the first one left, in file order; one a
/// name rules out only when no other is left. "" when the file has too few columns.
pub fn events_columns(names: &[String]) -> EventsColumns {
    let words: Vec<Vec<String>> = names.iter().map(|n| name_words(n)).collect();
    let has = |k: usize, any: &[&str]| words[k].iter().any(|w| any.contains(&w.as_str()));
    let id_named = |k: usize| has(k, &["id", "ids", "number", "key", "guid", "uuid", "leadid", "contactid", "whoid", "recordid"]);
    // A rank: Some(n > 0) named as the column sought, Some(0) untold, None ruled out.
    let pick = |rank: &dyn Fn(usize) -> Option<u8>, taken: &mut Vec<usize>| -> String {
        let free: Vec<usize> = (0..names.len()).filter(|k| !taken.contains(k)).collect();
        let best = free.iter().copied().filter(|&k| rank(k).is_some()).max_by_key(|&k| (rank(k), std::cmp::Reverse(k))).or_else(|| free.first().copied());
        best.map(|k| {
            taken.push(k);
            names[k].clone()
        })
        .unwrap_or_default()
    };
    let mut taken: Vec<usize> = Vec::new();
    let activity_word = |k: usize| has(k, &["activity", "event", "task", "engagement", "touch", "touchpoint", "marketo"]);
    let lead_id = pick(
        &|k| match () {
            _ if has(k, &["lead", "leadid"]) && id_named(k) => Some(6),
            _ if has(k, &["contact", "contactid", "person"]) && id_named(k) => Some(5),
            _ if has(k, &["record", "recordid", "who", "whoid"]) => Some(4),
            _ if words[k].len() == 1 && has(k, &["lead", "contact", "person"]) => Some(3),
            // An activity's own id (`Activity ID`, `marketoGUID`) names every event apart.
            _ if activity_word(k) => None,
            _ if id_named(k) => Some(2),
            _ => Some(0),
        },
        &mut taken,
    );
    let occurred = pick(
        &|k| match () {
            _ if has(k, &["occurred", "timestamp", "datetime"]) => Some(3),
            _ if has(k, &["time", "date", "day"]) => Some(2),
            _ if has(k, &["at", "on", "when"]) => Some(1),
            _ => Some(0),
        },
        &mut taken,
    );
    let activity = pick(
        &|k| match () {
            _ if has(k, &["type", "kind"]) && has(k, &["activity", "event", "engagement"]) => Some(4),
            // An id of each event (`Activity ID`) names every event apart.
            _ if id_named(k) => None,
            _ if has(k, &["activity", "event", "action", "engagement"]) => Some(3),
            _ if has(k, &["type", "kind"]) => Some(2),
            _ if has(k, &["name", "subject"]) => Some(1),
            _ => Some(0),
        },
        &mut taken,
    );
    EventsColumns { lead_id, occurred, activity }
}

/// What [`personal_data`] says of a column named as an e-mail address (a lead's own: the
/// duplicate-person check in validate reads such a column).
pub const EMAIL_ADDRESS: &str = "an e-mail address";

/// What personal data a column's name says it holds, if it does: a person's name (`First
/// Name`, `lastname`, `fname`, `Full Name`, Salesforce's `Name`), e-mail address (`Email
/// ID`, `Secondary Email`), phone number (`Mobile Phone`, `Contact Number`, `Phone 2`),
/// postal address (`Billing Street`, `Address Line 3`) or salutation (`Mr.`, `Ms.`:
/// their sex). Not a signal: it says who the person is, not what kind of buyer, and
/// common names would each get points. Not `Company Name`, `Business Name`, `Email
/// Domain`, `Do Not Email`, `Marketing emails opened`, nor a lone `Mobile` (a device
/// flag as often as a phone).
pub fn personal_data(name: &str) -> Option<&'static str> {
    let mut words = name_words(name);
    // `WhatsApp` splits in two.
    if let Some(k) = words.windows(2).position(|pair| pair[0] == "whats" && pair[1] == "app") {
        words.splice(k..k + 2, ["whatsapp".to_string()]);
    }
    let has = |any: &[&str]| words.iter().any(|w| any.contains(&w.as_str()));
    // Every word one of `allowed`, a qualifier of whose it is, or a number (`Phone 2`).
    let only = |allowed: &[&str]| {
        const WHOSE: [&str; 12] = ["lead", "contact", "person", "prospect", "work", "personal", "primary", "secondary", "other", "alternate", "alt", "home"];
        words.iter().all(|w| allowed.contains(&w.as_str()) || WHOSE.contains(&w.as_str()) || w.chars().all(|c| c.is_ascii_digit()))
    };
    const NAMES: [&str; 8] = ["name", "firstname", "lastname", "fullname", "surname", "fname", "lname", "forename"];
    const PHONES: [&str; 6] = ["phone", "telephone", "mobile", "cell", "fax", "whatsapp"];
    if only(&[NAMES.as_slice(), &["first", "last", "full", "given", "family", "middle"]].concat()) && has(&NAMES) {
        Some("a person's name")
    } else if only(&["email", "e", "mail", "address", "id", "business"]) && has(&["email", "mail"]) {
        Some(EMAIL_ADDRESS)
    } else if words != ["mobile"]
        && only(&[PHONES.as_slice(), &["number", "no", "business", "direct", "office"]].concat())
        && (has(&PHONES) || words == ["contact", "number"] || words == ["contact", "no"])
    {
        Some("a phone number")
    } else if only(&["street", "address", "mailing", "billing", "shipping", "line", "postal"]) && has(&["street", "address"]) {
        Some("a postal address")
    } else if only(&["salutation", "title", "prefix", "gender", "sex"]) && has(&["salutation", "gender", "sex", "prefix"]) {
        Some("a person's salutation or sex")
    } else {
        None
    }
}

/// A text column of numbers as a report or spreadsheet displays them (`$27,680,000`,
/// `1,200,000` with '.' the decimal mark, `12%`): more than [`FORMATTED_MIN_VALUES`]
/// values, and nine in ten of the listed leads' values are numbers (plain ones among
/// them, 50 beside $1,200) with some displayed so; bands (`51-200`, drafted as levels)
/// and error values (`#N/A`) aside. The commonest value so displayed and what to export
/// instead. As text, each amount would be a level of its own.
pub fn formatted_numbers(p: &ColumnProfile, mark: mqlcal_scorecard::DecimalMark) -> Option<(&str, &'static str)> {
    use mqlcal_scorecard::{band, formatted_number, ReadBy};
    if p.numeric || p.distinct <= FORMATTED_MIN_VALUES {
        return None;
    }
    // Each listed value, bands and error values aside: (value, leads, plain number?, what a
    // displayed number is).
    let values: Vec<(&str, usize, bool, Option<&'static str>)> = p
        .top_levels
        .iter()
        .filter(|(v, _)| band(v, mark).is_none() && !v.trim().starts_with('#'))
        .map(|(v, n)| {
            let plain = mark.read(v.trim()).is_some();
            (v.as_str(), *n, plain, if plain { None } else { formatted_number(v, mark, ReadBy::Config) })
        })
        .collect();
    let listed: usize = values.iter().map(|v| v.1).sum();
    let numbers: usize = values.iter().filter(|v| v.2 || v.3.is_some()).map(|v| v.1).sum();
    if listed == 0 || (numbers as f64) < 0.9 * listed as f64 {
        return None;
    }
    values.iter().find_map(|&(v, _, _, displayed)| Some((v, displayed?)))
}

/// The pages of a column of web addresses whose query strings or fragments (`?utm_source=…`,
/// `&gclid=…`, `#form`) make one page many values, as a CRM's `First Page Seen` or a form's
/// landing page records them: each page with its leads among the listed values, most first.
/// None unless nine in ten of the listed leads' values are addresses (`http://`,
/// `https://`, `www.`), a quarter of the addresses at least carry a query or fragment,
/// and those hold at most half as many pages as values (pages written whole beside them,
/// a blog's posts, are levels of their own either way). As a
/// categorical, each address would be a level: the page that matters (`/pricing`) spread
/// over thousands of rare levels, pooled into the baseline.
pub fn pages_split_by_queries(p: &ColumnProfile) -> Option<Vec<(String, usize)>> {
    let address = |v: &str| {
        let v = v.trim().as_bytes();
        [&b"http://"[..], b"https://", b"www."].iter().any(|start| v.len() > start.len() && v[..start.len()].eq_ignore_ascii_case(start))
    };
    let listed: usize = p.top_levels.iter().map(|(_, n)| n).sum();
    let addresses: Vec<&(String, usize)> = p.top_levels.iter().filter(|(v, _)| address(v)).collect();
    if p.distinct <= FORMATTED_MIN_VALUES || listed == 0 || (addresses.iter().map(|(_, n)| n).sum::<usize>() as f64) < 0.9 * listed as f64 {
        return None;
    }
    // Each address's page, and whether a query or fragment followed it.
    fn page(value: &str) -> (&str, bool) {
        let value = value.trim();
        let page = value.split(['?', '#']).next().unwrap_or_default();
        (page, page.len() < value.len())
    }
    let queried: Vec<&str> = addresses.iter().map(|(v, _)| page(v)).filter(|&(_, queried)| queried).map(|(page, _)| page).collect();
    let queried_pages: std::collections::BTreeSet<&str> = queried.iter().copied().collect();
    if queried.len() * 4 < addresses.len() || queried_pages.len() * 2 > queried.len() {
        return None;
    }
    let mut leads: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (value, n) in &addresses {
        *leads.entry(page(value).0).or_default() += n;
    }
    let mut pages: Vec<(String, usize)> = leads.into_iter().map(|(page, n)| (page.to_string(), n)).collect();
    // Most leads first; by page on a tie (the map's order, kept by a stable sort).
    pages.sort_by(|a, b| b.1.cmp(&a.1));
    Some(pages)
}

/// Values a column of displayed numbers has more than: fewer (`10%`, `25%`, `50%`) make a
/// fine categorical.
const FORMATTED_MIN_VALUES: usize = 12;

/// The id column: an id-named column that is (nearly) unique, else any
/// unique column never blank, id-named first.
pub fn id_column(profiles: &[ColumnProfile]) -> Option<String> {
    let nearly_unique = |p: &ColumnProfile| p.rows > 0 && p.distinct as f64 >= 0.99 * p.rows as f64 && p.blank_rate <= 0.01;
    profiles
        .iter()
        .filter(|p| id_named(p) && nearly_unique(p))
        .max_by_key(|p| (p.distinct, p.name.len()))
        // An e-mail is a key when nothing else is.
        .or_else(|| profiles.iter().filter(|p| p.blanks == 0 && p.distinct == p.rows).max_by_key(|p| (id_named(p), personal_data(&p.name).is_none())))
        .map(|p| p.name.clone())
}

/// In a report of one row per deal or opportunity, the lead's id column and why: when
/// `id` (the unique column found) is named as a deal's (`Deal ID`, `Opportunity ID`,
/// `Opp Id`), an id-named column not named so, never blank, whose values repeat on at
/// least 1 % of the rows (`Contact ID`: a contact with two deals is two rows).
pub fn lead_id_beside_deals(profiles: &[ColumnProfile], id: Option<&str>) -> Option<(String, String)> {
    let deal_named = |name: &str| {
        let n = name.to_lowercase();
        n.contains("deal") || n.contains("opportunit") || n.starts_with("opp ") || n.starts_with("opp_") || n == "oppid"
    };
    let deal = id.filter(|id| deal_named(id))?;
    profiles
        .iter()
        .filter(|p| p.name != deal && id_named(p) && !deal_named(&p.name) && p.blanks == 0 && p.distinct < p.rows && (p.rows - p.distinct) * 100 >= p.rows)
        .max_by_key(|p| p.distinct)
        .map(|p| {
            let why = format!(
                "{deal:?} is unique, one per deal; this column repeats ({} rows, {} leads): one row per deal, each lead's rows combined (duplicates = \"won-if-any\")",
                p.rows, p.distinct
            );
            (p.name.clone(), why)
        })
}

/// A column named as an id: `id`, `lead_id`, `Lead ID`, `Prospect Id`, `Lead Number`.
fn id_named(p: &ColumnProfile) -> bool {
    let n = p.name.to_lowercase();
    // A `Phone Number` ends so too.
    personal_data(&p.name).is_none()
        && (n == "id" || n.ends_with("id") || n.ends_with("_id") || n.contains(" id") || n.contains("lead id") || n.ends_with("number"))
}

/// A column of ids a spreadsheet rounded, when [`id_column`] finds none: named as an
/// id, and most of its listed values are long numbers shown in scientific notation (`1.23457E+11`), so
/// different leads share one and no column is unique. The column, its most frequent
/// value and how many leads share it.
pub fn rounded_id_column(profiles: &[ColumnProfile]) -> Option<(&str, &str, usize)> {
    profiles
        .iter()
        // Named as an id: a phone number or an amount a spreadsheet wrote so is none.
        .filter(|p| id_named(p) && p.distinct < p.rows - p.blanks)
        .filter_map(|p| {
            let listed: usize = p.top_levels.iter().map(|(_, n)| n).sum();
            let rounded: usize = p.top_levels.iter().filter(|(v, _)| crate::lead_rows::rounded_by_a_spreadsheet(v)).map(|(_, n)| n).sum();
            let (example, shared) = p.top_levels.first()?;
            (listed > 0 && rounded as f64 >= 0.9 * listed as f64).then_some((p, example.as_str(), *shared, rounded))
        })
        .max_by_key(|&(_, _, _, rounded)| rounded)
        .map(|(p, example, shared, _)| (p.name.as_str(), example, shared))
}

/// The column the backtest and report break down by: where the lead came from, as the
/// CRMs name it (a channel; Salesforce's `Lead Source`, its API's `LeadSource`;
/// HubSpot's `Original Source` and its API's `hs_analytics_source`; Marketo's `Original
/// Source Type`; `utm_source`), the first such in the file. Not a drill-down, a
/// detail or an id of one.
pub fn segment_column(names: &[String]) -> Option<String> {
    names
        .iter()
        .find(|name| {
            let words = name_words(name);
            let finer = words.iter().any(|w| matches!(w.as_str(), "drill" | "detail" | "details" | "id"));
            !finer
                && (matches!(
                    words.iter().map(String::as_str).collect::<Vec<_>>().as_slice(),
                    ["source"] | ["lead", "source"] | ["utm", "source"] | ["original", "source"] | ["original", "source", "type"] | ["hs", "analytics", "source"] | ["lead", "source", "type"]
                ) || words.iter().any(|w| w == "channel" || w == "channels"))
        })
        .cloned()
}

/// A name's words, lower-cased, camelCase split: "CloseDate" -> ["close", "date"],
/// "hs_last_sales_activity" -> ["hs", "last", "sales", "activity"].
pub fn name_words(name: &str) -> Vec<String> {
    let mut spaced = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_uppercase() && previous_lower {
            spaced.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        spaced.extend(c.to_lowercase());
    }
    spaced.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_string).collect()
}

/// The word that names a column as the lead's state when the file was exported rather
/// than when it came in: X Education's `Last Activity` and `Last Notable Activity`
/// (`SMS Sent`, `Had a Phone Conversation`), Salesforce's `Last Activity` and `Last
/// Modified Date`, HubSpot's `Recent Sales Email Replied Date`, `Last Contacted` and
/// `Number of times contacted`. Not a person's `Last Name`.
pub fn export_snapshot_named(name: &str) -> Option<&'static str> {
    let words = name_words(name);
    let has = |w: &str| words.iter().any(|word| word == w);
    // A person's last name (`Last Name`, `lastname`); `Last Campaign Name` is a snapshot.
    if has("lastname") || words.windows(2).any(|pair| pair[0] == "last" && pair[1] == "name") {
        return None;
    }
    ["last", "latest", "recent", "modified", "contacted"].into_iter().find(|w| has(w))
}

/// The word that names a column as a score or grade someone already gives the lead, if
/// one does: the scoring in use today (HubSpot's `HubSpot Score`, Pardot's `Grade`,
/// Marketo's `Behavior Score`, Salesforce's `Einstein Score`, a `Propensity` or
/// `Likelihood to Buy`) or a rep's `Rating`. Whole words, so `Upgrade` and `Gradebook` are
/// not. Such a column is recomputed as of the export, after sales contact, and a model
/// fitted on it learns to copy it.
pub fn score_named(name: &str) -> Option<&'static str> {
    const SCORE_WORDS: [&str; 7] = ["score", "grade", "rating", "likelihood", "propensity", "predictive", "einstein"];
    let words = name_words(name);
    SCORE_WORDS.into_iter().find(|w| words.iter().any(|word| word == w || word.strip_suffix('s') == Some(w)))
}

/// The word that names a column as one the sales team fills in, if one does: a word of a
/// sales field (`quality`, `score`, `stage`, `status`, `tag`, `owner`, `close`, `reason`,
/// anywhere in the name); a rep's free text on the lead (`Notes`, `Comments`, `Remarks`:
/// whole words, so not `Last Notable Activity`); `sales` beside what sales does (HubSpot's `Number of Sales
/// Activities`, `Sales Email Replied`; not `wholesale`, `Annual Sales`, `Sales Region`); a
/// deal's value or odds (Pipedrive's `Deal - Value`, an `Opportunity Amount`: set once the
/// lead is an opportunity); counts of activities, tasks, calls or meetings (Pipedrive's
/// `Done activities`, `Activities to do`, a `Call Count`: in a CRM what sales logs, where
/// what a lead does is visits, opens, clicks and form fills; not a lead's own `Inbound
/// Calls`, `Meetings Booked`, `Web Activities`).
pub fn sales_named(name: &str) -> Option<&'static str> {
    const SALES_WORDS: [&str; 8] = ["quality", "score", "stage", "status", "tag", "owner", "close", "reason"];
    const SALES_DOES: [&str; 16] =
        ["activity", "activities", "email", "emails", "call", "calls", "rep", "accepted", "qualified", "touch", "touches", "meeting", "meetings", "replied", "outreach", "sequence"];
    let lower = name.to_lowercase();
    if let Some(w) = SALES_WORDS.into_iter().find(|w| lower.contains(w)) {
        return Some(w);
    }
    const WRITES: [&str; 6] = ["note", "notes", "comment", "comments", "remark", "remarks"];
    let words = name_words(name);
    if let Some(w) = WRITES.into_iter().find(|w| words.iter().any(|word| word == w)) {
        return Some(w);
    }
    let has = |any: &[&str]| words.iter().any(|w| any.contains(&w.as_str()));
    if has(&["sales"]) && has(&SALES_DOES) {
        return Some("sales");
    }
    if has(&["deal", "deals", "opportunity", "opportunities", "opp"]) && has(&["value", "amount", "probability", "forecast", "expected"]) {
        return Some("deal value");
    }
    let leads_own = has(&["inbound", "booked", "web", "website", "marketing", "lead", "leads"]);
    let to_do = words.windows(2).any(|pair| pair[0] == "to" && pair[1] == "do");
    let counted = quantity_named(name);
    let logged = has(&["activities", "tasks", "meetings", "calls"]) && (counted || to_do || has(&["done", "completed", "open", "scheduled", "logged", "planned"]))
        || has(&["call", "meeting", "task"]) && counted;
    (!leads_own && logged).then_some("activities")
}

/// A column named as the date a lead was decided (won or lost): Salesforce's `CloseDate`
/// and `ConvertedDate`, Zoho's `Closing Date`, HubSpot's `Became a Customer Date` and
/// `hs_date_entered_customer`, `won_date`, `Closed At`. Not the creation date, not a
/// forecast (`Expected close date`, `Est. Close Date`), not a form's conversion (HubSpot's
/// `First Conversion Date` is a lead's first form fill, often its creation).
pub fn decision_date_named(name: &str) -> bool {
    let words = name_words(name);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let has = |w: &[&str]| words.iter().any(|word| w.contains(word));
    let phrase = words.join(" ");
    let dated = has(&["date", "time", "day", "at", "on", "datetime", "timestamp"]);
    let decided = has(&["close", "closed", "closing", "converted", "decided", "won", "lost", "win"])
        || ["became a customer", "customer since", "entered customer"].iter().any(|p| phrase.contains(p));
    let not_a_decision = has(&["created", "create", "creation", "expected", "est", "estimated", "forecast", "target", "planned", "projected", "maker", "first", "recent", "last", "next"]);
    dated && decided && !not_a_decision
}

use mqlcal_scorecard::{level_key, spelling, SpelledLevel};

/// Names, each with what it stands for (a signal, an outcome list), to find the one a text
/// is written like but for case, spaces or punctuation ([`spelling`]): each name's
/// spelling is worked out once, the text's once per look-up.
pub struct Spelled<'n, T> {
    names: Vec<(String, &'n str, T)>,
    /// Levels' look-ups ([`level_key`], by this decimal mark), else [`spelling`]'s.
    levels: Option<mqlcal_scorecard::DecimalMark>,
}

impl<'n, T: Copy> Spelled<'n, T> {
    pub fn new(names: impl IntoIterator<Item = (&'n str, T)>) -> Self {
        Spelled { names: names.into_iter().map(|(name, tag)| (spelling(name), name, tag)).collect(), levels: None }
    }

    /// As [`Spelled::new`], for a categorical's values: those [`level_key`] keeps apart
    /// (numbers, blanks) are like none, and bands only like the same band.
    pub fn levels(names: impl IntoIterator<Item = (&'n str, T)>, decimal: mqlcal_scorecard::DecimalMark) -> Self {
        let names = names.into_iter().filter_map(|(name, tag)| Some((level_key(name, decimal)?, name, tag))).collect();
        Spelled { names, levels: Some(decimal) }
    }

    /// The first name `text` is written like, with its tag (the name itself included).
    pub fn like(&self, text: &str) -> Option<(&'n str, T)> {
        let spelled = match self.levels {
            Some(decimal) => level_key(text, decimal)?,
            None => spelling(text),
        };
        self.names.iter().find(|(s, _, _)| *s == spelled).map(|&(_, name, tag)| (name, tag))
    }
}

/// Whether a column's name says it is filled in when a lead converted into a customer
/// (Salesforce's `Converted Date`, `Converted Opportunity ID`; HubSpot's `Became a
/// Customer Date`, `Customer Since`). Not HubSpot's `First Conversion` or `Recent
/// Conversion Date` (a form submitted), nor a denial (`Not Converted Reason`).
pub fn conversion_named(name: &str) -> bool {
    let words = name_words(name);
    let phrase = words.join(" ");
    let has = |w: &[&str]| words.iter().any(|word| w.contains(&word.as_str()));
    (has(&["converted"]) || ["became a customer", "customer since", "entered customer", "closed won", "won date", "date won"].iter().any(|p| phrase.contains(p)))
        && !has(&[
            "lost", "not", "non", "never", "un", "reason", "first", "recent", "last", "expected", "estimated", "forecast", "target", "planned", "projected", "rate", "probability",
            "score", "count", "number",
        ])
}

/// A column filled in when a lead converts and blank otherwise ([`conversion_named`]): the
/// outcome of an export with no column that says won or lost. Filled for between 0.5 %
/// and 60 % of the leads (a conversion rate); of several (a Salesforce report's
/// `Converted Date`, `Converted Account ID` ...) one of dates first (`dated`), then the
/// most filled.
pub fn conversion_filled<'p>(profiles: &'p [ColumnProfile], dated: impl Fn(&ColumnProfile) -> bool) -> Option<&'p ColumnProfile> {
    profiles
        .iter()
        .filter(|p| conversion_named(&p.name) && filled_as_conversions(p))
        .max_by_key(|p| (dated(p), p.rows - p.blanks, std::cmp::Reverse(p.name.clone())))
}

/// Whether a column is filled for the share of leads a conversion rate could be (0.5 % to
/// 60 %), as a column filled in at conversion is: not a date every lead has.
pub fn filled_as_conversions(p: &ColumnProfile) -> bool {
    p.rows > 0 && (0.005..=0.6).contains(&((p.rows - p.blanks) as f64 / p.rows as f64))
}

/// "fit" (who the lead is) or "engagement" (what the lead did), from the name. A
/// column about an address or a place is who the lead is, whatever word it has
/// (`Email Domain Type`, `Time Zone`).
pub fn axis(name: &str) -> &'static str {
    let n = name.to_lowercase();
    const ATTRIBUTE: [&str; 3] = ["domain", "time zone", "timezone"];
    if ATTRIBUTE.iter().any(|w| n.contains(w)) {
        return "fit";
    }
    const ENGAGEMENT: [&str; 14] =
        ["visit", "click", "open", "page", "view", "time", "duration", "call", "email", "download", "session", "webinar", "contact", "campaign"];
    if ENGAGEMENT.iter().any(|w| n.contains(w)) {
        "engagement"
    } else {
        "fit"
    }
}

/// Integer codes that stand for categories (traffic type, region, browser ...), not quantities.
/// A column named as a code (`Zip/Postal Code`, `SIC Code`, `NAICS`) is one however many
/// values it has: a zip code of 98968 is no more than one of 10001.
pub fn is_code(p: &ColumnProfile) -> bool {
    let n = p.name.to_lowercase();
    let named_code = name_words(&p.name).iter().any(|w| ["code", "zip", "zipcode", "postal", "postcode", "sic", "naics"].contains(&w.as_str()));
    p.numeric
        && (named_code
            || p.distinct <= 60 && ["type", "code", "region", "browser", "system", "category", "class", "zip", "postal"].iter().any(|w| n.contains(w)))
}

/// Codes that mean "none" (999 days since last contact, −1 ...).
const SENTINELS: [f64; 8] = [99.0, 999.0, 9999.0, 99999.0, -1.0, -9.0, -99.0, -999.0];

/// A sentinel code dominating a tail: (value as written, its leads, the largest real value).
pub fn sentinel(p: &ColumnProfile) -> Option<(String, usize, f64)> {
    if !p.numeric {
        return None;
    }
    let parsed: Vec<(f64, &String, usize)> = p.top_levels.iter().filter_map(|(v, n)| p.decimal.read(v).map(|x| (x, v, *n))).collect();
    for (x, text, count) in &parsed {
        if !SENTINELS.contains(x) || (*count as f64) < 0.01 * p.rows as f64 {
            continue;
        }
        let others = parsed.iter().filter(|(y, _, _)| y != x);
        let (lo, hi) = others.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (y, _, _)| (lo.min(*y), hi.max(*y)));
        // It sits far beyond the other values: a code, not a quantity.
        let far = if *x > 0.0 { *x >= 5.0 * hi.max(1.0) } else { lo >= 0.0 };
        if far && hi.is_finite() {
            return Some(((*text).clone(), *count, hi));
        }
    }
    None
}

/// Separators of multi-select cells (HubSpot's and Salesforce's `;`, some tools' `|`);
/// not ',', which free text and names hold.
const LIST_SEPARATORS: [&str; 2] = [";", "|"];

/// More values than a multi-select field offers: free text that holds separators.
const MAX_LISTED_VALUES: usize = 60;

/// A multi-select column (`Webinar;Pricing`): a text column where at least a tenth of the
/// non-blank leads list several values with one of [`LIST_SEPARATORS`]. Returns the
/// separator and each value's leads, most frequent first, counted over the profile's
/// most frequent cells (a lower bound when there are more).
pub fn multi_select(p: &ColumnProfile) -> Option<(&'static str, Vec<(String, usize)>)> {
    let filled = p.rows.saturating_sub(p.blanks);
    if p.numeric || filled == 0 {
        return None;
    }
    let separator = LIST_SEPARATORS.into_iter().find(|sep| {
        let listing: usize = p.top_levels.iter().filter(|(v, _)| v.contains(sep)).map(|(_, n)| n).sum();
        listing * 10 >= filled
    })?;
    // Written with a space after each separator ("Pricing; Webinar"): that is the separator.
    let spaced = [";", "|"].into_iter().find(|s| *s == separator).map(|s| format!("{s} ")).filter(|spaced| {
        p.top_levels.iter().all(|(v, _)| v.matches(separator).count() == v.matches(spaced.as_str()).count())
    });
    let separator: &'static str = match spaced.as_deref() {
        Some("; ") => "; ",
        Some("| ") => "| ",
        _ => separator,
    };
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (cell, n) in &p.top_levels {
        let mut values: Vec<&str> = cell.split(separator).filter(|v| !v.is_empty()).collect();
        values.sort_unstable();
        values.dedup();
        for value in values {
            *counts.entry(value).or_insert(0) += n;
        }
    }
    // A field's options are few; free text with semicolons (notes, addresses) splits into many.
    if counts.len() > MAX_LISTED_VALUES || counts.len() * 2 > filled {
        return None;
    }
    let mut values: Vec<(String, usize)> = counts.into_iter().map(|(v, n)| (v.to_string(), n)).collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Some((separator, values))
}

/// Levels of a categorical to keep, from its [`spelled_levels`] (every value `p` lists,
/// spellings taken together): every level with at least `min_count` leads except the most
/// frequent (the baseline, left out so the levels are not collinear with the intercept),
/// at most 40. Returns (baseline, kept, pooled leads: the other levels' and the values'
/// beyond those the profile lists).
pub fn levels(p: &ColumnProfile, levels: &[SpelledLevel], min_count: usize) -> (Option<SpelledLevel>, Vec<SpelledLevel>, usize) {
    let mut it = levels.iter();
    let baseline = it.next().cloned();
    let kept: Vec<SpelledLevel> = it.filter(|l| l.leads >= min_count).take(40).cloned().collect();
    let named = baseline.iter().chain(&kept).map(|l| l.leads).sum::<usize>();
    (baseline, kept, p.rows.saturating_sub(p.blanks + named))
}

/// A first `[sales]` section from the data: capacity for the best share of a
/// month's leads that converts at about twice the base rate, and a band
/// around 2× to 4× the base rate (shares of MQLs that win).
pub fn sales(leads_per_month: f64, base_rate: f64) -> (f64, f64, f64) {
    let share = (2.0 * base_rate).clamp(0.05, 0.5);
    let capacity = ((leads_per_month * share / 10.0).round() * 10.0).max(10.0);
    let round2 = |x: f64| (x * 100.0).round() / 100.0;
    let low = round2((1.5 * base_rate).clamp(0.02, 0.9));
    let high = round2((4.0 * base_rate).clamp(low + 0.05, 0.98));
    (capacity, low, high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqlcal_scorecard::spelled_levels;

    #[test]
    fn the_segment_is_where_the_lead_came_from_as_crms_name_it() {
        let first = |names: &[&str]| segment_column(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
        for name in ["channel", "Marketing Channel", "Lead Source", "LeadSource", "lead_source", "Original Source", "hs_analytics_source", "Original Source Type", "utm_source", "Source"] {
            assert_eq!(first(&["Record ID", name, "Industry"]).as_deref(), Some(name));
        }
        assert_eq!(first(&["Sales Channels"]).as_deref(), Some("Sales Channels"));
        for name in ["Original Source Drill-Down 1", "Lead Source Detail", "Resource", "Data Source Id", "Channel Drill-Down 1", "Channel ID"] {
            assert_eq!(first(&["Record ID", name]), None, "{name}");
        }
    }

    #[test]
    fn web_addresses_split_by_their_queries_are_told_by_page() {
        let mut levels: Vec<(String, usize)> = vec![("https://acme.com/".into(), 600), ("https://acme.com/pricing".into(), 40)];
        levels.extend((0..300).map(|k| (format!("https://acme.com/pricing?utm_source=google&gclid={k}"), 2)));
        levels.extend((0..100).map(|k| (format!("www.acme.com/demo#form-{k}"), 1)));
        let listed: Vec<(&str, usize)> = levels.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        let pages = pages_split_by_queries(&profile("First Page Seen", &listed, false)).unwrap();
        assert_eq!(pages, vec![("https://acme.com/pricing".to_string(), 640), ("https://acme.com/".to_string(), 600), ("www.acme.com/demo".to_string(), 100)]);
        // A few pages written whole are levels; so is text, and a column of few values.
        let whole: Vec<(String, usize)> = (0..30).map(|k| (format!("https://acme.com/page-{k}"), 10)).collect();
        let whole: Vec<(&str, usize)> = whole.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert_eq!(pages_split_by_queries(&profile("Landing Page", &whole, false)), None);
        let texts: Vec<(String, usize)> = (0..30).map(|k| (format!("campaign {k}?"), 10)).collect();
        let texts: Vec<(&str, usize)> = texts.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert_eq!(pages_split_by_queries(&profile("Campaign", &texts, false)), None);
        let few = [("https://a.com/?x=1", 5), ("https://a.com/?x=2", 5), ("https://a.com/?x=3", 5)];
        assert_eq!(pages_split_by_queries(&profile("Page", &few, false)), None);
    }

    fn profile(name: &str, levels: &[(&str, usize)], numeric: bool) -> ColumnProfile {
        let rows = levels.iter().map(|l| l.1).sum();
        ColumnProfile {
            name: name.into(),
            rows,
            blanks: 0,
            blank_rate: 0.0,
            distinct: levels.len(),
            numeric,
            decimal: Default::default(),
            thousands_look: None,
            top_levels: levels.iter().map(|(v, n)| (v.to_string(), *n)).collect(),
            stray_texts: Vec::new(),
            p99: None,
            max: None,
            min: None,
            separation_auc: None,
            blank_rate_won: None,
            blank_rate_lost: None,
            leakage: None,
            period_label: None,
            won_together: (0, 0),
            captured: None,
            renamed: Vec::new(),
        }
    }

    /// Scores and grades by whole words, in any case or spelling of the name; not words
    /// that only contain one.
    #[test]
    fn scores_and_grades_are_named_by_whole_words() {
        for (name, word) in [
            ("HubSpot Score", "score"),
            ("Pardot Grade", "grade"),
            ("BehaviorScore", "score"),
            ("lead_grade", "grade"),
            ("Rating", "rating"),
            ("Likelihood to Buy", "likelihood"),
            ("Einstein Lead Score", "score"),
            ("Propensity", "propensity"),
            ("Scores", "score"),
        ] {
            assert_eq!(score_named(name), Some(word), "{name}");
        }
        // "hubspotscore" is one word written so: not split.
        for name in ["Upgrade Path", "Gradebook", "Scored Date", "industry", "Decision Stage", "hubspotscore"] {
            assert_eq!(score_named(name), None, "{name}");
        }
    }

    #[test]
    fn multi_select_cells_are_told_from_categories() {
        let listed = profile("interests", &[("Pricing", 50), ("Pricing;Webinar", 30), ("Webinar;Ebook", 20), ("Ebook", 10)], false);
        let (separator, values) = multi_select(&listed).unwrap();
        assert_eq!(separator, ";");
        assert_eq!(values, vec![("Pricing".to_string(), 80), ("Webinar".to_string(), 50), ("Ebook".to_string(), 30)]);
        // A few listing cells among many plain ones, or none: a plain categorical.
        assert!(multi_select(&profile("title", &[("VP", 500), ("Director", 400), ("R;D", 20)], false)).is_none());
        assert!(multi_select(&profile("title", &[("VP", 5), ("Director", 4)], false)).is_none());
        let piped = profile("tags", &[("a|b", 10), ("b", 10)], false);
        assert_eq!(multi_select(&piped).unwrap().0, "|");
        let spaced = profile("interests", &[("Pricing; Webinar", 30), ("Webinar", 20)], false);
        assert_eq!(multi_select(&spaced).unwrap(), ("; ", vec![("Webinar".to_string(), 50), ("Pricing".to_string(), 30)]));
        // Notes with semicolons: every fragment its own value.
        let notes: Vec<(String, usize)> = (0..200).map(|k| (format!("called {k}; left voicemail {k}"), 1)).collect();
        let notes: Vec<(&str, usize)> = notes.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert!(multi_select(&profile("notes", &notes, false)).is_none());
    }

    #[test]
    fn decision_dates_are_told_by_their_names() {
        for name in ["CloseDate", "Close Date", "closed_at", "Date Converted", "ConvertedDate", "Became a Customer Date", "won_date", "Closed On", "Closing Date", "Win Date", "hs_date_entered_customer", "Won Time"] {
            assert!(decision_date_named(name), "{name}");
        }
        for name in [
            "created_at", "Created Date", "Lead Created Closed Date", "Last Activity Date", "close_reason", "Converted", "outcome", "lost_reason",
            "First Conversion Date", "Recent Conversion Date", "Expected close date", "Est. Close Date", "Decision Maker Identified Date", "window_days", "Last Closed Date",
        ] {
            assert!(!decision_date_named(name), "{name}");
        }
    }

    #[test]
    fn numbers_as_a_report_displays_them_are_told() {
        use mqlcal_scorecard::DecimalMark;
        let amounts: Vec<(String, usize)> = (0..20).map(|k| (format!("${},200,000", 20 - k), 10 + k)).collect();
        let money: Vec<(&str, usize)> = amounts.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert_eq!(formatted_numbers(&profile("Annual Revenue", &money, false), DecimalMark::Point), Some(("$20,200,000", "written as money; export numbers unformatted (1200.50, not $1,200.50)")));
        let grouped: Vec<(String, usize)> = (0..20).map(|k| (format!("{},200,000", k + 1), 10)).collect();
        let grouped: Vec<(&str, usize)> = grouped.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        let grouped = profile("Annual Revenue", &grouped, false);
        assert!(formatted_numbers(&grouped, DecimalMark::Point).unwrap().1.contains("thousands separator"));
        // Bands are levels; names are text; a few formatted values among text are not it.
        let bands = profile("Employees", &[("1-10", 50), ("11-50", 40), ("51-200", 20)], false);
        assert_eq!(formatted_numbers(&bands, DecimalMark::Point), None);
        let mixed = profile("Budget", &[("unknown", 50), ("$1,000", 40)], false);
        assert_eq!(formatted_numbers(&mixed, DecimalMark::Point), None);
        // Plain numbers with a few words are no displayed numbers; nor a zip code with ZIP+4.
        let plain: Vec<(String, usize)> = (0..20).map(|k| ((k * 50).to_string(), 10)).chain([("Unknown".to_string(), 5)]).collect();
        let plain: Vec<(&str, usize)> = plain.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert_eq!(formatted_numbers(&profile("Employees", &plain, false), DecimalMark::Point), None);
        let zips: Vec<(String, usize)> = (0..20).map(|k| (format!("0{}", 2100 + k), 10)).chain([("02139-1234".to_string(), 2)]).collect();
        let zips: Vec<(&str, usize)> = zips.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert_eq!(formatted_numbers(&profile("Zip", &zips, false), DecimalMark::Point), None);
        // A few percentages are a fine categorical; #N/A is aside.
        assert_eq!(formatted_numbers(&profile("Discount", &[("10%", 5), ("25%", 5), ("50%", 5)], false), DecimalMark::Point), None);
        let with_errors: Vec<(String, usize)> = (0..20).map(|k| (format!("${},000", k + 1), 10)).chain([("#N/A".to_string(), 40)]).collect();
        let with_errors: Vec<(&str, usize)> = with_errors.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert!(formatted_numbers(&profile("Amount", &with_errors, false), DecimalMark::Point).is_some());
        assert_eq!(formatted_numbers(&profile("industry", &[("software", 5), ("retail", 3)], false), DecimalMark::Point), None);
    }

    #[test]
    fn personal_data_is_told_by_its_name() {
        for (name, what) in [
            ("First Name", "a person's name"),
            ("lastname", "a person's name"),
            ("Name", "a person's name"),
            ("Full Name", "a person's name"),
            ("Contact Name", "a person's name"),
            ("Email", "an e-mail address"),
            ("Work Email Address", "an e-mail address"),
            ("e-mail", "an e-mail address"),
            ("Mobile Phone", "a phone number"),
            ("Phone Number", "a phone number"),
            ("Street Address", "a postal address"),
            ("Salutation", "a person's salutation or sex"),
            ("Gender", "a person's salutation or sex"),
            ("fname", "a person's name"),
            ("Email ID", "an e-mail address"),
            ("Secondary Email", "an e-mail address"),
            ("Email 2", "an e-mail address"),
            ("Contact Number", "a phone number"),
            ("WhatsApp Number", "a phone number"),
            ("Other Phone", "a phone number"),
            ("Phone 2", "a phone number"),
            ("Billing Street", "a postal address"),
            ("Address Line 3", "a postal address"),
        ] {
            assert_eq!(personal_data(name), Some(what), "{name}");
        }
        for name in ["Company Name", "Campaign Name", "Email Domain", "email_domain_type", "Do Not Email", "Marketing emails opened", "Job Title", "title_seniority", "Lead Source", "Phone Calls Made", "Mobile App Installed", "Business Name", "Mobile", "IP Address", "Lead Number", "Mobile App"] {
            assert_eq!(personal_data(name), None, "{name}");
        }
    }

    #[test]
    fn the_column_saying_what_an_event_was_about_is_found_by_its_name() {
        let detail = |names: &[&str], taken: &[&str]| detail_column(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>(), taken);
        let marketo = ["Lead ID", "Activity Date", "Activity Type", "Primary Attribute Value", "Campaign Name"];
        assert_eq!(detail(&marketo, &["Lead ID", "Activity Date", "Activity Type"]).as_deref(), Some("Primary Attribute Value"), "before a campaign's name");
        assert_eq!(detail(&["leadId", "activityDate", "activityTypeId", "primaryAttributeValue"], &[]).as_deref(), Some("primaryAttributeValue"));
        assert_eq!(detail(&["user_id", "event_timestamp", "event_name", "page_location"], &[]).as_deref(), Some("page_location"));
        // Salesforce's Subject is the activity when nothing else is: then it is no detail.
        assert_eq!(detail(&["LeadId", "CreatedDate", "Subject"], &["LeadId", "CreatedDate", "Subject"]), None);
        assert_eq!(detail(&["LeadId", "CreatedDate", "Type", "Subject"], &["LeadId", "CreatedDate", "Type"]).as_deref(), Some("Subject"));
        assert_eq!(detail(&["lead_id", "occurred_at", "activity", "channel"], &[]), None);
    }

    #[test]
    fn an_events_exports_columns_are_told_apart() {
        let columns = |names: &[&str]| {
            let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let c = events_columns(&names);
            [c.lead_id, c.occurred, c.activity]
        };
        assert_eq!(columns(&["lead_id", "occurred_at", "activity"]), ["lead_id", "occurred_at", "activity"]);
        // HubSpot: the date is named as the activity's too.
        assert_eq!(columns(&["Record ID", "Activity date", "Activity type"]), ["Record ID", "Activity date", "Activity type"]);
        // Salesforce: the activity's own id first, the lead's after.
        assert_eq!(columns(&["Activity ID", "Subject", "Date", "Lead ID"]), ["Lead ID", "Date", "Subject"]);
        assert_eq!(columns(&["Lead Id", "Activity Date", "Activity Type", "Primary Attribute Value"]), ["Lead Id", "Activity Date", "Activity Type"]);
        assert_eq!(columns(&["contact", "timestamp", "event"]), ["contact", "timestamp", "event"]);
        // Names that tell nothing: file order.
        assert_eq!(columns(&["a", "b", "c"]), ["a", "b", "c"]);
        assert_eq!(columns(&["what", "when", "who"]), ["who", "when", "what"]);
        // An id that names each event is the activity only when nothing else is left.
        assert_eq!(columns(&["Lead ID", "Date", "Activity ID", "Notes"]), ["Lead ID", "Date", "Notes"]);
        assert_eq!(columns(&["Activity ID", "Associated Contact IDs", "Activity date", "Activity type"]), ["Associated Contact IDs", "Activity date", "Activity type"]);
        assert_eq!(columns(&["marketoGUID", "leadId", "activityDate", "activityTypeId", "primaryAttributeValue"]), ["leadId", "activityDate", "activityTypeId"]);
        assert_eq!(columns(&["Lead Source", "Lead ID", "Date", "Activity Type"]), ["Lead ID", "Date", "Activity Type"]);
        assert_eq!(columns(&["Id", "LeadId", "CreatedDate", "Subject"]), ["LeadId", "CreatedDate", "Subject"]);
        assert_eq!(columns(&["lead", "when", "what"]), ["lead", "when", "what"]);
        // Too few columns: "" for what is missing.
        assert_eq!(columns(&["lead_id", "occurred_at"]), ["lead_id", "occurred_at", ""]);
        assert_eq!(columns(&[]), ["", "", ""]);
    }

    #[test]
    fn leads_sales_turned_down_are_lost() {
        let status = profile(
            "Lead Status",
            &[("Unqualified", 9), ("Junk Lead", 8), ("Not Interested", 7), ("Not Qualified", 6), ("Customer", 5), ("Nurture", 4), ("Pre-Qualified", 3), ("Open", 2)],
            false,
        );
        let (won, lost, open) = classify_outcomes(&status);
        assert_eq!(won, ["Customer"]);
        assert_eq!(lost, ["Unqualified", "Junk Lead", "Not Interested", "Not Qualified"]);
        assert_eq!(open, ["Nurture", "Pre-Qualified", "Open"]);
    }

    /// A 1/0 outcome as pandas writes it for a column with blanks (`1.0`, `0.0`): won and
    /// lost as `1` and `0` are, drafted as written; `2.0` and `1.00` are no yes or no.
    #[test]
    fn an_outcome_of_1_0_and_0_0_is_won_and_lost() {
        let converted = profile("converted", &[("0.0", 12), ("1.0", 3)], true);
        assert_eq!(classify_outcomes(&converted), (vec!["1.0".to_string()], vec!["0.0".to_string()], vec![]));
        assert!(outcome_score(&converted).is_some());
        assert!(yes_or_no_word("1.0") && yes_or_no_word("0.0") && !yes_or_no_word("2.0") && !yes_or_no_word("1.00"));
    }

    /// Statuses that say the record is no lead (drafted under `[exclude]`), and
    /// words that only hold those letters.
    #[test]
    fn records_that_are_no_leads_are_told() {
        for value in ["Duplicate", "Merged", "Test Lead", "TEST", "Dupe - merged", "Do not use", "Closed - Duplicate", "deleted", "Deleted"] {
            assert!(not_a_lead(value), "{value}");
        }
        for value in ["Open", "Contested", "Latest", "Attested", "Closed Lost", "Testimonial requested", "Protest", "Undeleted"] {
            assert!(!not_a_lead(value), "{value}");
        }
    }

    /// A won word inside another (`Won't Buy`), a customer no longer, and HubSpot's stage
    /// after customer; a stage column of many values (one per reason) is still found.
    #[test]
    fn won_words_in_context() {
        let stage = profile(
            "Stage",
            &[("Closed - Won't Buy", 9), ("Closed Won", 8), ("Closed - Former Customer", 7), ("Ex-customer", 6), ("evangelist", 5), ("customer", 4), ("Closed Lost", 3), ("Open", 2), ("Closed Lost - Former Customer", 1)],
            false,
        );
        let (won, lost, open) = classify_outcomes(&stage);
        assert_eq!(won, ["Closed Won", "evangelist", "customer"]);
        assert_eq!(lost, ["Closed - Won't Buy", "Closed Lost", "Closed Lost - Former Customer"]);
        assert_eq!(open, ["Closed - Former Customer", "Ex-customer", "Open"]);
        let reasons: Vec<(String, usize)> = (0..6)
            .map(|k| (format!("Closed Won - {}", ["New", "Upsell", "Renewal", "Expansion", "Partner", "Other"][k]), 20 - k))
            .chain((0..6).map(|k| (format!("Closed Lost - {}", ["No Budget", "Timing", "Competitor", "No Decision", "Price", "Other"][k]), 10 - k)))
            .collect();
        let named: Vec<(&str, usize)> = reasons.iter().map(|(v, n)| (v.as_str(), *n)).collect();
        assert!(outcome_score(&profile("Stage", &named, false)).is_some(), "12 values, each won or lost");
        let mut lifecycle = named.clone();
        lifecycle.retain(|(v, _)| v.starts_with("Closed Won"));
        lifecycle.extend((0..6).map(|k| (["Lead", "MQL", "SQL", "Opportunity", "Subscriber", "Other"][k], 1)));
        assert!(outcome_score(&profile("Stage", &lifecycle, false)).is_none(), "many values and never lost: not drafted");
    }

    #[test]
    fn the_target_beats_a_decoy_outcome_column() {
        let decoy = profile("outcome", &[("nonexistent", 80), ("failure", 15), ("success", 5)], false);
        let y = profile("y", &[("no", 88), ("yes", 12)], false);
        assert_eq!(outcome_score(&decoy), None);
        assert!(outcome_score(&y).is_some());
        let stage = profile("Lead Stage", &[("Closed Lost", 50), ("Open", 30), ("Closed Won", 20)], false);
        assert!(outcome_score(&y) > outcome_score(&stage));
        // A count that is 0 or 1 for every lead is a quantity, not the target.
        for name in ["Number of Associated Deals", "num_deals", "# of Opportunities", "Converted Count", "Total Won", "Won deals"] {
            assert_eq!(outcome_score(&profile(name, &[("0", 80), ("1", 20)], true)), None, "{name}");
        }
        // A window is no quantity.
        for name in ["converted_within_30_days", "Converted in 90 Days", "won_within_60_days"] {
            assert!(outcome_score(&profile(name, &[("0", 80), ("1", 20)], true)).is_some(), "{name}");
        }
        let outcome = profile("outcome", &[("lost", 60), ("won", 20), ("open", 20)], false);
        assert!(outcome_score(&outcome).is_some());
        // A yes/no column whose name only holds an outcome word (an account-based
        // marketing flag, an opt-in) is no outcome beside one whose values say won and
        // lost, or a lifecycle stage that never says lost; a target named alone still is.
        let lifecycle = profile("Lifecycle Stage", &[("lead", 70), ("customer", 20), ("marketingqualifiedlead", 10)], false);
        for decoy in ["Target Account", "target_geo", "Opt-in Status", "Purchase Intent"] {
            let flag = profile(decoy, &[("No", 85), ("Yes", 15)], false);
            assert!(outcome_score(&flag).is_some(), "{decoy}: drafted when nothing else says won");
            assert!(outcome_score(&outcome) > outcome_score(&flag), "{decoy}");
            assert!(outcome_score(&stage) > outcome_score(&flag), "{decoy}");
            assert!(outcome_score(&lifecycle) > outcome_score(&flag), "{decoy}");
            assert!(outcome_score(&y) > outcome_score(&flag), "{decoy}");
        }
        let converted = profile("Converted", &[("0", 60), ("1", 40)], true);
        assert!(outcome_score(&converted) > outcome_score(&profile("Target Account", &[("0", 85), ("1", 15)], true)));
    }

    #[test]
    fn levels_are_alike_by_one_rule() {
        use mqlcal_scorecard::DecimalMark;
        let levels = Spelled::levels([("software", 0), ("10", 1), ("51-200", 2), ("vp", 3)], DecimalMark::Point);
        assert_eq!(levels.like("SOFTWARE"), Some(("software", 0)));
        assert_eq!(levels.like(" VP"), Some(("vp", 3)));
        // A number is no spelling of another; a band only of the same band.
        assert_eq!((levels.like("1.0"), levels.like("1-0"), levels.like("5-1200"), levels.like("51 - 200")), (None, None, None, Some(("51-200", 2))));
        assert_eq!((level_key("", DecimalMark::Point), level_key("2.5", DecimalMark::Point)), (None, None));
        assert_eq!(Spelled::new([("10", 0)]).like("1.0"), Some(("10", 0)), "names other than levels keep spelling's rule");
    }

    #[test]
    fn conversion_columns_are_told_from_form_conversions_and_denials() {
        for yes in ["Converted Date", "ConvertedDate", "Date Converted", "Converted Opportunity ID", "Became a Customer Date", "Customer Since", "Closed Won Date"] {
            assert!(conversion_named(yes), "{yes}");
        }
        for no in ["First Conversion Date", "Recent Conversion Date", "First Conversion", "Conversion Rate", "Not Converted Reason", "Non Converted Date", "Unconverted", "Lost Date", "Lead Status"] {
            assert!(!conversion_named(no), "{no}");
        }
        // Of columns filled alike, the dates first; none filled for most leads.
        let filled = |name: &str, filled: usize| ColumnProfile { rows: 1000, blanks: 1000 - filled, ..profile(name, &[("x", filled)], false) };
        let (date, account, most) = (filled("Converted Date", 150), filled("Converted Account ID", 150), filled("Became a Customer Date", 800));
        let profiles = [account.clone(), date.clone(), most];
        let picked = conversion_filled(&profiles, |p| p.name.ends_with("Date")).unwrap();
        assert_eq!(picked.name, "Converted Date");
        assert!(conversion_filled(&[filled("Converted Date", 3)], |_| true).is_none(), "filled for 0.3 %: no conversion rate");
    }

    #[test]
    fn sentinels_codes_and_levels() {
        use mqlcal_scorecard::DecimalMark;
        let pdays = profile("pdays", &[("999", 960), ("3", 20), ("6", 12), ("12", 8)], true);
        assert_eq!(sentinel(&pdays), Some(("999".into(), 960, 12.0)));
        let age = profile("age", &[("30", 500), ("99", 2), ("45", 498)], true);
        assert_eq!(sentinel(&age), None, "99 in under 1 % of rows is an age, not a code");
        assert!(is_code(&profile("TrafficType", &[("1", 5), ("2", 5)], true)));
        let zips: Vec<(String, usize)> = (0..500).map(|k| ((10_000 + 173 * k).to_string(), 3)).collect();
        let zips: Vec<(&str, usize)> = zips.iter().map(|(z, n)| (z.as_str(), *n)).collect();
        assert!(is_code(&profile("Zip/Postal Code", &zips, true)), "a zip code is a code however many there are");
        assert!(is_code(&profile("SIC Code", &zips, true)));
        assert!(!is_code(&profile("No. of Employees", &zips, true)));
        assert_eq!(axis("age"), "fit");
        assert_eq!(axis("TotalVisits"), "engagement");
        assert_eq!(axis("Email Domain Type"), "fit");
        assert_eq!(axis("Time Zone"), "fit");
        assert_eq!(axis("Email Clicks"), "engagement");
        let job = profile("job", &[("admin", 100), ("tech", 60), ("rare", 3)], false);
        let level = |level: &str, leads: usize, others: &[(&str, usize)]| SpelledLevel { level: level.into(), leads, others: others.iter().map(|&(o, n)| (o.into(), n)).collect() };
        let (baseline, kept, pooled) = levels(&job, &spelled_levels(&job.top_levels, DecimalMark::Point), 30);
        assert_eq!(baseline, Some(level("admin", 100, &[])));
        assert_eq!(kept, vec![level("tech", 60, &[])]);
        assert_eq!(pooled, 3);
        // Spellings of one level are one level under the most frequent, with their leads
        // together; "TECH" lifts "tech" over "admin", and "RARE" "rare" over the bar.
        let spelled = profile("job", &[("admin", 100), ("tech", 60), ("Tech Ops", 50), ("TECH", 45), ("rare", 20), ("RARE", 12), ("51-200", 9), ("5-1200", 8)], false);
        let (baseline, kept, pooled) = levels(&spelled, &spelled_levels(&spelled.top_levels, DecimalMark::Point), 30);
        assert_eq!(baseline, Some(level("tech", 105, &[("TECH", 45)])));
        assert_eq!(kept, vec![level("admin", 100, &[]), level("Tech Ops", 50, &[]), level("rare", 32, &[("RARE", 12)])]);
        assert_eq!(pooled, 17, "the two bands, apart though written alike");
        // Numbers and blanks stay apart; a value listed after "; " is the same option.
        let values: Vec<(String, usize)> = [("25", 40), ("2.5", 30), ("Webinar", 20), (" Webinar", 10), ("webinar", 5), (" ", 3)].map(|(v, n)| (v.to_string(), n)).into();
        let spelled = spelled_levels(&values, DecimalMark::Point);
        assert_eq!(spelled.iter().map(|l| (l.level.as_str(), l.leads)).collect::<Vec<_>>(), [("25", 40), ("Webinar", 35), ("2.5", 30), (" ", 3)]);
    }
}
