// A strict RFC 4180 CSV reader for observation imports: a header line, comma-separated fields,
// double-quoted fields holding commas, quotes ("") and line breaks, CRLF / LF / CR line ends and
// a leading BOM. Numeric-looking cells become numbers, empty cells null (API.md). Errors name the
// 1-based line of the file where the problem is.

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "CsvError";
  }
}

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell as stored: a number when numeric-looking, null when empty, else the text. */
export function csvCell(text: string): number | string | null {
  if (text === "") return null;
  const t = text.trim();
  if (NUMERIC.test(t)) return Number(t);
  return text;
}

interface RawRecord {
  fields: string[];
  line: number;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Splits CSV text into records of raw fields, each with the line it starts on. */
export function parseCsvRecords(input: string): RawRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: RawRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let endOfRecord = false;
    while (!endOfRecord) {
      let field: string;
      if (text.charCodeAt(i) === QUOTE) {
        const openLine = line;
        let j = i + 1;
        let value = "";
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new CsvError(`line ${openLine}: a quoted field is not closed`, openLine);
          const chunk = text.slice(j, q);
          for (let k = 0; k < chunk.length; k++) {
            const c = chunk.charCodeAt(k);
            if (c === LF || (c === CR && chunk.charCodeAt(k + 1) !== LF)) line++;
          }
          value += chunk;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        const next = i < n ? text.charCodeAt(i) : -1;
        if (next !== -1 && next !== COMMA && next !== LF && next !== CR) {
          throw new CsvError(`line ${line}: unexpected text after a closing quote`, line);
        }
        field = value;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) throw new CsvError(`line ${line}: a quote inside an unquoted field (quote the whole field and double the quote)`, line);
          j++;
        }
        field = text.slice(i, j);
        i = j;
      }
      fields.push(field);
      if (i >= n) {
        endOfRecord = true;
      } else {
        const c = text.charCodeAt(i);
        if (c === COMMA) {
          i++;
          if (i >= n) fields.push("");
          if (i >= n) endOfRecord = true;
        } else {
          i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
          line++;
          endOfRecord = true;
        }
      }
    }
    // A blank line (one empty unquoted field) is skipped.
    if (!(fields.length === 1 && fields[0] === "")) records.push({ fields, line: startLine });
  }
  return records;
}

/** Parses CSV text with a header into row objects; throws CsvError naming the line. */
export function parseCsv(input: string): Record<string, number | string | null>[] {
  const records = parseCsvRecords(input);
  const header = records[0];
  if (!header) throw new CsvError("line 1: the CSV has no header line", 1);
  const names = header.fields.map((f) => f.trim());
  const seen = new Set<string>();
  names.forEach((name, k) => {
    if (name === "") throw new CsvError(`line ${header.line}: column ${k + 1} of the header has no name`, header.line);
    if (seen.has(name)) throw new CsvError(`line ${header.line}: column name '${name}' appears twice in the header`, header.line);
    seen.add(name);
  });
  const rows: Record<string, number | string | null>[] = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    if (rec.fields.length !== names.length) {
      throw new CsvError(`line ${rec.line}: expected ${names.length} fields as in the header, found ${rec.fields.length}`, rec.line);
    }
    const row: Record<string, number | string | null> = {};
    for (let k = 0; k < names.length; k++) row[names[k]!] = csvCell(rec.fields[k]!);
    rows.push(row);
  }
  return rows;
}
