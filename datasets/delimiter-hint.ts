import { DatasetFormatError } from './errors';

/** Delimiters that tables are written with besides the one asked for, most common first. */
const OTHER_DELIMITERS = [';', '\t', '|', ','] as const;

const NAMES: Readonly<Record<string, string>> = { ';': '";"', '\t': '"\\t" (tab)', '|': '"|"', ',': '","' };

/**
 * A file read with the wrong delimiter comes out as one column per line (European spreadsheets write
 * `;`, with `,` as the decimal mark, so the later lines may even split on the commas). When the first
 * record is one field that another common delimiter splits into two or more, the read is refused with
 * the setting that fixes it, instead of a confusing "no column" or field-count error further on.
 */
export function checkDelimiter(firstRecord: readonly string[] | undefined, delimiter: string, file: string): void {
  if (firstRecord === undefined || firstRecord.length !== 1) return;
  const only = firstRecord[0] as string;
  const likely = OTHER_DELIMITERS.find((d) => d !== delimiter && only.split(d).length >= 2);
  if (likely === undefined) return;
  throw new DatasetFormatError(
    file,
    `the first line is one column with ${NAMES[likely]} in it: the fields look separated by ${NAMES[likely]}, not ${
      NAMES[delimiter] ?? JSON.stringify(delimiter)
    }; set delimiter: ${JSON.stringify(likely)} (config: dataset.delimiter)`,
    1,
  );
}
