//! The rows of a CSV/TSV file stored compactly: the file's text, the column names once per file and, per cell,
//! where it ends from the row's start (rows with quoted cells, which the csv crate unescapes, go to a small side
//! buffer).

use super::record::Field;
use crate::core::path::ColumnHint;
use crate::core::source::SourceFile;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// Numbers every [`Columns`], so a field path can remember where it found its field ([`ColumnHint`]).
static NEXT_COLUMNS_ID: AtomicU32 = AtomicU32::new(1);

/// No columns: what a record index out of range reads.
pub(super) static NO_COLUMNS: Columns = Columns {
    id: 0,
    count: 0,
    by_name: Vec::new(),
};

/// Column names of one CSV file (after the manifest's renames), sorted for lookup.
#[derive(Debug)]
pub struct Columns {
    /// Unique in the process; 0 (once the numbers run out) means hints are not used.
    id: u32,
    pub(super) count: usize,
    /// Visible names and their cell index, sorted by name.
    pub(super) by_name: Vec<(String, u32)>,
}

impl Columns {
    /// `renames` maps canonical names to exported ones; a renamed column hides a column already named the
    /// canonical name, as renaming a field of a JSON record replaces it.
    pub fn new(headers: &[String], renames: &BTreeMap<String, String>) -> Columns {
        let mut named: BTreeMap<String, (u32, bool)> = BTreeMap::new();
        for (i, header) in headers.iter().enumerate() {
            let canonical = renames.iter().find(|(_, exported)| *exported == header).map(|(c, _)| c);
            let (name, renamed) = match canonical {
                Some(c) => (c.clone(), true),
                None => (header.clone(), false),
            };
            match named.get(&name) {
                Some((_, true)) if !renamed => {}
                _ => {
                    named.insert(name, (i as u32, renamed));
                }
            }
        }
        Columns::from_names(headers.len(), named.into_iter().map(|(n, (i, _))| (n, i)).collect())
    }

    /// Columns of `count` cells whose visible names and cell indexes, sorted by name, are `by_name`.
    pub(super) fn from_names(count: usize, by_name: Vec<(String, u32)>) -> Columns {
        Columns {
            id: NEXT_COLUMNS_ID
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
                .unwrap_or(0),
            count,
            by_name,
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// [`Columns::index`], remembered in `hint` for the next row of the same file.
    pub(super) fn index_hinted(&self, name: &str, hint: &ColumnHint) -> Option<usize> {
        let known = hint.get();
        if self.id != 0 && (known >> 32) as u32 == self.id {
            let column = known as u32;
            return (column != u32::MAX).then_some(column as usize);
        }
        let found = self.index(name);
        let column = found.map_or(u32::MAX, |c| c as u32);
        hint.set(u64::from(self.id) << 32 | u64::from(column));
        found
    }

    pub(super) fn index(&self, name: &str) -> Option<usize> {
        // Exports have tens of columns: a scan that compares lengths first beats a binary search of the text.
        if self.by_name.len() <= 64 {
            return self.by_name.iter().find(|(n, _)| n == name).map(|(_, i)| *i as usize);
        }
        self.by_name
            .binary_search_by(|(n, _)| n.as_str().cmp(name))
            .ok()
            .map(|i| self.by_name[i].1 as usize)
    }
}

/// A row whose start has this bit keeps its cells in [`Table::unescaped`], not in the file's text.
const UNESCAPED: u32 = 1 << 31;
/// A row whose start has this bit is longer than 64 KiB: its cell ends are in [`Table::wide`].
const WIDE: u32 = 1 << 30;
/// The offset part of a row start.
const OFFSET: u32 = WIDE - 1;

/// An offset within a piece, if it fits beside the row flags.
fn fit(n: usize) -> Result<u32, String> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n <= OFFSET)
        .ok_or_else(|| "a piece of the file exceeds 1 GiB; split the export".to_string())
}

/// The rows of one piece of a CSV file, as offsets into the file's text.
///
/// A row's cells follow each other, so each cell needs only its end, counted from the row's start: the next
/// cell starts one delimiter later (or right after it, for a row in the unescaped buffer). A cell costs 2 bytes
/// and a row 4 more; the rare row longer than 64 KiB keeps 4-byte ends on the side.
#[derive(Debug)]
pub struct Table {
    pub(super) source: Arc<SourceFile>,
    /// Index into [`super::Evidence::files`], set once the file is loaded.
    pub(super) file: AtomicU32,
    pub(super) columns: Arc<Columns>,
    /// Byte offset of this piece in the file; offsets are relative to it so they fit in 30 bits.
    pub(super) base: usize,
    /// Where each row's first cell starts, with the [`UNESCAPED`] and [`WIDE`] bits.
    row_starts: Vec<u32>,
    /// Where each cell ends, from its row's start, row after row (0 for the cells of wide rows).
    ends: Vec<u16>,
    /// Cells of rows whose cells are not exactly their bytes in the file (rows with quoted cells).
    unescaped: String,
    /// Cell ends of wide rows, by row.
    wide: Vec<(u32, Box<[u32]>)>,
    /// Per column, whether some row of the piece leaves it empty: a column that is never empty holds text in
    /// every row, which a schema accepting any text need not read cell by cell.
    has_empty: Vec<bool>,
}

impl Table {
    pub fn new(source: Arc<SourceFile>, columns: Arc<Columns>, base: usize) -> Table {
        Table {
            source,
            file: AtomicU32::new(0),
            base,
            row_starts: Vec::new(),
            ends: Vec::new(),
            unescaped: String::new(),
            wide: Vec::new(),
            has_empty: vec![false; columns.len()],
            columns,
        }
    }

    /// Makes room for `rows` more rows (a guess from the piece's line count keeps the lists from doubling).
    pub fn reserve(&mut self, rows: usize) {
        self.row_starts.reserve_exact(rows);
        self.ends.reserve_exact(rows * self.columns.len());
    }

    /// Adds a row parsed by the csv crate from `raw` (the record's bytes, which start at `offset` in the
    /// piece). When every cell equals its bytes in `raw`, one delimiter apart, the row is kept as offsets into
    /// the file; otherwise its cells are copied. `Err` when the piece is too large for 30-bit offsets.
    pub fn push_row(&mut self, raw: &[u8], offset: usize, row: &csv::ByteRecord) -> Result<(), String> {
        let lead = super::formats::past_line_ends(raw, 0);
        let mut at = lead;
        // Without a quote the csv crate changes nothing: each cell is its bytes, one delimiter apart.
        let in_place = memchr::memchr(b'"', raw).is_none()
            || row.iter().all(|cell| {
                let same = raw.get(at..at + cell.len()) == Some(cell);
                at += cell.len() + 1;
                same
            });
        // The row's length decides between 2-byte and 4-byte cell ends, before any is stored.
        let cells: usize = row.iter().map(<[u8]>::len).sum();
        let length = if in_place {
            cells + row.len().saturating_sub(1)
        } else {
            cells
        };
        let mut start = if in_place {
            fit(offset + lead)?
        } else {
            fit(self.unescaped.len())? | UNESCAPED
        };
        let gap = usize::from(in_place);
        let ends = row.iter().scan(0, |at, cell| {
            let end = *at + cell.len();
            *at = end + gap;
            Some(end)
        });
        if length > usize::from(u16::MAX) {
            start |= WIDE;
        }
        self.push_ends(start, row.len(), gap, ends)?;
        if !in_place {
            for cell in row {
                // Valid UTF-8: a cell is the file's text between ASCII delimiters and quotes.
                let text = std::str::from_utf8(cell).map_err(|_| "a cell is not valid UTF-8".to_string())?;
                self.unescaped.push_str(text);
            }
            fit(self.unescaped.len())?;
        }
        self.row_starts.push(start);
        Ok(())
    }

    /// Adds a row without quotes, `row` bytes at `offset` in the piece, whose cells end (from the row's start)
    /// at `delimiters` and at the row's end: the csv crate would return these bytes unchanged.
    pub fn push_plain_row(&mut self, offset: usize, row: &[u8], delimiters: &[usize]) -> Result<(), String> {
        let mut start = fit(offset)?;
        if row.len() > usize::from(u16::MAX) {
            start |= WIDE;
        }
        let ends = delimiters.iter().copied().chain([row.len()]);
        self.push_ends(start, delimiters.len() + 1, 1, ends)?;
        self.row_starts.push(start);
        Ok(())
    }

    /// Stores a row's `cells` cell ends, 2 bytes each, or 4 on the side when `start` has [`WIDE`]; each cell
    /// starts `gap` bytes after the one before ends. Notes the columns left empty.
    fn push_ends(
        &mut self,
        start: u32,
        cells: usize,
        gap: usize,
        ends: impl Iterator<Item = usize>,
    ) -> Result<(), String> {
        let mut cell_start = 0;
        let has_empty = &mut self.has_empty;
        let ends = ends.enumerate().map(|(column, end)| {
            if end == cell_start
                && let Some(empty) = has_empty.get_mut(column)
            {
                *empty = true;
            }
            cell_start = end + gap;
            end
        });
        if start & WIDE != 0 {
            let wide = ends.map(fit).collect::<Result<_, _>>()?;
            self.wide.push((self.row_starts.len() as u32, wide));
            self.ends.extend(std::iter::repeat_n(0, cells));
        } else {
            self.ends.extend(ends.map(|e| e as u16));
        }
        Ok(())
    }

    /// Whether every row of the piece has text in `column`.
    pub(super) fn never_empty(&self, column: usize) -> bool {
        self.has_empty.get(column).is_some_and(|empty| !empty)
    }

    pub fn rows(&self) -> usize {
        self.row_starts.len()
    }

    pub(super) fn cell(&self, row: u32, column: usize) -> Field<'_> {
        let Some(&row_start) = self.row_starts.get(row as usize) else {
            return Field::Null;
        };
        let unescaped = row_start & UNESCAPED != 0;
        let end_of = |c: usize| -> Option<usize> {
            if row_start & WIDE != 0 {
                let i = self.wide.binary_search_by_key(&row, |(r, _)| *r).ok()?;
                self.wide[i].1.get(c).map(|&e| e as usize)
            } else {
                self.ends
                    .get(row as usize * self.columns.len() + c)
                    .map(|&e| usize::from(e))
            }
        };
        let Some(end) = end_of(column) else {
            return Field::Null;
        };
        let start = match column {
            0 => 0,
            _ => end_of(column - 1).map_or(end, |e| e + usize::from(!unescaped)),
        };
        let at = (row_start & OFFSET) as usize;
        let text = if unescaped {
            self.unescaped.get(at + start..at + end)
        } else {
            self.source.text.get(self.base + at + start..self.base + at + end)
        };
        match text {
            Some(t) if !t.is_empty() => Field::Text(t),
            _ => Field::Null,
        }
    }
}
