import { InvalidArgumentError } from '../src/errors';
import { DatasetFormatError } from './errors';

/** Parsed CSV records, each with the 1-based line it starts on (records may span lines inside quotes). */
export interface CsvRecords {
  rows: string[][];
  lines: number[];
}

/**
 * Splits CSV text into records and fields per RFC 4180: fields separated by `delimiter`, records by
 * CRLF, LF or CR; a field in double quotes may hold delimiters, line breaks and `""` (one quote).
 * Lenient where real files differ from the RFC and the meaning is clear: a byte-order mark is dropped,
 * blank lines are skipped, a quote inside an unquoted field is kept as a character. Strict where
 * guessing would corrupt data: text after a closing quote, or a quote never closed, is an error.
 */
export function parseCsv(text: string, file: string, delimiter = ','): CsvRecords {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new InvalidArgumentError('delimiter', delimiter, 'one character other than a quote or a line break');
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  let row: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoteLine = 0;
  let inQuotes = false;
  let quoted = false; // the current field was quoted (so an empty one still counts as a field)
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = (): void => {
    row.push(field);
    if (!(row.length === 1 && field === '' && !quoted)) {
      rows.push(row);
      lines.push(recordLine);
    }
    row = [];
    field = '';
    quoted = false;
  };
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          const next = text[i + 1];
          if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
            throw new DatasetFormatError(
              file,
              `unexpected ${JSON.stringify(next)} after the closing quote of a field (a quote inside a quoted field is written "")`,
              line,
              `${row.length + 1}`,
            );
          }
        }
      } else {
        if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
        field += ch;
      }
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
      quoted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (ch === '"' && field === '' && !quoted) {
      inQuotes = true;
      quoted = true;
      quoteLine = line;
    } else {
      field += ch;
    }
  }
  if (inQuotes) throw new DatasetFormatError(file, 'a quoted field is never closed (missing ")', quoteLine);
  if (field !== '' || quoted || row.length > 0) endRecord();
  return { rows, lines };
}
