/**
 * Reads ReqIF 1.2 (`.reqif`) and ReqIF archives (`.reqifz`) into the import row model
 * (server/services/imports/types.ts), as exported by DOORS, Polarion, ReqIF Studio / ProR, Enterprise
 * Architect, Capella and Specline itself. The XML is streamed through saxes a chunk at a time
 * (reqif-parse.ts), then mapped (reqif-rows.ts); rich text becomes Markdown (xhtml-markdown.ts).
 *
 * Mapping rules
 *
 * - Rows. Each SPEC-OBJECT is one row, in hierarchy order — depth-first, a parent before its children —
 *   across all SPECIFICATIONs in document order (and across the .reqif files of a .reqifz in archive order).
 *   `sourceRef` is the object's IDENTIFIER, `parentRef` its parent object's IDENTIFIER, `row` its 1-based
 *   position. An object placed twice keeps its first place (later references are ignored; their children
 *   go under the nearest placed ancestor). Objects no hierarchy references come last, top-level. With more
 *   than one specification, each specification is a top-level row itself (title = its LONG-NAME, sourceRef
 *   = its IDENTIFIER) with its hierarchy under it; with one, its roots are top-level rows.
 * - Attributes by LONG-NAME, case-insensitively. `ReqIF.Name` → title; `ReqIF.ChapterName` → title when
 *   there is no ReqIF.Name (DOORS writes headings as objects with a chapter name and empty text);
 *   `ReqIF.Text` → statement; `Rationale` → rationale, or `ReqIF.Description` when the file defines no
 *   Rationale; `ReqIF.ForeignID` → the key in a file Specline wrote (REQ-IF-TOOL-ID or SOURCE-TOOL-ID
 *   "Specline"), otherwise a custom text attribute "Foreign ID". In a Specline file, "Type", "Priority" and
 *   "Status" enumerations of Specline's values set type, priority and status, "Tags" (comma-separated) the
 *   tags, "Version" is skipped, and a custom attribute keeps the key its identifier `_ad-attr-<key>` carries.
 * - Everything else is a custom attribute labelled with its LONG-NAME (definitions of several object types
 *   with one name are one attribute), keyed in camelCase ("Safety Level" → "safetyLevel", unique in the
 *   file), typed by its datatype: STRING → text, XHTML → richText, INTEGER/REAL → number, BOOLEAN → boolean,
 *   DATE → date when every value is midnight UTC else dateTime, ENUMERATION → enum, or multiEnum when
 *   MULTI-VALUED; options are the ENUM-VALUE LONG-NAMEs (the EMBEDDED-VALUE's OTHER-CONTENT without one).
 *   An object without a value for a definition of its type takes the definition's DEFAULT-VALUE.
 * - Title: ReqIF.Name, else ReqIF.ChapterName, else the first line of the statement's text, else the
 *   object's own LONG-NAME (some tools, such as Enterprise Architect's exchange files, keep the name there),
 *   else the Foreign ID, else "Untitled <identifier>"; whitespace collapsed, at most 200 characters, cut
 *   at a word boundary with "…".
 * - Values. XHTML (in any prefix — `xhtml:`, Polarion's `reqif-xhtml:`, a default namespace) becomes
 *   Markdown; plain strings stay as they are. Dates are ISO strings: `YYYY-MM-DD` for a date attribute, UTC
 *   `…Z` for a date-time (a time without a zone is taken as UTC). A multi-valued enumeration is an array.
 * - Errors. An object still imports whatever it lacks ("Untitled <identifier>" without any text). Only a
 *   reference to something undefined — a SPEC-OBJECT-TYPE, an attribute definition, an ENUM-VALUE — or a
 *   value that cannot be read as its type is reported as `{ row, message }` naming the identifier; that value
 *   is skipped and the rest of the object imports. Hierarchy entries pointing nowhere are reported as row 0.
 * - Attachments. A `.reqifz` may carry files referenced from XHTML (`<xhtml:object data="files/x.png">`);
 *   each reference becomes a Markdown image or link naming the file so no text is lost. Storing the
 *   attachments' bytes is out of scope: they are not even decompressed.
 */
import { Unzip, type UnzipFile, UnzipInflate } from "fflate";

import { AppError } from "@/server/errors";

import { DEFAULT_REQIF_LIMITS, type ParsedReqif, type ReqifLimits, ReqifParser } from "./reqif-parse";
import { toImportSource } from "./reqif-rows";
import type { ImportSource } from "./types";

export type { ReqifLimits } from "./reqif-parse";
export { DEFAULT_REQIF_LIMITS } from "./reqif-parse";

export interface ReqifReadOptions {
  limits?: Partial<ReqifLimits>;
}

/** Reads one ReqIF 1.2 document. BAD_REQUEST for anything that is not one, or too large. */
export async function readReqif(
  input: AsyncIterable<Uint8Array | string>,
  opts: ReqifReadOptions = {},
): Promise<ImportSource> {
  const parser = new ReqifParser({ ...DEFAULT_REQIF_LIMITS, ...opts.limits });
  for await (const chunk of input) parser.write(chunk);
  return toImportSource([parser.end()]);
}

/**
 * Compressed bytes handed to the unzipper at once. fflate inflates all it is given in one go, so small
 * pieces keep what a zip bomb can inflate before the limits are checked to about 1,000 times this.
 */
const PUSH_BYTES = 8 * 1024;

const bad = (message: string) => new AppError("BAD_REQUEST", message);

/**
 * Reads a ReqIF archive: every `.reqif` entry, streamed from the zip straight into the parser. fflate rather
 * than yauzl: its `Unzip` reads the archive as a stream of local entries, so the upload is never written
 * to disk or held whole, while yauzl needs random access to find the central directory at the end.
 *
 * Zip bombs are refused: entries and their uncompressed bytes are capped (declared sizes are checked before
 * anything is inflated, actual sizes while inflating), an entry that inflates past the size its header
 * declares is refused, and so is an entry whose name would point outside the archive.
 */
export async function readReqifz(input: AsyncIterable<Uint8Array>, opts: ReqifReadOptions = {}): Promise<ImportSource> {
  const limits = { ...DEFAULT_REQIF_LIMITS, ...opts.limits };
  const docs: ParsedReqif[] = [];
  let failure: unknown = null;
  let entries = 0;
  let reqifEntries = 0;
  let declaredTotal = 0;
  let inflatedTotal = 0;
  const mib = (bytes: number) => `${Math.round((bytes / 1_048_576) * 10) / 10} MB`;

  const onFile = (file: UnzipFile) => {
    if (++entries > limits.maxEntries) throw bad(`The archive has more than ${limits.maxEntries} entries`);
    checkEntryName(file.name);
    if (file.originalSize !== undefined) {
      if (file.originalSize > limits.maxEntryBytes) {
        throw bad(
          `The archive entry ${file.name} is ${mib(file.originalSize)} uncompressed, more than ${mib(limits.maxEntryBytes)}`,
        );
      }
      declaredTotal += file.originalSize;
      if (declaredTotal > limits.maxTotalBytes) {
        throw bad(`The archive holds more than ${mib(limits.maxTotalBytes)} uncompressed`);
      }
    }
    const base = file.name.split("/").pop() ?? "";
    if (!/\.reqif$/i.test(base) || base.startsWith("._") || file.name.startsWith("__MACOSX/")) return;
    reqifEntries++;
    const parser = new ReqifParser(limits, file.name);
    let inflated = 0;
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      try {
        if (err) throw bad(`The archive entry ${file.name} cannot be decompressed: ${err.message}`);
        inflated += chunk.length;
        inflatedTotal += chunk.length;
        if (file.originalSize !== undefined && inflated > file.originalSize) {
          throw bad(
            `The archive entry ${file.name} inflates to more than the ${file.originalSize} bytes its header declares`,
          );
        }
        if (inflated > limits.maxEntryBytes) {
          throw bad(`The archive entry ${file.name} is more than ${mib(limits.maxEntryBytes)} uncompressed`);
        }
        if (inflatedTotal > limits.maxTotalBytes) {
          throw bad(`The archive holds more than ${mib(limits.maxTotalBytes)} uncompressed`);
        }
        if (chunk.length) parser.write(chunk);
        if (final) docs.push(parser.end());
      } catch (e) {
        failure = e;
        file.terminate();
      }
    };
    file.start();
  };

  const unzip = new Unzip((file) => {
    if (failure) return;
    try {
      onFile(file);
    } catch (e) {
      failure = e;
    }
  });
  unzip.register(UnzipInflate);
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      unzip.push(chunk, final);
    } catch (e) {
      throw failure ?? bad(`The file is not a readable zip archive (${e instanceof Error ? e.message : "corrupt"})`);
    }
    if (failure) throw failure;
  };
  for await (const chunk of input) {
    for (let i = 0; i < chunk.length; i += PUSH_BYTES) push(chunk.subarray(i, i + PUSH_BYTES), false);
  }
  push(new Uint8Array(0), true);
  if (entries === 0) throw bad("The file is not a .reqifz: it holds no zip entries");
  if (reqifEntries === 0) throw bad("The archive holds no .reqif file");
  if (docs.length < reqifEntries) throw bad("The archive ends in the middle of a .reqif file");
  return toImportSource(docs);
}

/** Refuses names that would point outside the archive if it were unpacked: `..` segments, absolute paths. */
function checkEntryName(name: string): void {
  const path = name.replace(/\\/g, "/");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.split("/").includes("..") || path.includes("\u0000")) {
    throw bad(`The archive has an entry named "${name}", which points outside the archive; it is refused`);
  }
}
