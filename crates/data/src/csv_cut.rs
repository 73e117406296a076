//! Where a block of CSV bytes can be cut so that each piece parses, on its own, into
//! exactly the records the whole file holds: what lets the events file be parsed on
//! every core. The rules are csv-core's (RFC 4180 quoting, `""` inside quotes, `\r`,
//! `\n` or `\r\n` ending a record). Where a byte could be read two ways without
//! parsing (a double quote inside an unquoted field, which csv-core keeps as text),
//! no cut is offered and the caller reads the rest of the file in order.

/// What `last_cut` found in a block that starts where a record starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cut {
    /// The first this many bytes hold whole records; the rest starts a record.
    At(usize),
    /// No record ends inside the block (one record longer than the block, or line
    /// ends that are a lone `\r`).
    NoRecordEnd,
    /// A double quote csv-core reads as text: where records end is not known
    /// without parsing.
    Unsure,
}

/// The last place `block` can be cut. It must start at a record's start.
///
/// A cut goes where csv-core's reading of a record stops, so that records and their
/// line numbers come out alike read in pieces or whole.
pub(crate) fn last_cut(block: &[u8], delimiter: u8) -> Cut {
    if matches!(delimiter, b'"' | b'\n' | b'\r') {
        return Cut::Unsure;
    }
    if memchr::memchr(b'"', block).is_none() {
        return last_record_end(block);
    }
    cut_by_quotes(block, delimiter)
}

/// `last_cut` of a block without a double quote: every line end lies outside quotes,
/// so the cut goes after the last line-end byte that follows text. Found from the end
/// (the thread that cuts the pieces is the one that hands on their events).
fn last_record_end(block: &[u8]) -> Cut {
    let mut before = block.len();
    while let Some(at) = memchr::memrchr2(b'\n', b'\r', &block[..before]) {
        if at > 0 && !is_line_end(block[at - 1]) {
            return Cut::At(at + 1);
        }
        before = at;
    }
    Cut::NoRecordEnd
}

/// A byte that ends a record (csv-core's line ends).
pub(crate) fn is_line_end(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// `last_cut` read from the start, quotes followed.
fn cut_by_quotes(block: &[u8], delimiter: u8) -> Cut {
    let mut inside_quotes = false;
    let mut cut = None;
    let mut from = 0;
    while let Some(found) = memchr::memchr3(b'"', b'\n', b'\r', &block[from..]) {
        let at = from + found;
        from = at + 1;
        if block[at] != b'"' {
            // A record ends at the first line-end byte after its text; the bytes that follow
            // (the \n of \r\n, blank lines) are skipped by the next record's read, which
            // is where csv-core counts them: a cut goes right after that first byte.
            if !inside_quotes && at > 0 && !is_line_end(block[at - 1]) {
                cut = Some(at + 1);
            }
            continue;
        }
        if !inside_quotes {
            // A quote opens a quoted field only where a field starts.
            let field_start = at == 0 || is_line_end(block[at - 1]) || block[at - 1] == delimiter;
            if !field_start {
                return Cut::Unsure;
            }
            inside_quotes = true;
            continue;
        }
        match block.get(at + 1) {
            // Closing or the first half of `""`: the next block tells; cut before it.
            None => break,
            Some(b'"') => from = at + 2,
            Some(&next) if next == delimiter || is_line_end(next) => inside_quotes = false,
            // Text after a closing quote: csv-core keeps it, and any later quote, as text.
            Some(_) => return Cut::Unsure,
        }
    }
    cut.map_or(Cut::NoRecordEnd, Cut::At)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records csv-core reads from `bytes`, with each one's line.
    fn records(bytes: &[u8]) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            out.push((record.position().unwrap().line(), record.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    #[test]
    fn cuts_after_the_last_record_end_outside_quotes() {
        assert_eq!(last_cut(b"a,b\nc,d\ne,", b','), Cut::At(8));
        assert_eq!(last_cut(b"a,b\r\nc,d\r\ne,", b','), Cut::At(9));
        assert_eq!(last_cut(b"a,b\rc,d\r", b','), Cut::At(8));
        // Blank lines after a record are read with the next one.
        assert_eq!(last_cut(b"a,b\n\n\r\n", b','), Cut::At(4));
        // A line break inside quotes is data; `""` is an escaped quote.
        assert_eq!(last_cut(b"a,\"x\ny\"\nb,\"say \"\"hi\n\"\"\"\nc", b','), Cut::At(24));
        assert_eq!(last_cut(b"a,\"open\nstill open", b','), Cut::NoRecordEnd);
        // A quote at the block's end may close or escape: cut before it.
        assert_eq!(last_cut(b"a,b\nc,\"x\"", b','), Cut::At(4));
        assert_eq!(last_cut(b"a;\"x,y\";b\nc", b';'), Cut::At(10));
    }

    #[test]
    fn without_quotes_the_cut_found_from_the_end_is_the_one_read_from_the_start() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let alphabet = [b'a', b',', b'\n', b'\r', b' '];
        for _ in 0..20_000 {
            let len = rng.random_range(0..40);
            let block: Vec<u8> = (0..len).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
            assert_eq!(last_cut(&block, b','), cut_by_quotes(&block, b','), "{:?}", String::from_utf8_lossy(&block));
        }
    }

    #[test]
    fn a_quote_csv_core_reads_as_text_gives_no_cut() {
        assert_eq!(last_cut(b"a,5\" screen\nb,c\n", b','), Cut::Unsure);
        assert_eq!(last_cut(b"a,\"x\"y\nb,c\n", b','), Cut::Unsure);
        assert_eq!(last_cut(b"a, \"x\"\nb,c\n", b','), Cut::Unsure);
        assert_eq!(last_cut(b"a\"b\nc\n", b'"'), Cut::Unsure);
    }

    #[test]
    fn pieces_cut_anywhere_parse_into_the_whole_files_records_and_lines() {
        let files: [&[u8]; 5] = [
            b"1,a,x\n2,\"b\nc\",y\n\n3,\"\"\"q\"\"\",z\n4,d,w",
            b"1,a,x\r\n2,\"b\r\nc\",y\r\n3,e,z\r\n",
            b"1,\"a,b\",x\n2,\"\",y\n3,c,\"\"\n",
            b"\"1\",\"a\"\r\n\"2\",\"b\"\n3,c\n",
            b"\n\n1,a\r\r\n\n2,\"b\rc\"\r3,c\n\r\n",
        ];
        for file in files {
            let whole = records(file);
            for block in 1..=file.len() {
                let (mut start, mut lines, mut pieces) = (0, 0u64, Vec::new());
                // As the reader cuts: the last cut in each block, the rest carried into the next.
                while start < file.len() {
                    let mut end = (start + block).min(file.len());
                    let piece_end = loop {
                        if end == file.len() {
                            break end;
                        }
                        match last_cut(&file[start..end], b',') {
                            Cut::At(k) => break start + k,
                            Cut::NoRecordEnd => end = (end + block).min(file.len()),
                            Cut::Unsure => panic!("unsure in {:?}", String::from_utf8_lossy(file)),
                        }
                    };
                    let piece = &file[start..piece_end];
                    for (line, fields) in records(piece) {
                        pieces.push((lines + line, fields));
                    }
                    lines += piece.iter().filter(|&&b| b == b'\n').count() as u64;
                    start = piece_end;
                }
                assert_eq!(pieces, whole, "{:?} in blocks of {block}", String::from_utf8_lossy(file));
            }
        }
    }
}
