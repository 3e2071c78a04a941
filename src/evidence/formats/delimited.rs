//! CSV and TSV exports: a header (after PowerShell's `#TYPE` line, if any), rows split at record boundaries
//! and parsed in pieces on every worker, each keeping its line.

use super::*;

/// CSV/TSV with a header row. Empty cells are null; a row with the wrong number of cells is an error. A
/// `#TYPE ...` line above the header (Windows PowerShell's `Export-Csv` writes one unless told
/// `-NoTypeInformation`) is skipped, and every other line keeps its number.
pub(super) fn delimited(
    file: &Arc<SourceFile>,
    delimiter: u8,
    renames: &BTreeMap<String, String>,
) -> Result<Parsed, FormatError> {
    let skip = type_line_len(&file.text);
    let header_line = 1 + usize::from(skip > 0);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(file.text.as_bytes().get(skip..).unwrap_or_default());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            let mut err = csv_error(&e, file);
            err.line = e.position().map(|p| csv_line_at(file, skip + p.byte() as usize));
            err
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Ok(Parsed::default());
    }
    // A set of the names seen, so a header of 100,000 columns is checked in one pass, not one per pair.
    let mut seen: foldhash::HashSet<&str> =
        foldhash::HashSet::with_capacity_and_hasher(headers.len(), Default::default());
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            return Err(FormatError {
                message: format!("column {} has no header", i + 1),
                line: Some(header_line),
            });
        }
        if !seen.insert(h) {
            return Err(FormatError {
                message: format!("the header `{h}` appears twice"),
                line: Some(header_line),
            });
        }
    }
    // Large files are split at record boundaries and the pieces parsed in parallel; records keep file order.
    let columns = Arc::new(Columns::new(&headers, renames));
    let body_start = skip + reader.position().byte() as usize;
    let pieces = pieces(&file.text, body_start, delimiter, CHUNK_BYTES);
    let parsed: Vec<Result<Vec<Record>, FormatError>> = pieces
        .par_iter()
        .map(|piece| parse_piece(file, delimiter, &columns, piece))
        .collect();
    let mut out = Vec::with_capacity(parsed.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum());
    for piece in parsed {
        out.extend(piece?);
    }
    let notes = out.first().and_then(type_name_cells).into_iter().collect();
    Ok(Parsed {
        records: out,
        notes,
        page: None,
    })
}

/// The length of a leading `#TYPE ...` line with its line end, or 0.
fn type_line_len(text: &str) -> usize {
    if !text.starts_with("#TYPE ") {
        return 0;
    }
    text.find('\n').map_or(text.len(), |i| i + 1)
}

/// The header row of CSV text, as [`delimited`] reads it (after any `#TYPE` line): for `assure init`.
pub fn csv_headers(text: &str, delimiter: u8) -> Vec<String> {
    let skip = type_line_len(text);
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes().get(skip..).unwrap_or_default())
        .headers()
        .map(|h| h.iter().map(|s| s.trim().to_string()).collect())
        .unwrap_or_default()
}

/// The delimiter of CSV text whose manifest entry sets none: `;` when its header line holds `;` and no `,`
/// (Excel saves CSV that way where the decimal separator is a comma), else `,`.
pub fn sniff_delimiter(text: &str) -> u8 {
    let skip = type_line_len(text);
    let header = text.get(skip..).unwrap_or_default().lines().next().unwrap_or_default();
    if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    }
}

/// A note when the first row of a CSV export holds a type name or `@{...}` text: `Export-Csv` writes that for
/// a property holding a list or an object, and writes it in every row, so the first row tells.
fn type_name_cells(first: &Record) -> Option<Note> {
    // The Active Directory module's bookkeeping properties, in every Get-ADUser export and never evidence.
    const BOOKKEEPING: [&str; 4] = [
        "PropertyNames",
        "AddedProperties",
        "RemovedProperties",
        "ModifiedProperties",
    ];
    let (column, text) = first.fields().into_iter().find_map(|(name, field)| match field {
        Field::Text(t) if truncated_by_powershell(t) && !BOOKKEEPING.contains(&name) => {
            Some((name.to_string(), t.to_string()))
        }
        _ => None,
    })?;
    Some(Note {
        message: format!(
            "column `{column}` holds \"{}\": Export-Csv wrote the type of a list or object rather than its contents",
            text.chars().take(60).collect::<String>()
        ),
        line: Some(first.line() as usize),
        help: format!(
            "select it as text before exporting, e.g. `Select-Object *, @{{n='{column}';e={{$_.{column} -join ';'}}}} -ExcludeProperty {column}`, or leave it out if no check needs it"
        ),
    })
}

/// Bytes of CSV parsed by one task; smaller files are parsed in one piece.
const CHUNK_BYTES: usize = 4 << 20;

/// Splits CSV bytes into pieces of about `size` bytes that end at a record boundary: each piece ends at the
/// first record end at least `size` bytes after its start.
fn split_records(bytes: &[u8], delimiter: u8, size: usize) -> Vec<(usize, usize)> {
    if memchr::memchr(b'"', bytes).is_some() {
        return split_quoted(bytes, delimiter, size);
    }
    // Without quotes every line feed ends a record, so only the piece ends need finding.
    let size = size.max(1);
    let mut pieces = Vec::new();
    let mut start = 0;
    while let Some(end) = bytes
        .get(start + size - 1..)
        .and_then(|rest| memchr::memchr(b'\n', rest))
        .map(|i| start + size + i)
    {
        pieces.push((start, end));
        start = end;
    }
    if start < bytes.len() || pieces.is_empty() {
        pieces.push((start, bytes.len()));
    }
    pieces
}

/// [`split_records`] for bytes with quotes. The scan follows the csv crate's default quoting (a quote opens a
/// quoted field only at the start of a field; `""` inside one is an escaped quote), so a line end inside a
/// quoted field never ends a piece.
fn split_quoted(bytes: &[u8], delimiter: u8, size: usize) -> Vec<(usize, usize)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut state = State::FieldStart;
    for (i, &b) in bytes.iter().enumerate() {
        state = match (state, b) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::FieldStart, b'"') => State::Quoted,
            (_, b'\n') => {
                if i + 1 - start >= size {
                    pieces.push((start, i + 1));
                    start = i + 1;
                }
                State::FieldStart
            }
            (_, b'\r') => State::FieldStart,
            (_, b) if b == delimiter => State::FieldStart,
            _ => State::Unquoted,
        };
    }
    if start < bytes.len() || pieces.is_empty() {
        pieces.push((start, bytes.len()));
    }
    pieces
}

/// The body of a CSV file (from `body_start`) in pieces of about `size` bytes, each with its first line: rows
/// then count their lines as they go, without the file's line index.
fn pieces(text: &str, body_start: usize, delimiter: u8, size: usize) -> Vec<Piece<'_>> {
    let body = text.as_bytes().get(body_start..).unwrap_or_default();
    let spans = split_records(body, delimiter, size);
    let feeds: Vec<usize> = spans
        .par_iter()
        .map(|&(start, end)| memchr::memchr_iter(b'\n', &body[start..end]).count())
        .collect();
    let mut line = 1 + memchr::memchr_iter(b'\n', text.as_bytes().get(..body_start).unwrap_or_default()).count();
    spans
        .iter()
        .zip(feeds)
        .map(|(&(start, end), feeds)| {
            let piece = Piece {
                offset: body_start + start,
                bytes: &body[start..end],
                line,
                feeds,
            };
            line += feeds;
            piece
        })
        .collect()
}

/// A piece of a CSV body: where it starts in the file, its bytes, the line it starts on and its line feeds.
struct Piece<'a> {
    offset: usize,
    bytes: &'a [u8],
    line: usize,
    feeds: usize,
}

/// Parses the records of a piece against the file's columns.
fn parse_piece(
    file: &Arc<SourceFile>,
    delimiter: u8,
    columns: &Arc<Columns>,
    piece: &Piece<'_>,
) -> Result<Vec<Record>, FormatError> {
    let (offset, bytes) = (piece.offset, piece.bytes);
    let mut table = Table::new(file.clone(), columns.clone(), offset);
    let rows = piece.feeds + 1;
    table.reserve(rows);
    let mut lines: Vec<u32> = Vec::with_capacity(rows);
    if memchr::memchr(b'"', bytes).is_none() {
        parse_plain(piece, delimiter, columns.len(), &mut table, &mut lines)?;
        return Ok(records(table, lines));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    // The line at `counted`, moved forward row by row.
    let (mut counted, mut line) = (0usize, piece.line);
    let mut row = csv::ByteRecord::new();
    let mut start = 0usize;
    loop {
        match reader.read_byte_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                // Line from the byte offset: the reader's own line count is off for CRLF files.
                let at = past_line_ends(bytes, row.position().map_or(0, |p| p.byte() as usize));
                line += memchr::memchr_iter(b'\n', bytes.get(counted..at).unwrap_or_default()).count();
                counted = counted.max(at);
                if row.len() != columns.len() {
                    return Err(ragged(row.len(), columns.len(), line));
                }
                let end = (reader.position().byte() as usize).min(bytes.len());
                table
                    .push_row(bytes.get(start..end).unwrap_or_default(), start, &row)
                    .map_err(|message| FormatError {
                        message,
                        line: Some(line),
                    })?;
                start = end;
                lines.push(line as u32);
            }
            Err(e) => {
                let mut err = csv_error(&e, file);
                err.line = e.position().map(|p| csv_line_at(file, offset + p.byte() as usize));
                return Err(err);
            }
        }
    }
    Ok(records(table, lines))
}

/// The records of a parsed piece, one per row.
fn records(table: Table, lines: Vec<u32>) -> Vec<Record> {
    let table = Arc::new(Sheet::from(table));
    lines
        .into_iter()
        .enumerate()
        .map(|(row, line)| Record::row(table.clone(), row as u32, line))
        .collect()
}

fn ragged(cells: usize, columns: usize, line: usize) -> FormatError {
    FormatError {
        message: format!("a row has {cells} cells but the header has {columns}; check for unquoted delimiters"),
        line: Some(line),
    }
}

/// Rows of a piece without a quote, where the csv crate returns every cell as its bytes: cells end at a
/// delimiter, rows at `\r`, `\n` or `\r\n`, and empty lines are skipped. One scan for the three bytes finds
/// them all, where the csv crate's parser steps byte by byte.
fn parse_plain(
    piece: &Piece<'_>,
    delimiter: u8,
    columns: usize,
    table: &mut Table,
    lines: &mut Vec<u32>,
) -> Result<(), FormatError> {
    let bytes = piece.bytes;
    // A searcher built once per piece: `memchr3_iter` picks its routine again at every cell, which cost as much
    // as the search itself in cells of a few bytes.
    #[cfg(target_arch = "x86_64")]
    if let Some(three) = memchr::arch::x86_64::avx2::memchr::Three::new(delimiter, b'\n', b'\r') {
        return split_plain(piece, delimiter, columns, table, lines, three.iter(bytes));
    }
    let ends = memchr::memchr3_iter(delimiter, b'\n', b'\r', bytes);
    split_plain(piece, delimiter, columns, table, lines, ends)
}

/// [`parse_plain`] with the offsets of the piece's delimiters and line terminators, in order.
fn split_plain(
    piece: &Piece<'_>,
    delimiter: u8,
    columns: usize,
    table: &mut Table,
    lines: &mut Vec<u32>,
    specials: impl Iterator<Item = usize>,
) -> Result<(), FormatError> {
    let bytes = piece.bytes;
    let mut line = piece.line;
    // A row starts after the last line end; its delimiters are counted from there.
    let mut after_terminator = 0;
    let mut delimiters: Vec<usize> = Vec::with_capacity(columns);
    let mut finish = |start: usize, end: usize, delimiters: &mut Vec<usize>, line: usize| {
        if delimiters.len() + 1 != columns {
            return Err(ragged(delimiters.len() + 1, columns, line));
        }
        table
            .push_plain_row(start, &bytes[start..end], delimiters)
            .map_err(|message| FormatError {
                message,
                line: Some(line),
            })?;
        lines.push(line as u32);
        delimiters.clear();
        Ok(())
    };
    for at in specials {
        if bytes[at] == delimiter {
            delimiters.push(at - after_terminator);
            continue;
        }
        // A line end ends a row if the line has a byte (a delimiter counts); otherwise the line was empty.
        if at > after_terminator {
            finish(after_terminator, at, &mut delimiters, line)?;
        }
        after_terminator = at + 1;
        line += usize::from(bytes[at] == b'\n');
    }
    if bytes.len() > after_terminator {
        finish(after_terminator, bytes.len(), &mut delimiters, line)?;
    }
    Ok(())
}

/// The line a CSV record starts on (its position may sit on the previous row's line terminator).
fn csv_line(file: &SourceFile, p: &csv::Position) -> usize {
    csv_line_at(file, p.byte() as usize)
}

fn csv_line_at(file: &SourceFile, at: usize) -> usize {
    file.line_of(past_line_ends(file.text.as_bytes(), at))
}

/// The first offset from `at` that is not a line terminator: the csv crate may start a record on the previous
/// record's terminator.
pub(crate) fn past_line_ends(bytes: &[u8], at: usize) -> usize {
    at + bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count()
}

fn csv_error(e: &csv::Error, file: &SourceFile) -> FormatError {
    let line = e.position().map(|p| csv_line(file, p));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("a row has {len} cells but the header has {expected_len}; check for unquoted delimiters")
        }
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8; save it as UTF-8".to_string(),
        _ => format!("invalid CSV: {e}"),
    };
    FormatError { message, line }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records and lines from parsing `text` in pieces of `size` bytes.
    fn in_pieces(text: &str, size: usize) -> Vec<(Value, u32)> {
        let file = SourceFile::new("t.csv", text);
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let columns = Arc::new(Columns::new(&headers, &BTreeMap::new()));
        let body_start = reader.position().byte() as usize;
        pieces(text, body_start, b',', size)
            .iter()
            .flat_map(|piece| parse_piece(&file, b',', &columns, piece).unwrap())
            .map(|r| (r.to_value(), r.line()))
            .collect()
    }

    #[test]
    fn pieces_split_only_between_records_and_keep_lines() {
        let mut text = String::from("name,note,n\r\n");
        for i in 0..200 {
            match i % 4 {
                0 => text.push_str(&format!("r{i},\"two\r\nlines\",{i}\r\n")),
                1 => text.push_str(&format!("r{i},\"say \"\"hi\"\"\nthere\",{i}\r\n")),
                2 => text.push_str(&format!("r{i},in\"side,{i}\r\n")),
                _ => text.push_str(&format!("r{i},,{i}\n")),
            }
        }
        let whole = in_pieces(&text, usize::MAX);
        assert_eq!(whole.len(), 200);
        for size in [1, 7, 64, 1000] {
            assert_eq!(in_pieces(&text, size), whole, "pieces of {size} bytes");
        }
        assert_eq!(whole[1].1, 4, "a record after a two-line field starts on line 4");
        assert_eq!(whole[1].0["note"], "say \"hi\"\nthere");
        assert!(split_records(text.as_bytes(), b',', 64).len() > 10);
    }

    #[test]
    fn quote_free_rows_keep_their_lines_across_blank_lines_and_terminators() {
        // Each row holds the line it is on; blank lines and mixed terminators sit between them.
        let mut text = String::from("line,pad\n");
        let mut line = 2;
        for i in 0..120 {
            text.push_str(&format!("{line},{}", "x".repeat(i % 5)));
            let gap = ["\n", "\r\n", "\n\n", "\r\n\r\n", "\n\r\n\n"][i % 5];
            text.push_str(gap);
            line += gap.matches('\n').count();
        }
        text.push_str(&format!("{line},last"));
        for size in [1, 9, 100, usize::MAX] {
            let rows = in_pieces(&text, size);
            assert_eq!(rows.len(), 121, "pieces of {size} bytes");
            for (value, line) in rows {
                assert_eq!(value["line"], line.to_string(), "pieces of {size} bytes");
            }
        }
    }

    /// Each row's cells (empty as null) and line, or the line of the first ragged row.
    type Rows = Result<Vec<(Vec<Option<String>>, u32)>, usize>;

    /// What the csv crate makes of a whole body.
    fn by_csv_crate(text: &str, columns: usize) -> Rows {
        let file = SourceFile::new("t.csv", text);
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let mut out = Vec::new();
        for row in reader.byte_records() {
            let row = row.unwrap();
            let line = csv_line(&file, row.position().unwrap());
            if row.len() != columns {
                return Err(line);
            }
            let cells = row
                .iter()
                .map(|c| (!c.is_empty()).then(|| String::from_utf8(c.to_vec()).unwrap()))
                .collect();
            out.push((cells, line as u32));
        }
        Ok(out)
    }

    #[test]
    fn rows_without_quotes_are_what_the_csv_crate_reads() {
        let mut rng = fastrand::Rng::with_seed(7);
        let alphabet = [b'a', b'b', b' ', b',', b',', b'\n', b'\n', b'\r', b'\t'];
        for case in 0..3000 {
            let len = rng.usize(0..60);
            let body: String = (0..len)
                .map(|_| alphabet[rng.usize(..alphabet.len())] as char)
                .collect();
            // Most cases keep every row at three cells, so rows (not only errors) are compared.
            let body = if case % 3 == 0 {
                body
            } else {
                body.split('\n')
                    .map(|l| l.split(',').chain(["", ""]).take(3).collect::<Vec<_>>().join(","))
                    .collect::<Vec<_>>()
                    .join(if case % 2 == 0 { "\n" } else { "\r\n" })
            };
            let text = format!("x,y,z\n{body}");
            let expected = by_csv_crate(&text, 3);
            let file = SourceFile::new("t.csv", text.as_str());
            let columns = Arc::new(Columns::new(&["x".into(), "y".into(), "z".into()], &BTreeMap::new()));
            for size in [1, 5, usize::MAX] {
                let got: Rows = pieces(&text, 6, b',', size)
                    .iter()
                    .map(|piece| parse_piece(&file, b',', &columns, piece))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|pieces| {
                        pieces
                            .into_iter()
                            .flatten()
                            .map(|r| {
                                let cells = ["x", "y", "z"]
                                    .iter()
                                    .map(|c| match r.get(c) {
                                        Some(crate::evidence::Field::Text(t)) => Some(t.to_string()),
                                        _ => None,
                                    })
                                    .collect();
                                (cells, r.line())
                            })
                            .collect()
                    })
                    .map_err(|e| e.line.unwrap_or_default());
                assert_eq!(got, expected, "{text:?} in pieces of {size} bytes");
            }
        }
    }

    #[test]
    fn quote_free_bytes_split_where_the_full_scan_does() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!("r{i},{}\r\n", "x".repeat(i % 17)));
        }
        text.push_str("last,row");
        for size in [1, 2, 5, 64, 999, 100_000] {
            assert_eq!(
                split_records(text.as_bytes(), b',', size),
                split_quoted(text.as_bytes(), b',', size),
                "pieces of {size} bytes"
            );
        }
    }
}
