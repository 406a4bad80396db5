/**
 * Streaming multipart/form-data for uploads. `req.formData()` would buffer the
 * whole body (and a chunked one has no length to check first); here busboy
 * parses the body as it arrives and the one file part is handed to a
 * consumer as a stream, which writes it to storage while counting. The body
 * as a whole is read through a counter too (the file's limit plus room for
 * the envelope), so neither a huge file nor many other parts can make the
 * server read more than that. When the consumer fails or a limit is passed,
 * reading the request stops.
 */
import { Readable } from "node:stream";

import busboy from "busboy";

import { AppError } from "@/server/errors";

export interface UploadedFile {
  /** The name the client gave, not yet cleaned. */
  filename: string;
  /** The part's bytes as they arrive; ends at the part's end. */
  content: Readable;
}

export interface SingleFileOptions {
  /** The form field that carries the file. */
  field: string;
  /** Largest file the consumer accepts; the parser cuts a part at one byte more, for the consumer to refuse. */
  maxFileBytes: number;
  /** Largest body read in all. */
  maxBodyBytes: number;
  tooLarge: () => AppError;
}

const invalidForm = () => new AppError("BAD_REQUEST", "The upload is not a valid multipart form");

/** The body's bytes, failing with `tooLarge()` past `max`; cancelling the reader when stopped early. */
async function* counted(body: ReadableStream<Uint8Array>, max: number, tooLarge: () => AppError) {
  const reader = body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > max) throw tooLarge();
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

export interface FormResult<T> {
  /** What `consume` answered. */
  value: T;
  /** The form's text fields (the first of each name), wherever they came in the form. */
  fields: Record<string, string>;
}

/**
 * Parses `req` as multipart/form-data and runs `consume` on the part named
 * `opts.field` while it streams in. Other file parts are skipped; text
 * fields are collected. Resolves once the consumer has finished and the whole
 * form has been read, so fields sent after the file are there too. A form
 * without the file part is BAD_REQUEST, as is a malformed one.
 */
export function withSingleFile<T>(
  req: Request,
  opts: SingleFileOptions,
  consume: (file: UploadedFile) => Promise<T>,
): Promise<FormResult<T>> {
  if (!req.body) return Promise.reject(invalidForm());
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: Object.fromEntries(req.headers),
      limits: {
        files: 1,
        fileSize: opts.maxFileBytes + 1,
        fields: 20,
        fieldSize: 8 * 1024,
        parts: 30,
        headerPairs: 30,
      },
    });
  } catch {
    return Promise.reject(invalidForm());
  }
  const source = Readable.from(counted(req.body, opts.maxBodyBytes, opts.tooLarge), { objectMode: false });

  return new Promise<FormResult<T>>((resolve, reject) => {
    let settled = false;
    let started = false;
    let closed = false;
    let consumed: { value: T } | null = null;
    const fields: Record<string, string> = Object.create(null);
    const finish = () => {
      if (settled || !closed || !consumed) return;
      settled = true;
      resolve({ value: consumed.value, fields: { ...fields } });
    };
    /** Why the body could not be read: too large, cut off or malformed. */
    let failure: AppError | undefined;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      // Stop reading the request.
      source.unpipe(parser);
      source.destroy();
      parser.destroy();
      reject(err);
    };
    const noteFailure = (err: unknown) => {
      failure ??= err instanceof AppError ? err : invalidForm();
      return failure;
    };

    source.on("error", (err) => {
      // Reaches the consumer through the file stream, which the parser destroys with it.
      parser.destroy(noteFailure(err));
    });
    parser.on("error", (err) => {
      const reason = noteFailure(err);
      // While the file is being consumed, the failure reaches the consumer through its stream.
      if (!started || consumed) fail(reason);
    });
    parser.on("field", (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      // The parser destroys a file stream with its own error, which is handled above; a consumer that has stopped reading must not turn it into an uncaught one.
      stream.on("error", () => {});
      if (name !== opts.field || started) {
        stream.resume();
        return;
      }
      started = true;
      consume({ filename: info.filename ?? "", content: stream }).then(
        (value) => {
          // The rest of the form is read by the parser, bounded by the body counter; then it closes.
          consumed = { value };
          finish();
        },
        (err: unknown) => {
          // A malformed or cut-off body reaches the consumer as the stream's raw error.
          if (err instanceof AppError) fail(err);
          else if (failure || parser.errored) fail(failure ?? invalidForm());
          else fail(err);
        },
      );
    });
    parser.on("close", () => {
      closed = true;
      if (!started) fail(new AppError("BAD_REQUEST", `Attach the file in a field named "${opts.field}"`));
      else finish();
    });
    source.pipe(parser);
  });
}
