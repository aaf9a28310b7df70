import { TfjsTuneError } from '../src/errors';

/**
 * A data file that cannot be read as the format it should be in. The message always names the file,
 * and the line and column (or record) where that means something, so the user can open it there.
 */
export class DatasetFormatError extends TfjsTuneError {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(
      `${file}${line === undefined ? '' : `:${line}`}${column === undefined ? '' : `, column ${column}`}: ${detail}`,
    );
  }
}
