/** The report's own error: an input file is missing, unreadable or holds nothing usable (not a gateway error). */
import { TracegateError } from '../errors.js';

/** An input file of `tracegate report` (traces, evaluations, config) is missing, unreadable or holds no usable data. */
export class ReportInputError extends TracegateError {
  readonly errorClass = 'bad_request' as const;
  readonly type = 'invalid_request_error';
  /** The file concerned. */
  readonly file: string;
  /** 1-based line of the first bad line, when one is known. */
  readonly line: number | undefined;
  constructor(message: string, file: string, line?: number) {
    super(message, 400, { param: file });
    this.file = file;
    this.line = line;
  }
}
